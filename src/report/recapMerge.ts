/**
 * `run-playbook recap-merge`: the --json outputs of several --slice runs become one PLAY RECAP and one
 * exit code, by the same rule as a single run. A slice that never reached run:end (killed, crashed) is
 * counted from the results it did print, and makes the merge fail: a partial fleet is not a success.
 */
import type { HostStats, RunEvent } from '../core/events.js';
import { EXIT, STAT_KEYS, addStats, exitCodeFromStats, formatRecap, recapFromEvents } from './recap.js';

export interface MergedRecap {
  stats: Record<string, HostStats>;
  /** The recap and its warnings (empty when `error` is set). */
  text: string;
  exitCode: number;
  /** Set when the inputs cannot be merged (exit 5): the reason, naming the input. */
  error?: string;
}

/**
 * jsonLines: each slice's lines; names: how to call each slice in messages (its file), "slice i of n" if absent.
 * Inputs that are no slice at all (no run event in them: a human log, an empty file) or the same slice given
 * twice are invalid input (exit 5): the recap they would give is wrong, and a CI job must not read it as a result.
 */
export function mergeRecaps(jsonLines: string[][], names: string[] = []): MergedRecap {
  let stats: Record<string, HostStats> = {};
  let interrupted = false;
  let incomplete = false;
  const notes: string[] = [];
  const invalid = (error: string): MergedRecap => ({ stats: {}, text: '', exitCode: EXIT.invalid, error });
  const seen = new Map<string, string>();
  /** host → the slices that reported it, to name hosts that more than one slice ran. */
  const hostSlices = new Map<string, string[]>();
  for (const [index, lines] of jsonLines.entries()) {
    const label = names[index] ?? `slice ${index + 1} of ${jsonLines.length}`;
    const content = lines.filter((l) => l.trim() !== '').join('\n');
    const same = seen.get(content);
    if (same !== undefined) return invalid(`${label} is the same output as ${same}: each slice must be given once`);
    seen.set(content, label);
    const { events, badLines } = parseLines(lines);
    if (events.length === 0) {
      return invalid(`${label}: no run events in it${badLines > 0 ? ` (${badLines} line(s) of something else)` : ' (it is empty)'}: give the --json output of each --slice run`);
    }
    if (badLines > 0) notes.push(`${label}: ${badLines} line(s) were not run events and were skipped`);
    const end = events.find((e): e is Extract<RunEvent, { type: 'run:end' }> => e.type === 'run:end');
    if (!end) incomplete = true;
    if (!end) notes.push(`${label}: no run:end event (the run did not finish); counted from the results it printed`);
    else if (end.interrupted) {
      interrupted = true;
      notes.push(`${label}: interrupted`);
    }
    const own = recapFromEvents(events);
    for (const host of Object.keys(own)) hostSlices.set(host, [...(hostSlices.get(host) ?? []), label]);
    stats = addStats(stats, own);
  }
  const shared = [...hostSlices].filter(([, slices]) => slices.length > 1).map(([host]) => host);
  // A play on localhost runs in every slice; any other host in two slices means the slices overlap.
  if (shared.length > 0) notes.push(`host(s) in more than one slice, their counts added up: ${shared.join(', ')}`);
  const byStats = exitCodeFromStats(stats, interrupted);
  // A failed or unreachable host says more than "a slice did not finish", so it keeps its own code.
  const exitCode = incomplete && byStats === EXIT.ok ? EXIT.internal : byStats;
  let text = formatRecap(stats);
  if (notes.length > 0) text += notes.map((n) => `[WARNING]: ${n}`).join('\n') + '\n';
  return { stats, text, exitCode };
}

const EVENT_TYPES = new Set<string>([
  'run:start', 'play:start', 'batch:start', 'host:unreachable', 'task:start', 'host:start', 'host:output',
  'host:log', 'host:item', 'host:result', 'task:end', 'play:end', 'warning', 'run:end',
]);

function parseLines(lines: string[]): { events: RunEvent[]; badLines: number } {
  const events: RunEvent[] = [];
  let badLines = 0;
  for (const line of lines) {
    if (line.trim() === '') continue;
    try {
      const value: unknown = JSON.parse(line);
      if (isRunEvent(value)) events.push(value);
      else badLines++;
    } catch {
      badLines++;
    }
  }
  return { events, badLines };
}

/** Enough of a check that the counting code can trust the fields it reads. */
function isRunEvent(value: unknown): value is RunEvent {
  if (typeof value !== 'object' || value === null) return false;
  const e = value as { type?: unknown; stats?: unknown; host?: unknown; result?: unknown; hosts?: unknown };
  if (typeof e.type !== 'string' || !EVENT_TYPES.has(e.type)) return false;
  if (e.type === 'run:end') return isStatsMap(e.stats);
  if (e.type === 'host:result') {
    const r = e.result as { status?: unknown } | null;
    return typeof e.host === 'string' && typeof r === 'object' && r !== null && typeof r.status === 'string';
  }
  if (e.type === 'play:start') return Array.isArray(e.hosts);
  return true;
}

/** host → counts, every count a non-negative integer: a hand-edited or corrupt line must not print `ok=0x`. */
function isStatsMap(value: unknown): value is Record<string, HostStats> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  return Object.values(value).every(
    (s) =>
      typeof s === 'object' && s !== null &&
      Object.entries(s).every(([k, n]) => !(STAT_KEYS as readonly string[]).includes(k) || (Number.isInteger(n) && (n as number) >= 0)),
  );
}
