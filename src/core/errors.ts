import type { Position } from './position.js';

/** One problem in the user's input, pointing at the exact place. Rendered as `file:line:col: message` + frame + hint. */
export interface Problem extends Position {
  message: string;
  hint?: string;
}

/** Thrown by the loader (and by template rendering at run time) with every problem found, not only the first. */
export class SourceError extends Error {
  readonly problems: Problem[];
  constructor(problems: Problem[]) {
    super(problems.map((p) => `${p.file}:${p.line}:${p.col}: ${p.message}`).join('\n'));
    this.name = 'SourceError';
    this.problems = problems;
  }
  static at(pos: Position, message: string, hint?: string): SourceError {
    return new SourceError([{ ...pos, message, ...(hint ? { hint } : {}) }]);
  }
}

/** Invalid options (CLI or API), reported with exit code 5 like any invalid input. */
export class OptionsError extends Error {
  override name = 'OptionsError';
}

/** A module's failure meant for a person: what failed and why, with the remote stderr trimmed. Never a stack trace. */
export class ModuleError extends Error {
  override name = 'ModuleError';
  readonly data: Record<string, unknown>;
  constructor(message: string, data: Record<string, unknown> = {}) {
    super(message);
    this.data = data;
  }
}

/** The host cannot be reached or the connection dropped; the host leaves the play as unreachable, not failed. */
export class UnreachableError extends Error {
  override name = 'UnreachableError';
}

/** Used by the lab when it cannot do what was asked (not root, missing tools, ...). */
export class LabError extends Error {
  override name = 'LabError';
}

/** Trim remote stderr for messages: last lines only, never megabytes. */
export function trimOutput(text: string, maxLines = 15, maxChars = 2000): string {
  const lines = text.trimEnd().split('\n');
  let out = lines.slice(-maxLines).join('\n');
  if (out.length > maxChars) out = '…' + out.slice(-maxChars);
  return lines.length > maxLines ? `…\n${out}` : out;
}
