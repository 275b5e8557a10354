import { truthy } from '../truthy.js';
import { compareValues, isDeniedKey, isPlainObject, looseEqual, ownPath, ownValue, safeAssign, toText } from '../values.js';
import { define, expectList, expectObject, expectString, HelperError, type HelperSpec } from './spec.js';

const MAX_RANGE = 100_000;

function attributeOf(helper: string, item: unknown, attribute: string, index: number): unknown {
  const value = ownPath(item, attribute);
  if (value === undefined) throw new HelperError(`${helper}: item ${index} has no attribute "${attribute}"`);
  return value;
}

/**
 * select LIST                 → items that are truthy
 * select LIST ATTR            → items whose ATTR is truthy (a missing ATTR counts as false)
 * select LIST ATTR VALUE      → items whose ATTR equals VALUE (same equality as `eq`)
 */
function selectItems(helper: string, args: unknown[], keep: boolean): unknown[] {
  const [list, attribute, expected] = args;
  const items = expectList(helper, list);
  const hasValue = args.length >= 3;
  const attr = attribute === undefined ? undefined : expectString(helper, attribute);
  return items.filter((item) => {
    const value = attr === undefined ? item : ownPath(item, attr);
    const matches = hasValue ? looseEqual(value, expected) : truthy(value);
    return matches === keep;
  });
}

function sortItems(list: unknown, attribute: unknown, hash: Record<string, unknown>): unknown[] {
  const items = [...expectList('sort', list)];
  const attr = attribute === undefined ? undefined : expectString('sort', attribute);
  const key = (item: unknown): unknown => (attr === undefined ? item : ownPath(item, attr));
  try {
    items.sort((a, b) => compareValues(key(a), key(b)));
  } catch (err) {
    throw new HelperError(`sort: ${(err as Error).message}`);
  }
  return truthy(hash.reverse) ? items.reverse() : items;
}

function uniqueItems(list: unknown): unknown[] {
  const out: unknown[] = [];
  for (const item of expectList('unique', list)) {
    if (!out.some((seen) => looseEqual(seen, item) && typeof seen === typeof item)) out.push(item);
  }
  return out;
}

function merge(target: Record<string, unknown>, source: Record<string, unknown>, recursive: boolean): Record<string, unknown> {
  for (const [key, value] of Object.entries(source)) {
    if (isDeniedKey(key)) continue;
    const existing = ownValue(target, key);
    const next = recursive && isPlainObject(existing) && isPlainObject(value) ? merge(merge({}, existing, true), value, true) : value;
    safeAssign(target, key, next);
  }
  return target;
}

function rangeOf(args: unknown[]): number[] {
  const nums = args.map((a) => {
    if (typeof a !== 'number' || !Number.isInteger(a)) throw new HelperError('range expects whole numbers');
    return a;
  });
  const [start, end, step] = nums.length === 1 ? [0, nums[0] ?? 0, 1] : [nums[0] ?? 0, nums[1] ?? 0, nums[2] ?? 1];
  if (step === 0) throw new HelperError('range: step must not be 0');
  const count = Math.max(0, Math.ceil((end - start) / step));
  if (count > MAX_RANGE) throw new HelperError(`range: at most ${MAX_RANGE} numbers`);
  return Array.from({ length: count }, (_v, i) => start + i * step);
}

function lengthOf(value: unknown): number {
  if (typeof value === 'string' || Array.isArray(value)) return value.length;
  if (isPlainObject(value)) return Object.keys(value).length;
  throw new HelperError(`length expects a list, a string or an object, got ${value === null ? 'null' : typeof value}`);
}

function endOf(helper: string, value: unknown, pick: (items: ArrayLike<unknown>) => unknown): unknown {
  if (typeof value === 'string' || Array.isArray(value)) return pick(value);
  throw new HelperError(`${helper} expects a list or a string`);
}

