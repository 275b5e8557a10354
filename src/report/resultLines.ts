/**
 * Text of one host's outcome, Ansible style: `ok: [host]`, `changed: [host] => (item=x)`,
 * `fatal: [host]: FAILED! => {...}`. Takes results already passed through redact.ts.
 */
import { diffLib } from '../core/patch.js';
import { trimOutput } from '../core/errors.js';
import type { Diff, HostResult } from '../core/events.js';
import type { Palette } from './colors.js';
import { CENSORED } from './redact.js';

export interface LineContext {
  host: string;
  delegatedTo?: string;
  /** Loop item label, already masked when no_log. */
  item?: string;
  verbosity: number;
  /** debug's output is its purpose, so like Ansible it is shown without -v. */
  alwaysShowData: boolean;
  palette: Palette;
}

const WORD: Record<HostResult['status'], string> = {
  ok: 'ok',
  changed: 'changed',
  skipped: 'skipping',
  failed: 'fatal',
  unreachable: 'fatal',
};

/** The result line(s) without trailing newline. */
export function resultLine(r: HostResult, c: LineContext): string {
  // As Ansible, a task delegated to its own host names it once.
  const target = c.delegatedTo && c.delegatedTo !== c.host ? `[${c.host} -> ${c.delegatedTo}]` : `[${c.host}]`;
  const item = c.item !== undefined ? `(item=${c.item})` : undefined;
  const paint = c.palette[r.status];
  switch (r.status) {
    case 'ok':
    case 'changed': {
      // A result may ask to be shown only from some -v level on (debug's `verbosity`), as Ansible does.
      const shownFrom = typeof r.data._verbosity === 'number' ? r.data._verbosity : 0;
      if (shownFrom > c.verbosity) return c.palette.skipped(`skipping: ${target}`);
      // Ansible prints included lines in its skip colour (cyan).
      if (typeof r.data._included === 'string') return c.palette.skipped(`included: ${r.data._included} for ${c.host}${item ? ` => ${item}` : ''}`);
      const data = c.verbosity >= 1 || c.alwaysShowData ? dataSuffix(r.data, c) : '';
      return paint(`${WORD[r.status]}: ${target}${item ? ` => ${item}` : ''}${data}`);
    }
    case 'skipped': {
      const data = c.verbosity >= 1 ? dataSuffix({ skip_reason: r.reason, ...r.data }, c) : '';
      return paint(`skipping: ${target}${item ? ` => ${item}` : ''}${data}`);
    }
    case 'failed': {
      // Ansible's two shapes: `failed: [h] (item=x) => {…}` for an item, `fatal: [h]: FAILED! => {…}` otherwise.
      const head = item ? `failed: ${target} ${item}` : `fatal: ${target}: FAILED!`;
      return paint(`${head} => ${toJson(failureView(r, c.verbosity), c.verbosity)}`);
    }
    case 'unreachable': {
      const where = item ? `${target} ${item}` : `${target}:`;
      const view = r.msg === CENSORED ? { censored: CENSORED } : { msg: r.msg };
      return paint(`fatal: ${where} UNREACHABLE! => ${toJson(view, c.verbosity)}`);
    }
  }
}

function dataSuffix(all: Record<string, unknown>, c: LineContext): string {
  // Keys starting with _ are for the engine and reporters, not for people.
  const data = Object.fromEntries(Object.entries(all).filter(([k]) => !k.startsWith('_') && (c.verbosity >= 3 || c.alwaysShowData || !STATUS_KEYS.has(k))));
  if (Object.keys(data).length === 0) return '';
  return ` => ${toJson(data, c.alwaysShowData ? 3 : c.verbosity)}`;
}

/** One-line JSON below -vvv, indented from -vvv (and for debug), as Ansible prints results. */
function toJson(value: unknown, verbosity: number): string {
  return verbosity >= 3 ? JSON.stringify(value, null, 4) : inlineJson(value);
}

/**
 * JSON on one line with a space after `:` and `,` (Python's json.dumps look, which Ansible users read daily).
 * Safe to do on the indented text: a raw newline only ever appears between tokens, never inside a string.
 */
