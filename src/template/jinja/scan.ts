import { lineStarts, pointAt, type TemplateProblem } from '../positions.js';
import { convertExpression } from './convert.js';
import { isOp, isWord, tokenize, type Token } from './tokens.js';

/**
 * Finds Jinja-only syntax in a string before Handlebars sees it, so a ported Ansible role gets
 * "this is Jinja; write it like this" instead of a parser's "Expecting 'ID', got 'EQUALS'".
 */

/** `template`: a string or template file (hint `{{default x "y"}}`); `condition`: a `when:` expression (hint `(default x "y")`). */
export type HintStyle = 'template' | 'condition';

const MAX_PROBLEMS = 10;
const COMPARISON_OPS = ['==', '!=', '<', '<=', '>', '>='];
const ARITHMETIC_OPS = ['+', '*', '%', '~'];
const PYTHON_LITERALS: Record<string, string> = { True: 'true', False: 'false', None: 'null' };

interface Finding {
  at: number;
  message: string;
  hint: string;
}

/** Jinja constructs in `source`, positioned in the template (line 1-based, column 0-based). */
export function findJinja(source: string, style: HintStyle): TemplateProblem[] {
  const findings: Finding[] = [];
  let i = 0;
  while (i < source.length && findings.length < MAX_PROBLEMS) {
    const open = nextOpening(source, i);
    if (open === -1) break;
    i = scanAt(source, open, style, findings);
  }
  if (findings.length === 0) return [];
  const starts = lineStarts(source);
  return findings.map((f) => ({ ...pointAt(starts, f.at), message: f.message, hint: f.hint }));
}

function nextOpening(source: string, from: number): number {
  const candidates = [source.indexOf('{{', from), source.indexOf('{%', from), source.indexOf('{#', from)].filter((n) => n !== -1);
  return candidates.length === 0 ? -1 : Math.min(...candidates);
}

/** Looks at the construct opening at `open`; returns where scanning continues. */
function scanAt(source: string, open: number, style: HintStyle, out: Finding[]): number {
  const two = source.slice(open, open + 2);
  if (two === '{%') return scanStatement(source, open, out);
  if (two === '{#') return scanComment(source, open, out);
  if (source[open - 1] === '\\') return skipPast(source, open + 2, '}}');
  if (source.startsWith('{{{{', open)) {
    const close = /\{\{\{\{\/[^}]*\}\}\}\}/g;
    close.lastIndex = open + 4;
    const m = close.exec(source);
    return m ? m.index + m[0].length : source.length;
  }
  if (source.startsWith('{{!--', open)) return skipPast(source, open + 5, '--}}');
  if (source.startsWith('{{!', open)) return skipPast(source, open + 3, '}}');
  const end = source.indexOf('}}', open + 2);
  if (end === -1) return source.length;
  let innerStart = open + 2;
  if (source[innerStart] === '{') innerStart++;
  const finding = scanMustache(source.slice(innerStart, end), innerStart, style);
  if (finding) out.push(finding);
  return end + (source[end + 2] === '}' ? 3 : 2);
}

function skipPast(source: string, from: number, marker: string): number {
  const end = source.indexOf(marker, from);
  return end === -1 ? source.length : end + marker.length;
}

