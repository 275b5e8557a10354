import type { Position } from './position.js';

export type HostStatus = 'ok' | 'changed' | 'skipped' | 'failed' | 'unreachable';

export interface Diff {
  path?: string;
  before: string;
  after: string;
}

/** One host's outcome for one task (or one loop item). A discriminated union on status. */
export type HostResult =
  | { status: 'ok' | 'changed'; data: Record<string, unknown>; diffs: Diff[]; warnings: string[]; check?: boolean }
  | { status: 'skipped'; reason: string; data: Record<string, unknown> }
  | { status: 'failed'; msg: string; data: Record<string, unknown>; ignored: boolean; diffs: Diff[] }
  | { status: 'unreachable'; msg: string; ignored: boolean };

export interface TaskRef {
  /** Unique within the run: play index + path in the task tree. */
  id: string;
  name: string;
  module: string;
  pos: Position;
  role?: string;
  handler: boolean;
}

export interface HostStats {
  ok: number;
  changed: number;
  unreachable: number;
  failed: number;
  skipped: number;
  rescued: number;
  ignored: number;
}

export type RunEvent =
  | { type: 'run:start'; time: number; playbook: string; check: boolean }
  | { type: 'play:start'; time: number; name: string; hosts: string[]; pos: Position }
  | { type: 'batch:start'; time: number; hosts: string[]; index: number; count: number }
  | { type: 'host:unreachable'; time: number; host: string; msg: string }
  | { type: 'task:start'; time: number; task: TaskRef; hosts: string[] }
  | { type: 'host:start'; time: number; task: TaskRef; host: string }
  | { type: 'host:output'; time: number; task: TaskRef; host: string; stream: 'stdout' | 'stderr'; chunk: string; noLog: boolean }
  | { type: 'host:log'; time: number; task: TaskRef; host: string; message: string; noLog: boolean }
  | { type: 'host:item'; time: number; task: TaskRef; host: string; item: string; result: HostResult; durationMs: number; noLog: boolean }
  | { type: 'host:result'; time: number; task: TaskRef; host: string; result: HostResult; durationMs: number; delegatedTo?: string; noLog: boolean }
  | { type: 'task:end'; time: number; task: TaskRef; durationMs: number }
  | { type: 'play:end'; time: number; name: string }
  | { type: 'warning'; time: number; message: string; host?: string }
  | { type: 'run:end'; time: number; stats: Record<string, HostStats>; durationMs: number; interrupted: boolean };

export type RunListener = (event: RunEvent) => void;