export function inlineJson(value: unknown): string {
  return (JSON.stringify(value, null, 1) ?? 'null')
    .replace(/([[{])\n\s*/g, '$1')
    .replace(/\n\s*([\]}])/g, '$1')
    .replace(/,\n\s*/g, ', ');
}

const OUTPUT_KEYS = ['stdout', 'stderr'] as const;
/** The line's first word already says these; Ansible's callback drops them too (TaskResult's _IGNORE). */
const STATUS_KEYS = new Set(['failed', 'skipped']);
const NOISE_KEYS = new Set(['stdout_lines', 'stderr_lines', 'msg']);

/**
 * A failure people can read: the message first, then the exit code and the tail of stderr. -v adds the rest
 * of the data (output still trimmed); -vvv shows everything as it came.
 */
export function failureView(r: Extract<HostResult, { status: 'failed' }>, verbosity: number): Record<string, unknown> {
  const data = r.data;
  if (r.msg === CENSORED) return { censored: CENSORED };
  const view: Record<string, unknown> = { msg: r.msg };
  if (verbosity >= 3) {
    for (const [k, v] of Object.entries(data)) if (k !== 'msg') view[k] = v;
    return view;
  }
  const trimmed = (v: unknown): unknown => (typeof v === 'string' ? trimOutput(v) : v);
  if (verbosity === 0) {
    if (data.rc !== undefined) view.rc = data.rc;
    const stderr = typeof data.stderr === 'string' ? data.stderr.trim() : '';
    // Scripts often report errors on stdout; show it when stderr has nothing to say.
    const [key, text] = stderr !== '' ? (['stderr', data.stderr] as const) : (['stdout', data.stdout] as const);
    const tail = typeof text === 'string' ? trimOutput(text) : '';
    // A message that already ends with that tail (the command modules put it there) is not repeated: 15 lines
    // of a failed build shown twice bury the answer.
    if (tail !== '' && !r.msg.trimEnd().endsWith(tail)) view[key] = tail;
    return view;
  }
  for (const [k, v] of Object.entries(data)) {
    if (NOISE_KEYS.has(k) || STATUS_KEYS.has(k)) continue;
    view[k] = (OUTPUT_KEYS as readonly string[]).includes(k) ? trimmed(v) : v;
  }
  return view;
}

/** Unified diffs, `--- before: path` / `+++ after: path`, each followed by a blank line as Ansible does. */
export function diffText(diffs: Diff[], palette: Palette): string {
  let out = '';
  for (const d of diffs) {
    if (d.before === d.after) continue;
    const suffix = d.path ? `: ${d.path}` : '';
    const patch = diffLib().createTwoFilesPatch(`before${suffix}`, `after${suffix}`, d.before, d.after, undefined, undefined, {
      headerOptions: diffLib().FILE_HEADERS_ONLY,
    });
    if (!patch) continue;
    const lines = patch.replace(/\n$/, '').split('\n').map((line) => colorDiffLine(pythonHunkHeader(line), palette));
    out += `${lines.join('\n')}\n\n`;
  }
  return out;
}

/**
 * Hunk headers as GNU diff and Python's difflib (so Ansible) write them: a one-line range is `-3`, not `-3,1`.
 * Tools that read our diffs (patch, review bots) accept both; people comparing with Ansible's logs see the same.
 */
function pythonHunkHeader(line: string): string {
  return line.startsWith('@@') ? line.replace(/^@@ -(\d+),1 \+(\d+)(,\d+)? @@/, '@@ -$1 +$2$3 @@').replace(/^@@ -(\d+(?:,\d+)?) \+(\d+),1 @@/, '@@ -$1 +$2 @@') : line;
}

function colorDiffLine(line: string, p: Palette): string {
  if (line.startsWith('+++') || line.startsWith('---')) return line;
  if (line.startsWith('+')) return p.diffAdd(line);
  if (line.startsWith('-')) return p.diffRemove(line);
  if (line.startsWith('@@')) return p.diffHunk(line);
  return line;
}
