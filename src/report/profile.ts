/**
 * --profile: at the end of the run, the slowest tasks. "total" is the task's wall time (summed over serial
 * batches and plays that ran it), "max" the slowest single host, so a task slow on one host stands out
 * from one slow everywhere.
 */
import type { RunEvent, RunListener, TaskRef } from '../core/events.js';
import { banner } from './recap.js';
import { taskPosition, taskTitle } from './taskTitle.js';

export interface TaskProfile {
  task: TaskRef;
  hosts: number;
  totalMs: number;
  maxMs: number;
}

interface Tracking extends TaskProfile {
  hostSet: Set<string>;
  /** Start time of the running occurrence, to time tasks that never send task:end (an interrupted run). */
  openStart: number | undefined;
  lastResult: number;
}

export function createProfileReporter(opts: { write: (text: string) => void; top?: number }): { listener: RunListener; close(): void } {
  const tasks = new Map<string, Tracking>();
  let printed = false;

  const closeOpen = (t: Tracking): void => {
    if (t.openStart === undefined) return;
    t.totalMs += Math.max(0, t.lastResult - t.openStart);
    t.openStart = undefined;
  };

  const print = (): void => {
    if (printed) return;
    printed = true;
    for (const t of tasks.values()) closeOpen(t);
    const profiles = [...tasks.values()].map(({ task, hosts, totalMs, maxMs, hostSet }) => ({ task, hosts: Math.max(hosts, hostSet.size), totalMs, maxMs }));
    opts.write(formatProfile(profiles, opts.top ?? 20));
  };

  const listener: RunListener = (e: RunEvent) => {
    switch (e.type) {
      case 'task:start': {
        const t = tasks.get(e.task.id) ?? { task: e.task, hosts: 0, totalMs: 0, maxMs: 0, hostSet: new Set<string>(), openStart: undefined, lastResult: e.time };
        closeOpen(t);
        t.openStart = e.time;
        t.lastResult = e.time;
        tasks.set(e.task.id, t);
        return;
      }
      case 'host:result': {
        const t = tasks.get(e.task.id);
        if (!t) return;
        t.hostSet.add(e.host);
        t.maxMs = Math.max(t.maxMs, e.durationMs);
        t.lastResult = Math.max(t.lastResult, e.time);
        return;
      }
      case 'task:end': {
        const t = tasks.get(e.task.id);
        if (!t) return;
        t.totalMs += e.durationMs;
        t.openStart = undefined;
        return;
      }
      case 'run:end':
        print();
        return;
      default:
        return;
    }
  };
  return { listener, close: print };
}

/** Slowest first by total, then by max; equal times keep source order (by position). */
export function rankTasks(profiles: TaskProfile[]): TaskProfile[] {
  return [...profiles].sort(
    (a, b) =>
      b.totalMs - a.totalMs ||
      b.maxMs - a.maxMs ||
      a.task.pos.file.localeCompare(b.task.pos.file) ||
      a.task.pos.line - b.task.pos.line,
  );
}

export function formatProfile(profiles: TaskProfile[], top: number, columns = 80): string {
  const ranked = rankTasks(profiles).slice(0, Math.max(1, top));
  const header = ['total', 'max', 'hosts', 'task', 'position'];
  const rows = ranked.map((p) => [seconds(p.totalMs), seconds(p.maxMs), String(p.hosts), taskTitle(p.task) + (p.task.handler ? ' (handler)' : ''), taskPosition(p.task)]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  // Durations and counts align right so their digits line up; text aligns left.
  const fmt = (r: string[]): string =>
    r.map((cell, i) => (i < 3 ? cell.padStart(widths[i]!) : i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ').trimEnd();
  const title = banner(`PROFILE [slowest ${ranked.length} of ${profiles.length} tasks]`, columns);
  if (rows.length === 0) return `\n${banner('PROFILE [no tasks ran]', columns)}\n`;
  return `\n${title}\n${fmt(header)}\n${rows.map(fmt).join('\n')}\n`;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)}s`;
}
