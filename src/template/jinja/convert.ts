import { isOp, isWord, splitTop, type Token } from './tokens.js';

/**
 * Rewrites a Jinja expression (already tokenized) into the Handlebars form, for hints only:
 * `x | default('y')` → `(default x "y")`, `a == 'b'` → `(eq a "b")`. Returns null when the expression
 * is beyond these rules; the caller then gives a generic hint.
 * Results are either a bare value (`x`, `"s"`) or a parenthesised helper call.
 */

const COMPARISONS: Record<string, string> = { '==': 'eq', '!=': 'ne', '<': 'lt', '<=': 'le', '>': 'gt', '>=': 'ge' };
const ARITHMETIC: Record<string, string> = { '+': 'add', '-': 'sub', '*': 'mul', '/': 'div', '%': 'mod', '~': 'concat' };

/** Jinja filters that are a helper of the same (or another) name taking the value first and the same arguments. */
const SAME_SHAPE_FILTERS: Record<string, string> = {
  default: 'default', d: 'default', join: 'join', upper: 'upper', lower: 'lower', trim: 'trim', length: 'length',
  count: 'length', first: 'first', last: 'last', unique: 'unique', int: 'int', float: 'float', bool: 'bool',
  string: 'string', to_json: 'to_json', to_nice_json: 'to_nice_json', to_yaml: 'to_yaml', to_nice_yaml: 'to_nice_yaml',
  from_json: 'from_json', from_yaml: 'from_yaml', basename: 'basename', dirname: 'dirname', b64encode: 'b64encode',
  b64decode: 'b64decode', dict2items: 'dict2items', items2dict: 'items2dict', quote: 'quote', replace: 'replace',
  regex_replace: 'regex_replace', regex_search: 'regex_search', split: 'split', combine: 'combine', ternary: 'ternary',
  flatten: 'flatten', min: 'min', max: 'max', sort: 'sort', map: 'map', select: 'select', reject: 'reject',
  selectattr: 'select', rejectattr: 'reject', sum: 'sum', indent: 'indent',
};

/** Filters that do nothing in Handlebars (every variable is already mandatory; lists are already lists). */
const NO_OP_FILTERS = new Set(['mandatory', 'list', 'safe']);

const own = <T>(table: Record<string, T>, key: string): T | undefined =>
  Object.prototype.hasOwnProperty.call(table, key) ? table[key] : undefined;

interface Argument {
  key?: string;
  value: string;
}

export function convertExpression(tokens: Token[]): string | null {
  if (tokens.length === 0) return null;
  return convertTernary(tokens);
}

/** Jinja's filters bind tighter than any operator: `xs | length > 2` is `(xs | length) > 2`. */
function convertFiltered(tokens: Token[]): string | null {
  const filters = splitTop(tokens, (t) => t.kind === '|');
  let value = convertOperand(filters[0] ?? []);
  for (const filter of filters.slice(1)) {
    if (value === null) return null;
    value = applyFilter(value, filter);
  }
  return value;
}

/** Index of the first (or last) token at nesting depth 0 that matches, or -1. */
function topIndex(tokens: Token[], match: (t: Token, i: number) => boolean, last = false): number {
  let depth = 0;
  let found = -1;
  for (const [i, t] of tokens.entries()) {
    if (t.kind === ')' || isOp(t, ']')) depth--;
    if (depth === 0 && match(t, i)) {
      found = i;
      if (!last) return i;
    }
    if (t.kind === '(' || isOp(t, '[')) depth++;
  }
  return found;
}

function convertTernary(tokens: Token[]): string | null {
  const ifAt = topIndex(tokens, (t) => isWord(t, 'if'));
  const elseAt = topIndex(tokens, (t) => isWord(t, 'else'));
  if (ifAt > 0 && elseAt > ifAt) {
    const [a, c, b] = [tokens.slice(0, ifAt), tokens.slice(ifAt + 1, elseAt), tokens.slice(elseAt + 1)].map(convertExpression);
    return a && b && c ? `(ternary ${c} ${a} ${b})` : null;
  }
  return convertLogic(tokens);
}

