import type { Position } from '../core/position.js';
import type { Problem } from '../core/errors.js';

/** A place inside a template string: 1-based line, 0-based column (Handlebars' own convention). */
export interface TemplatePoint {
  line: number;
  column: number;
}

/** A problem found in a template, positioned in the template itself; placed in its file by `placeProblem`. */
export interface TemplateProblem extends TemplatePoint {
  message: string;
  hint?: string;
}

/** Offsets where each line starts, to turn a string offset into a line and column. */
export function lineStarts(source: string): number[] {
  const starts = [0];
  for (let i = source.indexOf('\n'); i !== -1; i = source.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

export function pointAt(starts: readonly number[], offset: number): TemplatePoint {
  let line = 0;
  while (line + 1 < starts.length && (starts[line + 1] ?? Infinity) <= offset) line++;
  return { line: line + 1, column: offset - (starts[line] ?? 0) };
}

export function offsetOf(starts: readonly number[], point: TemplatePoint): number {
  return (starts[point.line - 1] ?? 0) + point.column;
}

/**
 * Where a template point is in the YAML file: the string starts at `pos`; its later lines keep their own
 * columns. `shift` is how many characters we added in front of the user's text on its first line
 * (a condition `x` is checked as `{{ x }}`, shift 3).
 */
export function toFilePosition(pos: Position, point: TemplatePoint, shift = 0): Position {
  if (point.line <= 1) return { file: pos.file, line: pos.line, col: Math.max(pos.col, pos.col + point.column - shift) };
  return { file: pos.file, line: pos.line + point.line - 1, col: point.column + 1 };
}

export function placeProblem(pos: Position, problem: TemplateProblem, shift = 0): Problem {
  return {
    ...toFilePosition(pos, problem, shift),
    message: problem.message,
    ...(problem.hint ? { hint: problem.hint } : {}),
  };
}
