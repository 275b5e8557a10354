/**
 * The live status line on a terminal: when a task has run for more than 2 s, one line (redrawn in place)
 * says how long and which hosts it still waits for, so a long build never looks like a hang.
 * The owner must call clear() before writing anything else, so the line never mixes with real output.
 */
import type { RunEvent, TaskRef } from '../core/events.js';
import { taskTitle } from './taskTitle.js';

export const CLEAR_LINE = '\r\x1b[K';

export interface StatusLineOptions {
  write: (text: string) => void;
  now: () => number;
  columns?: number;
  /** How long a task runs before the line appears. */
  delayMs?: number;
  intervalMs?: number;
}

interface RunningTask {
  task: TaskRef;
  start: number;
  waiting: Set<string>;
}

export class StatusLine {
  private readonly running = new Map<string, RunningTask>();
  private shown = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly delayMs: number;

  constructor(private readonly opts: StatusLineOptions) {
    this.delayMs = opts.delayMs ?? 2000;
  }

  observe(e: RunEvent): void {
    switch (e.type) {
      case 'task:start':
        this.running.set(e.task.id, { task: e.task, start: this.opts.now(), waiting: new Set(e.hosts) });
        this.startTimer();
        break;
      case 'host:result':
        this.running.get(e.task.id)?.waiting.delete(e.host);
        break;
      case 'task:end':
        this.running.delete(e.task.id);
        break;
      case 'play:end':
      case 'run:end':
        this.running.clear();
        this.clear();
        break;
      default:
        break;
    }
  }

  /** Redraws the line if the oldest running task is past the delay; otherwise makes sure it is gone. */
  tick(): void {
    const text = this.render();
    if (text === undefined) return this.clear();
    this.opts.write(`${CLEAR_LINE}${text}`);
    this.shown = true;
  }

  clear(): void {
    if (!this.shown) return;
    this.opts.write(CLEAR_LINE);
    this.shown = false;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.clear();
  }

  /** The line for the longest-running task with hosts still busy, or undefined when none is slow yet. */
  render(): string | undefined {
    const now = this.opts.now();
    let oldest: RunningTask | undefined;
    for (const t of this.running.values()) {
      if (t.waiting.size === 0) continue;
      if (!oldest || t.start < oldest.start) oldest = t;
    }
    if (!oldest || now - oldest.start <= this.delayMs) return undefined;
    const hosts = [...oldest.waiting];
    const shown = hosts.slice(0, 5).join(', ') + (hosts.length > 5 ? ` and ${hosts.length - 5} more` : '');
    const head = oldest.task.handler ? 'HANDLER' : 'TASK';
    const line = `⏳ ${head} [${taskTitle(oldest.task)}] ${formatElapsed(now - oldest.start)} — waiting for ${shown}`;
    // One column short of the width, or the terminal wraps and \r no longer returns to the line's start.
    const width = Math.max(20, (this.opts.columns ?? 80) - 1);
    return line.length > width ? `${line.slice(0, width - 1)}…` : line;
  }

  private startTimer(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.tick(), this.opts.intervalMs ?? 1000);
    // A status line must never keep the process alive after the run.
    this.timer.unref();
  }
}

export function formatElapsed(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${String(seconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}
