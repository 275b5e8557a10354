/**
 * `run-playbook recap-merge`: the --json outputs of several --slice runs become one PLAY RECAP and one
 * exit code, by the same rule as a single run. A slice that never reached run:end (killed, crashed) is
 * counted from the results it did print, and makes the merge fail: a partial fleet is not a success.
 */
import type { HostStats, RunEvent } from '../core/events.js';
import { EXIT, addStats, exitCodeFromStats, formatRecap, recapFromEvents } from './recap.js';

export interface MergedRecap {
  stats: Record<string, HostStats>;
  text: string;
  exitCode: number;
}

export function mergeRecaps(jsonLines: string[][]): MergedRecap {
  let stats: Record<string, HostStats> = {};
  let interrupted = false;
  let incomplete = false;
  const notes: string[] = [];
  jsonLines.forEach((lines, index) => {
    const { events, badLines } = parseLines(lines);
    const label = `slice ${index + 1} of ${jsonLines.length}`;
    if (badLines > 0) notes.push(`${label}: ${badLines} line(s) were not run events and were skipped`);
    const end = events.find((e): e is Extract<RunEvent, { type: 'run:end' }> => e.type === 'run:end');
    if (!end) incomplete = true;
    if (!end) notes.push(`${label}: no run:end event (the run did not finish); counted from the results it printed`);
    else if (end.interrupted) {
      interrupted = true;
      notes.push(`${label}: interrupted`);
    }
    stats = addStats(stats, recapFromEvents(events));
  });
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
  if (e.type === 'run:end') return typeof e.stats === 'object' && e.stats !== null;
  if (e.type === 'host:result') {
    const r = e.result as { status?: unknown } | null;
    return typeof e.host === 'string' && typeof r === 'object' && r !== null && typeof r.status === 'string';
  }
  if (e.type === 'play:start') return Array.isArray(e.hosts);
  return true;
}
