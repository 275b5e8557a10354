import { asNumber, describeType, ownPath } from '../values.js';
import { define, expectList, expectString, HelperError, type HelperSpec } from './spec.js';

function toInt(value: unknown, fallback: unknown): unknown {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number') return Number.isFinite(value) ? Math.trunc(value) : fallback;
  if (typeof value === 'string') {
    const n = Number.parseInt(value.trim(), 10);
    return Number.isNaN(n) ? fallback : n;
  }
  return fallback;
}

function toFloat(value: unknown, fallback: unknown): unknown {
  if (typeof value === 'boolean') return value ? 1 : 0;
  const n = asNumber(value);
  return n === undefined ? fallback : n;
}

function numbers(helper: string, args: unknown[]): number[] {
  return args.map((a) => {
    const n = asNumber(a);
    if (n === undefined) throw new HelperError(`${helper} expects numbers, got ${describeType(a)}`);
    return n;
  });
}

function arithmetic(name: string, op: (a: number, b: number) => number): HelperSpec {
  return define(name, `${name} A B`, [2, 2], (args) => {
    const [a, b] = numbers(name, args) as [number, number];
    return op(a, b);
  });
}

/** Jinja's sum: numbers added, or lists concatenated when START is a list (`sum(start=[])`). */
function sumOf(list: unknown, hash: Record<string, unknown>): unknown {
  const attribute = hash.attribute === undefined ? undefined : expectString('sum', hash.attribute);
  const items = expectList('sum', list).map((item, i) => {
    if (attribute === undefined) return item;
    const value = ownPath(item, attribute);
    if (value === undefined) throw new HelperError(`sum: item ${i} has no attribute "${attribute}"`);
    return value;
  });
  const start = hash.start ?? 0;
  if (Array.isArray(start)) return items.reduce<unknown[]>((acc, item) => acc.concat(expectList('sum', item)), [...start]);
  return numbers('sum', [start, ...items]).reduce((a, b) => a + b, 0);
}

export const numberHelpers: HelperSpec[] = [
  define('sum', 'sum LIST [attribute=NAME] [start=VALUE]', [1, 1], ([list], hash) => sumOf(list, hash)),
  define('int', 'int VALUE [FALLBACK]', [1, 2], ([v, fallback]) => toInt(v, fallback ?? 0)),
  define('float', 'float VALUE [FALLBACK]', [1, 2], ([v, fallback]) => toFloat(v, fallback ?? 0)),
  // add also joins two lists, as Jinja's `+` does.
  define('add', 'add A B', [2, 2], ([a, b]) => {
    if (Array.isArray(a) && Array.isArray(b)) return [...a, ...b];
    const [x, y] = numbers('add', [a, b]) as [number, number];
    return x + y;
  }),
  arithmetic('sub', (a, b) => a - b),
  arithmetic('mul', (a, b) => a * b),
  arithmetic('div', (a, b) => {
    if (b === 0) throw new HelperError('div: division by zero');
    return a / b;
  }),
  arithmetic('mod', (a, b) => {
    if (b === 0) throw new HelperError('mod: division by zero');
    return a % b;
  }),
];