function convertLogic(tokens: Token[]): string | null {
  for (const word of ['or', 'and']) {
    const parts = splitTop(tokens, (t) => isWord(t, word));
    if (parts.length > 1) {
      const converted = parts.map(convertLogic);
      return converted.every((c) => c !== null) ? `(${word} ${converted.join(' ')})` : null;
    }
  }
  if (isWord(tokens[0], 'not') && !isWord(tokens[2], 'in')) {
    const inner = convertLogic(tokens.slice(1));
    return inner ? `(not ${inner})` : null;
  }
  return convertTest(tokens);
}

function convertTest(tokens: Token[]): string | null {
  const opAt = topIndex(tokens, (t) => t.kind === 'op' && own(COMPARISONS, t.text) !== undefined);
  if (opAt > 0) return binary(own(COMPARISONS, tokens[opAt]?.text ?? '') ?? 'eq', tokens.slice(0, opAt), tokens.slice(opAt + 1));
  const inAt = topIndex(tokens, (t, i) => i > 0 && isWord(t, 'in'));
  if (inAt > 0) {
    const negated = isWord(tokens[inAt - 1], 'not');
    const call = binary('in', tokens.slice(0, negated ? inAt - 1 : inAt), tokens.slice(inAt + 1));
    return call && negated ? `(not ${call})` : call;
  }
  const isAt = topIndex(tokens, (t, i) => i > 0 && isWord(t, 'is'));
  if (isAt > 0) return convertIsTest(tokens.slice(0, isAt), tokens.slice(isAt + 1));
  return convertArithmetic(tokens);
}

/** Ansible's tests of a registered result: the key each one reads, and whether it is the key's negation. */
const RESULT_TESTS: Record<string, { key: string; negate: boolean }> = {
  failed: { key: 'failed', negate: false }, failure: { key: 'failed', negate: false },
  succeeded: { key: 'failed', negate: true }, success: { key: 'failed', negate: true }, successful: { key: 'failed', negate: true },
  changed: { key: 'changed', negate: false }, change: { key: 'changed', negate: false },
  skipped: { key: 'skipped', negate: false }, skip: { key: 'skipped', negate: false },
};

function convertIsTest(subject: Token[], test: Token[]): string | null {
  const value = convertArithmetic(subject);
  if (value === null) return null;
  const negated = isWord(test[0], 'not');
  const name = (negated ? test[1] : test[0])?.text;
  const defined = name === 'defined' ? !negated : name === 'undefined' ? negated : undefined;
  if (defined !== undefined) return `(${defined ? 'ne' : 'eq'} (default ${value} null) null)`;
  if (name === 'none') return `(${negated ? 'ne' : 'eq'} ${value} null)`;
  const flag = name === undefined ? undefined : own(RESULT_TESTS, name);
  if (flag === undefined) return null;
  // A skipped task's result has no "failed" or "changed" key, and Ansible's tests read a missing key as false.
  const read = `(default ${value.startsWith('(') ? `(lookup ${value} "${flag.key}")` : `${value}.${flag.key}`} false)`;
  return negated !== flag.negate ? `(not ${read})` : read;
}

function binary(helper: string, left: Token[], right: Token[]): string | null {
  const a = convertArithmetic(left);
  const b = convertArithmetic(right);
  return a && b ? `(${helper} ${a} ${b})` : null;
}

/**
 * Jinja's binding order, loosest first; operators of one level associate to the left. `~` sits between `+`/`-`
 * and `*` (its parser's parse_math1 → parse_concat → parse_math2), so `a + b ~ c` is `a + (b ~ c)`.
 */
const ARITHMETIC_LEVELS = [['+', '-'], ['~'], ['*', '/', '%']];

