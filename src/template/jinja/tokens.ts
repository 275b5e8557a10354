/** A small tokenizer for the inside of `{{ }}`, just enough to recognise Jinja syntax and rewrite it. */
export type TokenKind = 'str' | 'word' | 'op' | '(' | ')' | '|';

export interface Token {
  kind: TokenKind;
  text: string;
  /** Offset in the whole template source. */
  at: number;
  /** Directly follows the previous token, with no space between. */
  glued: boolean;
}

const TWO_CHAR_OPS = new Set(['==', '!=', '>=', '<=']);
const ONE_CHAR_OPS = new Set(['<', '>', '~', '+', '*', '%', ',', '[', ']', '=', ':']);
const WORD_END = /[\s'"()|=<>~+*%,[\]:]/;

export function tokenize(text: string, base: number): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let glued = false;
  const push = (kind: TokenKind, value: string, at: number): void => {
    tokens.push({ kind, text: value, at: base + at, glued });
    glued = true;
  };
  while (i < text.length) {
    const c = text[i] ?? '';
    if (/\s/.test(c)) {
      glued = false;
      i++;
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < text.length && text[j] !== c) j += text[j] === '\\' ? 2 : 1;
      push('str', text.slice(i + 1, j), i);
      i = j + 1;
    } else if (c === '(' || c === ')' || c === '|') {
      push(c, c, i);
      i++;
    } else if (TWO_CHAR_OPS.has(text.slice(i, i + 2))) {
      push('op', text.slice(i, i + 2), i);
      i += 2;
    } else if (ONE_CHAR_OPS.has(c)) {
      push('op', c, i);
      i++;
    } else {
      let j = i + 1;
      while (j < text.length && !WORD_END.test(text[j] ?? ' ') && text.slice(j, j + 2) !== '!=') j++;
      push('word', text.slice(i, j), i);
      i = j;
    }
  }
  return tokens;
}

/** Split tokens at a separator that is not nested in parentheses or brackets. */
export function splitTop(tokens: Token[], isSeparator: (t: Token) => boolean): Token[][] {
  const parts: Token[][] = [[]];
  let depth = 0;
  for (const t of tokens) {
    if (t.kind === '(' || (t.kind === 'op' && t.text === '[')) depth++;
    if (t.kind === ')' || (t.kind === 'op' && t.text === ']')) depth--;
    if (depth === 0 && isSeparator(t)) parts.push([]);
    else parts[parts.length - 1]?.push(t);
  }
  return parts;
}

export const isWord = (t: Token | undefined, ...words: string[]): boolean =>
  t !== undefined && t.kind === 'word' && words.includes(t.text);

export const isOp = (t: Token | undefined, ...ops: string[]): boolean =>
  t !== undefined && t.kind === 'op' && ops.includes(t.text);
