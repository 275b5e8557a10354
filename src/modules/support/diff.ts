import { diffLib } from '../../core/patch.js';

/** A unified diff of one file's before/after, headed like `diff -u` (what --diff shows for a content change). */
export function unifiedDiff(path: string, before: string, after: string): string {
  return diffLib().createTwoFilesPatch(`${path} (before)`, `${path} (after)`, before, after, undefined, undefined, { context: 3 });
}

/** Text a person can read in a diff: binary or huge content is summarised instead of printed. */
export const DIFF_LIMIT_BYTES = 256 * 1024;

export function diffableText(data: Buffer): string | undefined {
  if (data.length > DIFF_LIMIT_BYTES || data.includes(0)) return undefined;
  return data.toString('utf8');
}

export function contentSummary(data: Buffer | undefined, checksum: string | undefined): string {
  if (data === undefined) return '';
  return diffableText(data) ?? `(${data.length} bytes, sha1 ${checksum ?? '?'})\n`;
}
