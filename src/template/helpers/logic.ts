import { truthy, toBool } from '../truthy.js';
import { compareValues, looseEqual, ownValue, isPlainObject } from '../values.js';
import { define, HelperError, type HelperSpec } from './spec.js';

function compare(name: string, test: (order: number) => boolean): HelperSpec {
  return define(name, `${name} A B`, [2, 2], ([a, b]) => {
    try {
      return test(compareValues(a, b));
    } catch (err) {
      throw new HelperError(`${name}: ${(err as Error).message}`);
    }
  });
}

/** True when needle is an item of a list, a substring of a string, or a key of an object. */
export function contains(helper: string, haystack: unknown, needle: unknown): boolean {
  if (Array.isArray(haystack)) return haystack.some((item) => looseEqual(item, needle));
  if (typeof haystack === 'string') return haystack.includes(String(needle));
  if (isPlainObject(haystack)) return ownValue(haystack, String(needle)) !== undefined;
  if (haystack === null) return false;
  throw new HelperError(`${helper} expects a list, a string or an object to search in`);
}

export const logicHelpers: HelperSpec[] = [
  // The first argument is the one place an undefined variable is allowed (the engine exempts it).
  define('default', 'default VALUE FALLBACK [ALSO_IF_FALSY]', [2, 3], ([value, fallback, alsoIfFalsy]) => {
    if (value === undefined || value === null) return fallback;
    if (alsoIfFalsy === true && !truthy(value)) return fallback;
    return value;
  }),
  define('eq', 'eq A B', [2, 2], ([a, b]) => looseEqual(a, b)),
  define('ne', 'ne A B', [2, 2], ([a, b]) => !looseEqual(a, b)),
  compare('lt', (o) => o < 0),
  compare('le', (o) => o <= 0),
  compare('gt', (o) => o > 0),
  compare('ge', (o) => o >= 0),
  define('and', 'and A B...', [1, Infinity], (args) => args.every(truthy)),
  define('or', 'or A B...', [1, Infinity], (args) => args.some(truthy)),
  define('not', 'not A', [1, 1], ([a]) => !truthy(a)),
  define('in', 'in NEEDLE HAYSTACK', [2, 2], ([needle, haystack]) => contains('in', haystack, needle)),
  define('includes', 'includes HAYSTACK NEEDLE', [2, 2], ([haystack, needle]) => contains('includes', haystack, needle)),
  define('ternary', 'ternary CONDITION IF_TRUE IF_FALSE', [3, 3], ([c, a, b]) => (truthy(c) ? a : b)),
  define('bool', 'bool VALUE', [1, 1], ([v]) => toBool(v)),
  define('truthy', 'truthy VALUE', [1, 1], ([v]) => truthy(v)),
];