function convertArithmetic(tokens: Token[]): string | null {
  for (const level of ARITHMETIC_LEVELS) {
    const opAt = topIndex(
      tokens,
      (t, i) => i > 0 && level.includes(t.text) && (t.kind === 'op' || (t.kind === 'word' && !t.glued)) && !isArithmetic(tokens[i - 1]),
      true,
    );
    if (opAt > 0) return binary(own(ARITHMETIC, tokens[opAt]?.text ?? '') ?? 'add', tokens.slice(0, opAt), tokens.slice(opAt + 1));
  }
  return convertFiltered(tokens);
}

const isArithmetic = (t: Token | undefined): boolean =>
  t !== undefined && (t.kind === 'op' || t.kind === 'word') && own(ARITHMETIC, t.text) !== undefined;

/** A single value: literal, path (with Jinja subscripts), parenthesised expression, or lookup('env'|'file', …). */
export function convertOperand(tokens: Token[]): string | null {
  const [first, second] = tokens;
  if (!first) return null;
  if (first.kind === '(' && tokens.at(-1)?.kind === ')') return convertExpression(tokens.slice(1, -1));
  if (tokens.length === 1) return literal(first);
  if (first.kind === 'word' && (first.text === 'lookup' || first.text === 'query') && second?.kind === '(') {
    const args = callArguments(tokens.slice(1));
    const [kind, ...rest] = args ?? [];
    if (kind && (kind.value === '"env"' || kind.value === '"file"') && rest.length > 0) {
      return `(${kind.value.slice(1, -1)} ${rest.map((a) => a.value).join(' ')})`;
    }
    return null;
  }
  if (first.kind === 'word' && first.text === 'range' && second?.kind === '(' && tokens.at(-1)?.kind === ')') {
    const args = callArguments(tokens.slice(1));
    return args && args.length > 0 && args.every((a) => !a.key) ? `(range ${args.map((a) => a.value).join(' ')})` : null;
  }
  if (first.kind === 'word') return subscripts(first.text, tokens.slice(1));
  return null;
}

const PYTHON_ESCAPES: Record<string, string> = { '\\': '\\', "'": "'", '"': '"', n: '\n', t: '\t', r: '\r' };

/**
 * A Python string literal's body (escapes as written) as a Handlebars string literal. Handlebars reads a
 * backslash literally except before its own quote, so Jinja's '\\d' (the regex \d) must become "\d",
 * not JSON's "\\d".
 */
function handlebarsString(raw: string): string | null {
  const value = raw.replace(/\\(.)/gs, (whole, c: string) => own(PYTHON_ESCAPES, c) ?? whole);
  // A backslash before the closing quote reads as an escaped quote: `"\\" "/"` lexes as one string. Handlebars
  // has no spelling for such a literal, so no hint rather than one that does not parse.
  if (value.endsWith('\\')) return null;
  return value.includes('"') && !value.includes("'") ? `'${value}'` : `"${value.replace(/"/g, '\\"')}"`;
}

function literal(token: Token): string | null {
  if (token.kind === 'str') return handlebarsString(token.text);
  if (token.kind !== 'word') return null;
  const python: Record<string, string> = { True: 'true', False: 'false', None: 'null', true: 'true', false: 'false', none: 'null' };
  return own(python, token.text) ?? token.text;
}

