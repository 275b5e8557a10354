import { posix } from 'node:path';
import { parse as yamlParse } from 'yaml';
import { quote as shellQuote } from '../../core/sh.js';
import { toText } from '../values.js';
import { pythonJson, pythonYaml } from './serialize.js';
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

/** Jinja's indent: every line but the first (and the first too with first=true) gets WIDTH spaces; blank lines stay empty unless blank=true. */
function indentText(text: string, width: unknown, hash: Record<string, unknown>): string {
  const pad = typeof width === 'string' ? width : ' '.repeat(typeof width === 'number' && width > 0 ? Math.min(width, 1000) : width === undefined ? 4 : 0);
  // Jinja appends a newline before splitting, so a trailing newline survives as an empty last line.
  const lines = `${text}\n`.split(/\r\n|\r|\n/);
  lines.pop();
  const [head = '', ...rest] = lines;
  const body = hash.blank === true ? rest.map((line) => pad + line) : rest.map((line) => (line === '' ? line : pad + line));
  const out = [head, ...body].join('\n');
  return hash.first === true ? pad + out : out;
}

export const stringHelpers: HelperSpec[] = [
  define('indent', 'indent TEXT [WIDTH] [first=true] [blank=true]', [1, 2], ([s, width], hash) => indentText(expectString('indent', s), width, hash)),
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
    pythonJson(v, typeof indent === 'number' && indent >= 0 ? { indent: Math.min(indent, 100) } : {}),
  ),
  define('to_nice_json', 'to_nice_json VALUE [INDENT]', [1, 2], ([v, indent]) =>
    pythonJson(v, { indent: typeof indent === 'number' && indent >= 0 ? Math.min(indent, 100) : 4, sortKeys: true }),
  ),
  define('to_yaml', 'to_yaml VALUE', [1, 1], ([v]) => pythonYaml(v, false)),
  define('to_nice_yaml', 'to_nice_yaml VALUE [INDENT]', [1, 2], ([v, indent]) =>
    pythonYaml(v, true, typeof indent === 'number' && indent >= 1 && indent <= 9 ? indent : 4),
  ),
  define('from_json', 'from_json TEXT', [1, 1], ([s]) => parseText('from_json', s, JSON.parse)),
  define('from_yaml', 'from_yaml TEXT', [1, 1], ([s]) => parseText('from_yaml', s, (t) => yamlParse(t, { maxAliasCount: 100 }))),
];
