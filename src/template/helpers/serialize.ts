import { stringify } from 'yaml';
import { isPlainObject } from '../values.js';

/**
 * to_json / to_yaml written the way Ansible's filters write them (Python's json.dumps and PyYAML), so a
 * config file rendered from a ported role is byte-for-byte what Ansible wrote: no spurious diff, no
 * restart of a service on the first run after the port.
 */

/** Python's json.dumps: ensure_ascii (every character outside space..~ as \uXXXX), ", " and ": " separators unless indenting. */
export function pythonJson(value: unknown, opts: { indent?: number; sortKeys?: boolean } = {}): string {
  const { indent, sortKeys = false } = opts;
  const write = (v: unknown, depth: number): string => {
    if (v === null || v === undefined) return 'null';
    if (typeof v === 'boolean') return v ? 'true' : 'false';
    if (typeof v === 'number') return Number.isFinite(v) ? String(v) : Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
    if (typeof v === 'string') return asciiString(v);
    const entries: Array<[string | null, unknown]> = Array.isArray(v)
      ? v.map((item) => [null, item])
      : isPlainObject(v)
        ? (sortKeys ? Object.keys(v).sort() : Object.keys(v)).map((k) => [k, v[k]])
        : [[null, String(v)]];
    const [open, close] = Array.isArray(v) || !isPlainObject(v) ? ['[', ']'] : ['{', '}'];
    if (entries.length === 0) return open + close;
    const items = entries.map(([k, item]) => (k === null ? '' : `${asciiString(k)}: `) + write(item, depth + 1));
    if (indent === undefined) return open + items.join(', ') + close;
    const pad = (n: number): string => '\n' + ' '.repeat(indent * n);
    return open + pad(depth + 1) + items.join(',' + pad(depth + 1)) + pad(depth) + close;
  };
  return write(value, 0);
}

function asciiString(s: string): string {
  return JSON.stringify(s).replace(/[^ -~]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * PyYAML's dump as Ansible calls it: keys sorted, YAML 1.1 quoting ('yes' stays a string), a trailing newline,
 * list items written "-" padded to the indentation ("-   a: 1" at indent 4) and a list under a key at that key's
 * column. to_yaml (`nice` false, indent 2) writes collections of scalars inline (`[1, 2]`, `{x: y}`), as PyYAML's
 * default_flow_style=None does. Scalars are quoted by the yaml package (YAML 1.1 rules), so a long or
 * multi-line string may be quoted or folded differently from PyYAML.
 */
export function pythonYaml(value: unknown, nice: boolean, indent = nice ? 4 : 2): string {
  if (!isCollection(value)) return `${yamlScalar(value)}\n...\n`;
  const lines: string[] = [];
  const pad = (n: number): string => ' '.repeat(n);
  const inline = (v: unknown): string | undefined => {
    if (!isCollection(v)) return yamlScalar(v);
    const entries = collectionEntries(v);
    if (entries.length === 0) return Array.isArray(v) ? '[]' : '{}';
    if (nice || entries.some(([, item]) => isCollection(item))) return undefined;
    return Array.isArray(v)
      ? `[${entries.map(([, item]) => yamlScalar(item)).join(', ')}]`
      : `{${entries.map(([k, item]) => `${yamlScalar(k)}: ${yamlScalar(item)}`).join(', ')}}`;
  };
  /** Writes a collection whose first line continues `prefix` (already written at column `col`). */
  const block = (v: unknown, col: number, prefix: string): void => {
    let first = prefix;
    for (const [key, item] of collectionEntries(v)) {
      const head = first || pad(col);
      first = '';
      const text = inline(item);
      if (key === null) {
        if (text !== undefined) lines.push(`${head}- ${text}`);
        else block(item, col + indent, `${head}-${pad(indent - 1)}`);
      } else if (text !== undefined) {
        lines.push(`${head}${yamlScalar(key)}: ${text}`);
      } else {
        lines.push(`${head}${yamlScalar(key)}:`);
        // A list under a key starts at the key's column (PyYAML's indentless sequence).
        block(item, Array.isArray(item) ? col : col + indent, '');
      }
    }
  };
  const top = inline(value);
  if (top !== undefined) return `${top}\n`;
  block(value, 0, '');
  return lines.join('\n') + '\n';
}

const isCollection = (v: unknown): v is unknown[] | Record<string, unknown> => Array.isArray(v) || isPlainObject(v);

function collectionEntries(v: unknown): Array<[string | null, unknown]> {
  if (Array.isArray(v)) return v.map((item) => [null, item]);
  if (isPlainObject(v)) return Object.keys(v).sort().map((k) => [k, v[k]]);
  return [];
}

/** YAML 1.1 words PyYAML leaves bare although the yaml package would quote them (PyYAML's booleans exclude y/n). */
const PYYAML_PLAIN = new Set(['y', 'Y', 'n', 'N']);

function yamlScalar(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string' && PYYAML_PLAIN.has(v)) return v;
  // A block scalar (|-) would need the caller's indentation; a double-quoted string is valid YAML at any depth.
  if (typeof v === 'string' && /[\n\r]/.test(v)) return JSON.stringify(v);
  return stringify(v, { version: '1.1', singleQuote: true, lineWidth: 0 }).replace(/\n$/, '');
}
