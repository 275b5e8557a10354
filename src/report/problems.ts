/** Problems in the user's input, rendered once at the edge: `path:line:col: message`, a code frame, a hint. */
import { readFileSync } from 'node:fs';
import { isAbsolute, relative } from 'node:path';
import type { Problem } from '../core/errors.js';

export interface FormatProblemsOptions {
  color?: boolean;
  /** Paths inside this folder are shown relative to it (default: process.cwd()). */
  cwd?: string;
  /** File contents by path, for tests and for files not on disk; otherwise read from disk. */
  sources?: ReadonlyMap<string, string>;
}

const paint = (on: boolean, code: string, text: string): string => (on ? `\u001b[${code}m${text}\u001b[0m` : text);

export function displayPath(file: string, cwd: string): string {
  if (!isAbsolute(file)) return file;
  const rel = relative(cwd, file);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}

export function formatProblems(problems: Problem[], opts: FormatProblemsOptions = {}): string {
  const color = opts.color ?? false;
  const cwd = opts.cwd ?? process.cwd();
  const cache = new Map<string, string[] | undefined>();
  const linesOf = (file: string): string[] | undefined => {
    if (!cache.has(file)) {
      let text = opts.sources?.get(file);
      if (text === undefined) {
        try {
          text = readFileSync(file, 'utf8');
        } catch {
          text = undefined;
        }
      }
      cache.set(file, text === undefined ? undefined : text.split(/\r?\n/));
    }
    return cache.get(file);
  };
  const blocks = problems.map((p) => {
    const head = `${paint(color, '1', `${displayPath(p.file, cwd)}:${p.line}:${p.col}:`)} ${paint(color, '31', p.message)}`;
    const out = [head, ...codeFrame(linesOf(p.file), p.line, p.col, color)];
    if (p.hint) out.push(...p.hint.split('\n').map((l, i) => `  ${paint(color, '36', i === 0 ? 'hint:' : '     ')} ${l}`));
    return out.join('\n');
  });
  return blocks.join('\n\n');
}

/** The line before (for context), the line itself, and a caret under the column. Long lines are cut around the column. */
export function codeFrame(lines: string[] | undefined, line: number, col: number, color = false): string[] {
  if (!lines || line < 1 || line > lines.length) return [];
  const width = String(line).length;
  const gutter = (n: number | ''): string => paint(color, '2', `  ${String(n).padStart(width)} | `);
  const out: string[] = [];
  const cut = (text: string): { text: string; shift: number } => {
    const expanded = text.replace(/\t/g, '→');
    if (expanded.length <= 120) return { text: expanded, shift: 0 };
    const start = Math.max(0, Math.min(col - 60, expanded.length - 120));
    return { text: (start > 0 ? '…' : '') + expanded.slice(start, start + 120) + '…', shift: start > 0 ? start - 1 : 0 };
  };
  const prev = lines[line - 2];
  if (line > 1 && prev !== undefined && prev.trim() !== '') out.push(gutter(line - 1) + cut(prev).text);
  const current = cut(lines[line - 1] ?? '');
  out.push(gutter(line) + current.text);
  out.push(gutter('').replace(/\d/g, ' ') + ' '.repeat(Math.max(0, col - 1 - current.shift)) + paint(color, '31', '^'));
  return out;
}
