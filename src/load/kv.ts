/**
 * Ansible's `k=v` argument strings: `apt: name=tcl state=present`, `copy: content="a b" dest=/x`, and the free text
 * of command/shell, from which Ansible lifts its own k=v parameters (`command: ls -l chdir=/tmp creates=/x`).
 */

/** k=v parameters Ansible extracts from command/shell free text; every other token stays part of the command. */
export const FREE_FORM_PARAMS: readonly string[] = ['chdir', 'creates', 'removes', 'executable', 'stdin', 'stdin_add_newline', 'strip_empty_ends', 'warn'];

/** `breaks[i]`: a line break came before tokens[i] (a multi-line shell script keeps its lines, as Ansible's join_args). */
export type SplitResult = { ok: true; tokens: string[]; breaks: boolean[] } | { ok: false; error: string };

/**
 * Split on unquoted whitespace, keeping each token as written (quotes included) so free text survives unchanged.
 * `{{ ... }}` counts as quoted: an expression with spaces is one token, as in Ansible's split_args.
 */
export function splitArgs(text: string): SplitResult {
  const tokens: string[] = [];
  const breaks: boolean[] = [];
  let sawBreak = false;
  const push = (token: string): void => {
    tokens.push(token);
    breaks.push(sawBreak && tokens.length > 1);
    sawBreak = false;
  };
  let cur = '';
  let quote: '"' | "'" | undefined;
  let braces = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quote) {
      cur += ch;
      if (ch === '\\' && quote === '"' && i + 1 < text.length) cur += text[++i];
      else if (ch === quote) quote = undefined;
      continue;
    }
    if (text.startsWith('{{', i) || text.startsWith('{%', i)) {
      braces++;
      cur += text.slice(i, i + 2);
      i++;
      continue;
    }
    if (braces > 0 && (text.startsWith('}}', i) || text.startsWith('%}', i))) {
      braces--;
      cur += text.slice(i, i + 2);
      i++;
      continue;
    }
    if (braces === 0 && /\s/.test(ch)) {
      if (cur) push(cur);
      cur = '';
      if (ch === '\n') sawBreak = true;
      continue;
    }
    // A quote only opens at the start of a token or of a value (k="a b"), like shell words.
    if ((ch === '"' || ch === "'") && braces === 0) quote = ch;
    cur += ch;
  }
  if (quote) return { ok: false, error: `unbalanced ${quote === '"' ? 'double' : 'single'} quote in arguments` };
  if (braces > 0) return { ok: false, error: 'unclosed "{{" in arguments' };
  if (cur) push(cur);
  return { ok: true, tokens, breaks };
}

const KV = /^([A-Za-z_][A-Za-z0-9_]*)=([\s\S]*)$/;

const SINGLE_ESCAPES: Record<string, string> = { '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };

/**
 * Ansible decodes Python escape sequences in every k=v value (parse_kv's _decode_escapes), quoted or not:
 * `content="a\nb"` writes two lines and `line="k\tv"` a tab. Other backslashes (`\s` in a regexp) stay as written.
 */
export function decodeKvEscapes(value: string): string {
  return value.replace(/\\(U[0-9A-Fa-f]{8}|u[0-9A-Fa-f]{4}|x[0-9A-Fa-f]{2}|[\\'"abfnrtv])/g, (_m, e: string) =>
    e.length === 1 ? SINGLE_ESCAPES[e]! : String.fromCodePoint(parseInt(e.slice(1), 16)));
}

/** A k=v value: outer quotes removed, escapes decoded. */
function kvValue(raw: string): string {
  const quoted = raw.length >= 2 && raw[0] === raw[raw.length - 1] && (raw[0] === '"' || raw[0] === "'");
  return decodeKvEscapes(quoted ? raw.slice(1, -1) : raw);
}

export interface KvParse {
  params: Record<string, string>;
  /** Tokens that are not k=v (or not extractable), as written, joined by single spaces, or by a line break where the text had one. */
  free: string;
  error?: string;
}

/**
 * Parse a k=v string. With `freeFormKeys`, only those keys are lifted out and everything else is free text
 * (command/shell); without, every k=v token is a parameter and anything else is returned in `free` for the caller
 * to report.
 */
export function parseKv(text: string, freeFormKeys?: readonly string[]): KvParse {
  const split = splitArgs(text);
  if (!split.ok) return { params: {}, free: text, error: split.error };
  const params: Record<string, string> = {};
  let free = '';
  split.tokens.forEach((token, i) => {
    const m = KV.exec(token);
    if (m && (!freeFormKeys || freeFormKeys.includes(m[1]!))) params[m[1]!] = kvValue(m[2]!);
    else free += (free === '' ? '' : split.breaks[i] ? '\n' : ' ') + token;
  });
  return { params, free };
}

/** A string k=v value typed the way the module's schema wants it: `update_cache=yes` is a boolean, `port=6379` a number. */
export function coerceKvValue(value: string, schema: unknown): unknown {
  const types = schemaTypes(schema);
  if (types.has('string') && !types.has('boolean') && !types.has('integer') && !types.has('number')) return value;
  if (types.has('boolean')) {
    if (/^(yes|true|on|1)$/i.test(value)) return true;
    if (/^(no|false|off|0)$/i.test(value)) return false;
  }
  // `mode=0644` is the octal string Ansible receives; as a number it would be decimal 644 (mode 01204).
  if (types.has('string') && /^0\d/.test(value)) return value;
  if ((types.has('integer') || types.has('number')) && /^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  if (types.has('array') && !types.has('string')) return value === '' ? [] : value.split(',').map((s) => s.trim());
  return value;
}

function schemaTypes(schema: unknown): Set<string> {
  const out = new Set<string>();
  if (!schema || typeof schema !== 'object') return out;
  const s = schema as { type?: unknown; anyOf?: unknown[]; oneOf?: unknown[] };
  if (typeof s.type === 'string') out.add(s.type);
  if (Array.isArray(s.type)) for (const t of s.type) if (typeof t === 'string') out.add(t);
  for (const sub of [...(s.anyOf ?? []), ...(s.oneOf ?? [])]) for (const t of schemaTypes(sub)) out.add(t);
  return out;
}
