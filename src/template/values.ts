/**
 * Value semantics shared by the helpers and the engine: equality, ordering, text form, and
 * own-property access. Template data is plain YAML/JSON data, so these only need to cover
 * null, booleans, numbers, strings, arrays and plain objects.
 */

/** Property names a template may never reach, even as own keys: they lead to prototypes. */
const DENIED_KEYS = new Set([
  'constructor',
  'prototype',
  '__proto__',
  '__defineGetter__',
  '__defineSetter__',
  '__lookupGetter__',
  '__lookupSetter__',
]);

export const isDeniedKey = (key: string): boolean => DENIED_KEYS.has(key);

export const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** obj[key] only when key is the object's own property (never inherited, never a prototype). */
export function ownValue(obj: unknown, key: string | number): unknown {
  if (obj === null || obj === undefined) return undefined;
  const name = String(key);
  if (isDeniedKey(name)) return undefined;
  if (typeof obj === 'string') {
    return /^\d+$/.test(name) ? obj[Number(name)] : undefined;
  }
  if (typeof obj !== 'object') return undefined;
  if (obj instanceof Map) return obj.get(key);
  return Object.prototype.hasOwnProperty.call(obj, name) ? (obj as Record<string, unknown>)[name] : undefined;
}

/** Follow a dotted path ("a.b.0") through own properties; undefined as soon as a step is missing. */
export function ownPath(obj: unknown, path: string): unknown {
  let current = obj;
  for (const part of path.split('.')) {
    current = ownValue(current, part);
    if (current === undefined) return undefined;
  }
  return current;
}

/** Build an object without letting a key like "__proto__" change its prototype. */
export function safeAssign(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

const NUMERIC = /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/;

/** A number, or a string that reads as one ("6379" from `-e port=6379`). */
export function asNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && NUMERIC.test(value)) return Number(value);
  return undefined;
}

/**
 * Equality as users of `-e k=v` expect: identical values, numbers equal to numeric strings
 * ("6379" eq 6379), and lists/objects compared by content.
 */
export function looseEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || a === undefined || b === undefined) return false;
  if (typeof a === 'number' || typeof b === 'number') {
    const x = asNumber(a);
    const y = asNumber(b);
    return x !== undefined && y !== undefined && x === y;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, i) => looseEqual(item, b[i]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => looseEqual(a[k], ownValue(b, k)));
  }
  return false;
}

/** Ordering for lt/le/gt/ge and sort: numbers (and numeric strings) numerically, strings by code point. */
export function compareValues(a: unknown, b: unknown): number {
  const x = asNumber(a);
  const y = asNumber(b);
  if (x !== undefined && y !== undefined) return x - y;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  throw new TypeError(`cannot compare ${describeType(a)} with ${describeType(b)}`);
}

export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return 'a string';
  if (typeof value === 'number') return 'a number';
  if (typeof value === 'boolean') return 'a boolean';
  return typeof value;
}

/** How a value reads in text: strings as-is, null as empty, lists and objects as JSON. */
export function toText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}