function nameOption(hash: Record<string, unknown>, key: string, fallback: string): string {
  const value = hash[key];
  return value === undefined ? fallback : expectString(key, value);
}

export const collectionHelpers: HelperSpec[] = [
  define('length', 'length VALUE', [1, 1], ([v]) => lengthOf(v)),
  define('first', 'first LIST', [1, 1], ([v]) => endOf('first', v, (items) => items[0]), true),
  define('last', 'last LIST', [1, 1], ([v]) => endOf('last', v, (items) => items[items.length - 1]), true),
  define('join', 'join LIST [SEPARATOR]', [1, 2], ([list, sep]) =>
    expectList('join', list).map(toText).join(sep === undefined ? '' : expectString('join', sep)),
  ),
  define('map', 'map LIST ATTRIBUTE', [2, 2], ([list, attr]) => {
    const attribute = expectString('map', attr);
    return expectList('map', list).map((item, i) => attributeOf('map', item, attribute, i));
  }),
  define('select', 'select LIST [ATTRIBUTE [VALUE]]', [1, 3], (args) => selectItems('select', args, true)),
  define('reject', 'reject LIST [ATTRIBUTE [VALUE]]', [1, 3], (args) => selectItems('reject', args, false)),
  define('unique', 'unique LIST', [1, 1], ([list]) => uniqueItems(list)),
  define('sort', 'sort LIST [ATTRIBUTE] [reverse=true]', [1, 2], ([list, attr], hash) => sortItems(list, attr, hash)),
  define('flatten', 'flatten LIST', [1, 1], ([list]) => expectList('flatten', list).flat(Infinity)),
  define('min', 'min LIST', [1, 1], ([list]) => [...expectList('min', list)].sort(compareValues)[0], true),
  define('max', 'max LIST', [1, 1], ([list]) => [...expectList('max', list)].sort(compareValues).at(-1), true),
  define('keys', 'keys OBJECT', [1, 1], ([o]) => Object.keys(expectObject('keys', o))),
  define('values', 'values OBJECT', [1, 1], ([o]) => Object.values(expectObject('values', o))),
  define('dict2items', 'dict2items OBJECT [key_name=…] [value_name=…]', [1, 1], ([o], hash) => {
    const keyName = nameOption(hash, 'key_name', 'key');
    const valueName = nameOption(hash, 'value_name', 'value');
    return Object.entries(expectObject('dict2items', o)).map(([k, v]) => {
      const item: Record<string, unknown> = {};
      safeAssign(item, keyName, k);
      safeAssign(item, valueName, v);
      return item;
    });
  }),
  define('items2dict', 'items2dict LIST [key_name=…] [value_name=…]', [1, 1], ([list], hash) => {
    const keyName = nameOption(hash, 'key_name', 'key');
    const valueName = nameOption(hash, 'value_name', 'value');
    const out: Record<string, unknown> = {};
    expectList('items2dict', list).forEach((item, i) => {
      const key = attributeOf('items2dict', item, keyName, i);
      if (!isDeniedKey(String(key))) safeAssign(out, String(key), ownValue(item, valueName) ?? null);
    });
    return out;
  }),
  define('combine', 'combine OBJECT OBJECT... [recursive=true]', [1, Infinity], (objects, hash) => {
    const recursive = truthy(hash.recursive);
    return objects.reduce<Record<string, unknown>>((acc, o) => merge(acc, expectObject('combine', o), recursive), {});
  }),
  define('range', 'range [START] END [STEP]', [1, 3], (args) => rangeOf(args)),
  define('list', 'list ITEM...', [0, Infinity], (items) => items),
  define('dict', 'dict key=VALUE...', [0, 0], (_args, hash) => merge({}, hash, false)),
  // Handlebars' own `lookup`, same meaning (lookup hostvars item), but own properties only and no warnings.
  define('lookup', 'lookup OBJECT KEY', [2, 2], ([obj, key]) => ownValue(obj, key as string | number), true),
];
