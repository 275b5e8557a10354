import type Handlebars from 'handlebars';
import { findJinja, type HintStyle } from './jinja/scan.js';
import type { TemplatePoint, TemplateProblem } from './positions.js';

type Environment = typeof Handlebars;

export type Parsed = { ast: hbs.AST.Program; problems: [] } | { ast: null; problems: TemplateProblem[] };

/** Could this string hold a template (or a Jinja construct worth reporting)? The loader's fast path. */
export const mayHoldTemplate = (source: string): boolean =>
  source.includes('{{') || source.includes('{%') || source.includes('{#');

/**
 * Jinja first (a clearer message than the parser's), then Handlebars' parser. The source is parsed after
 * `unwrapParenthesised`, which keeps every character's position.
 */
export function parseTemplate(hb: Environment, source: string, style: HintStyle): Parsed {
  const jinja = findJinja(source, style);
  if (jinja.length > 0) return { ast: null, problems: jinja };
  try {
    return { ast: hb.parseWithoutProcessing(unwrapParenthesised(source)), problems: [] };
  } catch (err) {
    return { ast: null, problems: [parseProblem(hb, err, source)] };
  }
}

/**
 * `{{ (eq a 1) }}` is how a condition reads naturally, but Handlebars does not accept a sub-expression as
 * a whole mustache. Blank out the outer parentheses (same length, so positions stay right).
 */
export function unwrapParenthesised(source: string): string {
  if (!source.includes('(')) return source;
  for (let current = source; ; ) {
    const next = unwrapOnce(current);
    if (next === current) return current;
    current = next;
  }
}

function unwrapOnce(source: string): string {
  const chars = source.split('');
  const opener = /\{\{(~?\s*)\(/g;
  for (let m = opener.exec(source); m; m = opener.exec(source)) {
    if (source[m.index - 1] === '\\' || source[m.index + 2] === '{') continue;
    const open = m.index + m[0].length - 1;
    const close = matchingParen(source, open);
    if (close === -1 || !/^\s*~?\}\}/.test(source.slice(close + 1))) continue;
    chars[open] = ' ';
    chars[close] = ' ';
  }
  return chars.join('');
}

function matchingParen(source: string, open: number): number {
  let depth = 0;
  for (let i = open; i < source.length; i++) {
    const c = source[i];
    if (c === '"' || c === "'") {
      const end = source.indexOf(c, i + 1);
      if (end === -1) return -1;
      i = end;
    } else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i;
    else if (c === '}' && source[i + 1] === '}') return -1;
  }
  return -1;
}

const TOKEN_NAMES: Record<string, string> = {
  EOF: 'the end of the template',
  CLOSE: '"}}"',
  CLOSE_UNESCAPED: '"}}}"',
  OPEN_SEXPR: '"("',
  CLOSE_SEXPR: '")"',
  EQUALS: '"="',
  ID: 'a name',
  STRING: 'a string',
  NUMBER: 'a number',
  SEP: '"." or "/"',
  OPEN_BLOCK_PARAMS: '"as |"',
  CLOSE_BLOCK_PARAMS: '"|"',
  INVALID: 'a character Handlebars does not allow here',
  OPEN_ENDBLOCK: '"{{/"',
  INVERSE: '"{{else}}"',
};

const describeToken = (token: string): string => TOKEN_NAMES[token] ?? token.toLowerCase().replace(/_/g, ' ');

function parseProblem(hb: Environment, err: unknown, source: string): TemplateProblem {
  const error = err as Error & { lineNumber?: number; column?: number };
  // Handlebars' own exceptions (mismatched block close, invalid path) carry the position.
  if (typeof error.lineNumber === 'number') {
    const message = (error.message ?? '').replace(/ - \d+:\d+$/, '');
    return { line: error.lineNumber, column: error.column ?? 0, message: `Handlebars syntax error: ${message}` };
  }
  // Parser errors only put it in the text; the lexer still holds the offending token's place.
  const lexer = (hb as unknown as { Parser: { lexer?: { yylloc?: { first_line: number; first_column: number } } } }).Parser.lexer;
  const point: TemplatePoint = { line: lexer?.yylloc?.first_line ?? 1, column: lexer?.yylloc?.first_column ?? 0 };
  const got = /got '([A-Z_]+)'/.exec(error.message ?? '')?.[1];
  const expecting = /Expecting (.*), got/.exec(error.message ?? '')?.[1];
  if (!got) return { ...point, message: `Handlebars syntax error: ${(error.message ?? '').split('\n')[0]}` };
  const expected = [...new Set((expecting ?? '').split(', ').map((t) => describeToken(t.replace(/'/g, ''))))].slice(0, 4);
  if (got === 'EOF') {
    // The parser stops at the end of the text; the culprit is the opener that was never closed, so point there.
    const open = unclosedOpener(source);
    if (open) {
      return open.block
        ? { ...open, message: `Handlebars syntax error: {{#${open.block}}} is never closed`, hint: `add {{/${open.block}}} where the block ends` }
        : { ...open, message: 'Handlebars syntax error: "{{" is never closed', hint: 'add "}}" after the expression' };
    }
  }
  const unclosed = got === 'EOF' ? ' (a {{#block}} or {{ is not closed)' : '';
  return {
    ...point,
    message: `Handlebars syntax error: unexpected ${describeToken(got)}${unclosed}`,
    ...(expected.length ? { hint: `expected ${expected.join(', ')}` } : {}),
  };
}

/**
 * The innermost `{{#block}}` left open at the end of the text, or a `{{` without its `}}`: where the author
 * has to act, rather than the end of the file the parser reports. Comments are skipped.
 */
function unclosedOpener(source: string): (TemplatePoint & { block?: string }) | undefined {
  const stack: Array<{ name: string; offset: number }> = [];
  const tag = /\{\{(!--[\s\S]*?--\}\}|![\s\S]*?\}\}|~?\s*([#^/])\s*>?\s*([^\s}~]+)[\s\S]*?\}\}|[\s\S]*?\}\})/g;
  let end = 0;
  for (let m = tag.exec(source); m; m = tag.exec(source)) {
    end = tag.lastIndex;
    if (source[m.index - 1] === '\\') continue;
    const kind = m[2];
    const name = m[3];
    if (kind === '#' || kind === '^') stack.push({ name: name ?? '', offset: m.index });
    else if (kind === '/') {
      const at = stack.map((b) => b.name).lastIndexOf(name ?? '');
      if (at >= 0) stack.length = at;
    }
  }
  const dangling = source.indexOf('{{', end);
  const at = (offset: number): TemplatePoint => {
    const before = source.slice(0, offset).split('\n');
    return { line: before.length, column: (before[before.length - 1] ?? '').length };
  };
  if (dangling >= 0) return at(dangling);
  const open = stack[stack.length - 1];
  return open ? { ...at(open.offset), block: open.name } : undefined;
}