/** x['a'][0][key] → x.a.[0] or (lookup x key). */
function subscripts(base: string, rest: Token[]): string | null {
  let path = base;
  let i = 0;
  while (i < rest.length) {
    const [open, key, close] = [rest[i], rest[i + 1], rest[i + 2]];
    // `x[item].name`: the tokenizer reads ".name" as one word glued to the "]".
    if (open?.kind === 'word' && open.glued && /^(\.[A-Za-z_]\w*)+$/.test(open.text)) {
      for (const name of open.text.slice(1).split('.')) path = path.startsWith('(') ? `(lookup ${path} "${name}")` : `${path}.${name}`;
      i += 1;
      continue;
    }
    if (!isOp(open, '[') || !isOp(close, ']') || !key) return null;
    // A Handlebars path cannot continue after a sub-expression, so once we used lookup, keep using it.
    const isPath = !path.startsWith('(');
    if (key.kind === 'str' && isPath) path += /^[A-Za-z_][\w-]*$/.test(key.text) ? `.${key.text}` : `.[${key.text}]`;
    else if (key.kind === 'word' && /^\d+$/.test(key.text) && isPath) path += `.[${key.text}]`;
    else if (key.kind === 'word' && key.text === '-1') path = `(last ${path})`;
    else if (key.kind === 'str') {
      const name = handlebarsString(key.text);
      if (name === null) return null;
      path = `(lookup ${path} ${name})`;
    }
    else if (key.kind === 'word') path = `(lookup ${path} ${key.text})`;
    else return null;
    i += 3;
  }
  return path;
}

/** `(a, 'b', key=c)` → arguments, converted. */
function callArguments(tokens: Token[]): Argument[] | null {
  if (tokens[0]?.kind !== '(' || tokens.at(-1)?.kind !== ')') return null;
  const inner = tokens.slice(1, -1);
  if (inner.length === 0) return [];
  const args: Argument[] = [];
  for (const part of splitTop(inner, (t) => isOp(t, ','))) {
    const keyed = part[0]?.kind === 'word' && isOp(part[1], '=');
    const value = convertExpression(keyed ? part.slice(2) : part);
    if (value === null) return null;
    args.push(keyed ? { key: part[0]?.text ?? '', value } : { value });
  }
  return args;
}

function applyFilter(value: string, filter: Token[]): string | null {
  const [nameToken, ...rest] = filter;
  if (nameToken?.kind !== 'word') return null;
  const name = nameToken.text;
  const args = rest.length === 0 ? [] : callArguments(rest);
  if (args === null) return null;
  if (NO_OP_FILTERS.has(name)) return value;
  const helper = own(SAME_SHAPE_FILTERS, name);
  if (!helper) return null;
  const positional = args.filter((a) => !a.key).map((a) => a.value);
  const keyed = new Map(args.filter((a) => a.key).map((a) => [a.key ?? '', a.value]));
  if (name === 'map') {
    const attribute = keyed.get('attribute');
    return attribute ? `(map ${value} ${attribute})` : null;
  }
  if (name === 'selectattr' || name === 'rejectattr') {
    const [attr, test, expected] = positional;
    if (!attr) return null;
    if (test === undefined || test === '"defined"') return `(${helper} ${value} ${attr})`;
    return test === '"equalto"' || test === '"=="' || test === '"eq"' ? `(${helper} ${value} ${attr} ${expected ?? 'null'})` : null;
  }
  if ((name === 'select' || name === 'reject') && positional.length > 0) return null;
  if (name === 'sort') {
    const attribute = keyed.get('attribute');
    const reverse = keyed.get('reverse') === 'true' ? ' reverse=true' : '';
    return `(sort ${value}${attribute ? ` ${attribute}` : ''}${reverse})`;
  }
  if (name === 'combine') {
    const recursive = keyed.get('recursive') === 'true' ? ' recursive=true' : '';
    return `(combine ${value} ${positional.join(' ')}${recursive})`;
  }
  if (name === 'indent') {
    const [width = keyed.get('width'), first = keyed.get('first'), blank = keyed.get('blank')] = positional;
    const flags = [first === 'true' ? ' first=true' : '', blank === 'true' ? ' blank=true' : ''].join('');
    return `(indent ${value}${width === undefined ? '' : ` ${width}`}${flags})`;
  }
  if (name === 'sum') {
    const [attribute = keyed.get('attribute'), start = keyed.get('start')] = positional;
    return `(sum ${value}${attribute === undefined ? '' : ` attribute=${attribute}`}${start === undefined ? '' : ` start=${start}`})`;
  }
  if (keyed.size > 0) return null;
  return `(${[helper, value, ...positional].join(' ')})`;
}