function scanMustache(inner: string, base: number, style: HintStyle): Finding | null {
  const lead = /^~?\s*([#^/&>*]?)/.exec(inner)?.[0] ?? '';
  const sigil = lead.trim().replace('~', '');
  if (sigil === '/' || sigil === '>' || sigil === '*') return null;
  const body = inner.slice(lead.length).replace(/~\s*$/, '');
  const tokens = tokenize(body, base + lead.length);
  const isBlock = sigil === '#' || sigil === '^' || isWord(tokens[0], 'else');
  const head = isBlock ? tokens[0] : undefined;
  const expr = isBlock ? tokens.slice(1) : tokens;
  const render = (converted: string | null, example: string): string => {
    if (converted === null) return `${example} (see the Jinja → Handlebars table in docs/templating.md)`;
    if (head) return `write {{${sigil}${head.text} ${converted}}}`;
    if (style === 'condition') return `write ${converted}`;
    return `write {{${converted.startsWith('(') && converted.endsWith(')') ? converted.slice(1, -1) : converted}}}`;
  };
  const problem = classify(expr, isBlock && tokens.some((t) => isWord(t, 'as')));
  if (!problem) return null;
  return { at: problem.token.at, message: problem.message, hint: render(convertExpression(expr), problem.example) };
}

interface Classified {
  token: Token;
  message: string;
  example: string;
}

function classify(tokens: Token[], hasBlockParams: boolean): Classified | null {
  const at = (predicate: (t: Token, i: number) => boolean): Token | undefined => tokens.find(predicate);
  const notAfterParen = (i: number): boolean => i > 0 && tokens[i - 1]?.kind !== '(';
  const pipe = hasBlockParams ? undefined : at((t) => t.kind === '|');
  if (pipe) {
    const name = tokens[tokens.indexOf(pipe) + 1]?.text ?? '';
    return { token: pipe, message: `Jinja filter "| ${name}" is not Handlebars: a helper comes before its arguments`, example: 'e.g. {{default x "y"}}' };
  }
  const comparison = at((t) => isOp(t, ...COMPARISON_OPS));
  if (comparison) {
    return { token: comparison, message: `Jinja operator "${comparison.text}" is not Handlebars: comparisons are helpers`, example: 'e.g. (eq a "b"), (gt n 1)' };
  }
  const test = at((t, i) => i > 0 && isWord(t, 'is'));
  if (test) {
    const name = tokens.slice(tokens.indexOf(test) + 1).map((t) => t.text).join(' ');
    return { token: test, message: `Jinja test "is ${name}" is not Handlebars (an undefined variable is an error; (default x null) allows it)`, example: 'e.g. (ne (default x null) null)' };
  }
  const logic = at((t, i) => isWord(t, 'and', 'or', 'in') && notAfterParen(i));
  if (logic) {
    return { token: logic, message: `Jinja operator "${logic.text}" is not Handlebars: write it as a helper call`, example: `e.g. (${logic.text} a b)` };
  }
  const inlineIf = at((t, i) => i > 0 && isWord(t, 'if') && !isWord(tokens[0], 'else'));
  if (inlineIf) {
    return { token: inlineIf, message: 'Jinja inline "if … else" is not Handlebars: use the ternary helper', example: 'e.g. (ternary condition "yes" "no")' };
  }
  const arithmetic = at((t, i) => i > 0 && (isOp(t, ...ARITHMETIC_OPS) || (t.kind === 'word' && !t.glued && (t.text === '-' || t.text === '/' || t.text === '//'))));
  if (arithmetic) {
    return { token: arithmetic, message: `Jinja operator "${arithmetic.text}" is not Handlebars: use add, sub, mul, div, mod or concat`, example: 'e.g. (add n 1), (concat a "-" b)' };
  }
  const subscript = at((t, i) => isOp(t, '[') && t.glued && i > 0 && !(tokens[i - 1]?.text ?? '').endsWith('.'));
  if (subscript) {
    return { token: subscript, message: 'Jinja subscript "[…]" is not Handlebars: use a path or lookup', example: 'e.g. x.key, x.[0], (lookup x key)' };
  }
  const call = at((t, i) => t.kind === '(' && t.glued && tokens[i - 1]?.kind === 'word');
  if (call) {
    const name = tokens[tokens.indexOf(call) - 1]?.text ?? '';
    return { token: call, message: `Jinja call "${name}(…)" is not Handlebars: a helper takes space-separated arguments`, example: 'e.g. (env "HOME"), (file "path"), (split x ",")' };
  }
  const python = at((t) => t.kind === 'word' && Object.prototype.hasOwnProperty.call(PYTHON_LITERALS, t.text));
  if (python) {
    return { token: python, message: `Python literal "${python.text}" is not Handlebars`, example: `write ${PYTHON_LITERALS[python.text] ?? 'null'}` };
  }
  return null;
}

function scanComment(source: string, open: number, out: Finding[]): number {
  const end = source.indexOf('#}', open + 2);
  // `${#array[@]}` in shell text is not a Jinja comment.
  if (end === -1 || source[open - 1] === '$') return open + 2;
  out.push({ at: open, message: 'Jinja comment "{# … #}" is not Handlebars', hint: 'write {{!-- … --}}' });
  return end + 2;
}

function scanStatement(source: string, open: number, out: Finding[]): number {
  const m = /^\{%[-+]?\s*([a-z_]+)([\s\S]*?)[-+]?%\}/.exec(source.slice(open, open + 2000));
  if (!m) return open + 2;
  const [whole, keyword = '', rest = ''] = m;
  out.push({ at: open, message: `Jinja statement "{% ${keyword} %}" is not Handlebars`, hint: statementHint(keyword, rest.trim(), open) });
  return open + whole.length;
}

function statementHint(keyword: string, rest: string, base: number): string {
  const condition = (): string => convertExpression(tokenize(rest, base)) ?? '…';
  switch (keyword) {
    case 'if':
      return `write {{#if ${condition()}}}…{{else}}…{{/if}}`;
    case 'elif':
      return `write {{else if ${condition()}}}`;
    case 'else':
      return 'write {{else}}';
    case 'endif':
      return 'write {{/if}}';
    case 'for':
      return `write ${forHint(rest)}`;
    case 'endfor':
      return 'write {{/each}}';
    case 'raw':
    case 'endraw':
      return 'write {{{{raw}}}}…{{{{/raw}}}} (or \\{{ for one literal {{)';
    case 'set':
      return 'Handlebars has no assignment: define the value in vars: (or set_fact) and write {{name}}';
    default:
      return 'Handlebars has no such statement: use {{#if}}, {{#each}}, {{#with}}, or split the work into separate tasks';
  }
}

function forHint(rest: string): string {
  const m = /^(\w+)\s*(?:,\s*(\w+))?\s+in\s+(.+?)\s*$/.exec(rest);
  if (!m) return '{{#each list as |item|}}…{{/each}}';
  const [, first = 'item', second, source = 'list'] = m;
  const items = /^(.+)\.items\(\)$/.exec(source);
  const listText = convertExpression(tokenize(items ? items[1] ?? source : source, 0)) ?? source;
  if (second) return `{{#each ${listText} as |${second} ${first}|}}…{{/each}}`;
  return `{{#each ${listText} as |${first}|}}…{{/each}}`;
}
