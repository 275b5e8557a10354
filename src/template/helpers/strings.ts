import { posix } from 'node:path';
import { stringify as yamlStringify, parse as yamlParse } from 'yaml';
import { quote as shellQuote } from '../../core/sh.js';
import { toText } from '../values.js';
import { define, expectString, HelperError, type HelperSpec } from './spec.js';

/** Python/Ansible replacement syntax (\1, \g<name>) to JavaScript's ($1, $<name>); a literal $ stays literal. */
function pythonReplacement(replacement: string): string {
  return replacement
    .replace(/\$/g, '$$$$')
    .replace(/\\g<(\w+)>/g, (_m, name: string) => (/^\d+$/.test(name) ? `$${name}` : `$<${name}>`))
    .replace(/\\(\d{1,2})/g, '$$$1');
}

function regex(helper: string, pattern: unknown, flags: string): RegExp {
  try {
    return new RegExp(expectString(helper, pattern), flags);
  } catch (err) {
    if (err instanceof HelperError) throw err;
    throw new HelperError(`${helper}: invalid regular expression ${JSON.stringify(pattern)}: ${(err as Error).message}`);
  }
}

/** The literal PATTERN (and FLAGS) of a regex helper, checked at load time. */
function regexLiterals(helper: string, patternAt: number, flagsAt: number): NonNullable<HelperSpec['checkLiterals']> {
  return (literals) => {
    const pattern = literals[patternAt];
    const flags = literals[flagsAt];
    try {
      if (typeof flags === 'string') flagsOf(helper, flags);
    } catch (err) {
      return { at: flagsAt, message: (err as Error).message };
    }
    if (typeof pattern !== 'string') return undefined;
    try {
      regex(helper, pattern, typeof flags === 'string' ? flags : '');
    } catch (err) {
      return { at: patternAt, message: (err as Error).message };
    }
    return undefined;
  };
}

function flagsOf(helper: string, value: unknown): string {
  if (value === undefined) return '';
  const flags = expectString(helper, value);
  if (!/^[ims]*$/.test(flags)) throw new HelperError(`${helper}: flags may only contain i, m and s`);
  return flags;
}

function parseText(helper: string, text: unknown, parse: (t: string) => unknown): unknown {
  try {
    return parse(expectString(helper, text));
  } catch (err) {
    if (err instanceof HelperError) throw err;
    throw new HelperError(`${helper}: ${(err as Error).message}`);
  }
}

const withLiteralCheck = (checkLiterals: NonNullable<HelperSpec['checkLiterals']>, spec: HelperSpec): HelperSpec => ({ ...spec, checkLiterals });

export const stringHelpers: HelperSpec[] = [
  define('upper', 'upper TEXT', [1, 1], ([s]) => expectString('upper', s).toUpperCase()),
  define('lower', 'lower TEXT', [1, 1], ([s]) => expectString('lower', s).toLowerCase()),
  define('trim', 'trim TEXT', [1, 1], ([s]) => expectString('trim', s).trim()),
  define('replace', 'replace TEXT OLD NEW', [3, 3], ([s, from, to]) =>
    expectString('replace', s).split(expectString('replace', from)).join(expectString('replace', to)),
  ),
  withLiteralCheck(regexLiterals('regex_replace', 1, 3), define('regex_replace', 'regex_replace TEXT PATTERN REPLACEMENT [FLAGS]', [3, 4], ([s, pattern, to, flags]) =>
    expectString('regex_replace', s).replace(
      regex('regex_replace', pattern, 'g' + flagsOf('regex_replace', flags)),
      pythonReplacement(expectString('regex_replace', to)),
    ),
  )),
  withLiteralCheck(regexLiterals('regex_search', 1, 2), define('regex_search', 'regex_search TEXT PATTERN [FLAGS]', [2, 3], ([s, pattern, flags]) => {
    const match = regex('regex_search', pattern, flagsOf('regex_search', flags)).exec(expectString('regex_search', s));
    return match ? match[0] : null;
  })),
  define('split', 'split TEXT [SEPARATOR]', [1, 2], ([s, sep]) => {
    const text = expectString('split', s);
    if (sep === undefined) return text.trim() === '' ? [] : text.trim().split(/\s+/);
    return text.split(expectString('split', sep));
  }),
  define('concat', 'concat A B...', [1, Infinity], (args) => args.map(toText).join('')),
  define('string', 'string VALUE', [1, 1], ([v]) => toText(v)),
  define('basename', 'basename PATH', [1, 1], ([p]) => posix.basename(expectString('basename', p))),
  define('dirname', 'dirname PATH', [1, 1], ([p]) => posix.dirname(expectString('dirname', p))),
  define('b64encode', 'b64encode TEXT', [1, 1], ([s]) => Buffer.from(expectString('b64encode', s), 'utf8').toString('base64')),
  define('b64decode', 'b64decode TEXT', [1, 1], ([s]) => Buffer.from(expectString('b64decode', s), 'base64').toString('utf8')),
  define('quote', 'quote TEXT', [1, 1], ([v]) => shellQuote(toText(v))),
  define('to_json', 'to_json VALUE [INDENT]', [1, 2], ([v, indent]) =>
    JSON.stringify(v, null, typeof indent === 'number' ? indent : undefined),
  ),
  define('to_nice_json', 'to_nice_json VALUE', [1, 1], ([v]) => JSON.stringify(v, null, 2)),
  define('to_yaml', 'to_yaml VALUE', [1, 1], ([v]) => yamlStringify(v).trimEnd()),
  define('to_nice_yaml', 'to_nice_yaml VALUE', [1, 1], ([v]) => yamlStringify(v, { indent: 2 }).trimEnd()),
  define('from_json', 'from_json TEXT', [1, 1], ([s]) => parseText('from_json', s, JSON.parse)),
  define('from_yaml', 'from_yaml TEXT', [1, 1], ([s]) => parseText('from_yaml', s, (t) => yamlParse(t, { maxAliasCount: 100 }))),
];
