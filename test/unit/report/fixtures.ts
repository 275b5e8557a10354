/** Builders of synthetic run events, so each test reads as the sequence an executor would emit. */
import type { HostResult, HostStats, RunEvent, TaskRef } from '../../../src/core/events.js';

export const pos = { file: 'site.yml', line: 3, col: 5 };

export function task(name: string, extra: Partial<TaskRef> = {}): TaskRef {
  return { id: `0/${name}`, name, module: 'command', pos, handler: false, ...extra };
}

export const ok = (data: Record<string, unknown> = {}): HostResult => ({ status: 'ok', data, diffs: [], warnings: [] });
export const changed = (data: Record<string, unknown> = {}, extra: Partial<{ diffs: { path?: string; before: string; after: string }[]; warnings: string[] }> = {}): HostResult => ({
  status: 'changed',
  data,
  diffs: extra.diffs ?? [],
  warnings: extra.warnings ?? [],
});
export const skipped = (reason = 'Conditional result was False'): HostResult => ({ status: 'skipped', reason, data: {} });
export const failed = (msg: string, data: Record<string, unknown> = {}, ignored = false): HostResult => ({ status: 'failed', msg, data, ignored, diffs: [] });
export const unreachable = (msg: string, ignored = false): HostResult => ({ status: 'unreachable', msg, ignored });

export function result(t: TaskRef, host: string, r: HostResult, extra: { noLog?: boolean; delegatedTo?: string; time?: number; durationMs?: number } = {}): RunEvent {
  return {
    type: 'host:result',
    time: extra.time ?? 0,
    task: t,
    host,
    result: r,
    durationMs: extra.durationMs ?? 10,
    noLog: extra.noLog ?? false,
    ...(extra.delegatedTo ? { delegatedTo: extra.delegatedTo } : {}),
  };
}

export function item(t: TaskRef, host: string, label: string, r: HostResult): RunEvent {
  return { type: 'host:item', time: 0, task: t, host, item: label, result: r, durationMs: 5 };
}

export const taskStart = (t: TaskRef, hosts: string[], time = 0): RunEvent => ({ type: 'task:start', time, task: t, hosts });
export const taskEnd = (t: TaskRef, durationMs = 10, time = 0): RunEvent => ({ type: 'task:end', time, task: t, durationMs });
export const playStart = (name: string, hosts: string[]): RunEvent => ({ type: 'play:start', time: 0, name, hosts, pos });

export function stats(partial: Partial<HostStats> = {}): HostStats {
  return { ok: 0, changed: 0, unreachable: 0, failed: 0, skipped: 0, rescued: 0, ignored: 0, ...partial };
}

export const runEnd = (s: Record<string, HostStats>, interrupted = false): RunEvent => ({ type: 'run:end', time: 0, stats: s, durationMs: 100, interrupted });

/** A writer that collects everything written, for exact-text assertions. */
export function collector(): { write: (text: string) => void; text: () => string; lines: string[] } {
  const chunks: string[] = [];
  return { write: (t) => void chunks.push(t), text: () => chunks.join(''), lines: chunks };
}
