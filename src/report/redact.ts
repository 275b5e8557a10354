/**
 * The one place where output is made safe to show. Every reporter path (result lines, -v data, loop items,
 * diffs, streamed output, JSON) goes through here, because Ansible's no_log leaks were each a path that
 * redacted on its own and forgot a case (loop items: CVE-2024-0690; failed tasks; -vvv).
 */
import { Secret } from '../core/sh.js';
import type { HostResult, RunEvent, TaskRef } from '../core/events.js';

/** Ansible's exact text, so people and log scanners recognise it. */
export const CENSORED = "the output has been hidden due to the fact that 'no_log: true' was specified for this result";
export const MASK = '********';

const MAX_DEPTH = 50;

/**
 * A JSON-safe copy: Secrets become ********, Buffers become text (or a byte count when not UTF-8),
 * cycles and functions are cut. Never throws, so a strange value cannot stop a run's output.
 */
export function cleanValue(value: unknown, seen: WeakSet<object> = new WeakSet(), depth = 0): unknown {
  if (value instanceof Secret) return MASK;
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'undefined' || typeof value === 'function' || typeof value === 'symbol') return undefined;
  if (value instanceof Uint8Array) return bytesToText(value);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (value instanceof Error) return value.message;
  if (depth > MAX_DEPTH) return '[nested too deep]';
  const obj = value as object;
  if (seen.has(obj)) return '[circular]';
  seen.add(obj);
  try {
    if (Array.isArray(obj)) return obj.map((v) => cleanValue(v, seen, depth + 1) ?? null);
    if (obj instanceof Set) return [...obj].map((v) => cleanValue(v, seen, depth + 1) ?? null);
    const source: Iterable<[unknown, unknown]> =
      obj instanceof Map ? obj.entries() : Object.entries(obj as Record<string, unknown>);
    const out: Record<string, unknown> = {};
    for (const [k, v] of source) {
      const cleaned = cleanValue(v, seen, depth + 1);
      if (cleaned !== undefined) out[String(k)] = cleaned;
    }
    return out;
  } finally {
    seen.delete(obj);
  }
}

function bytesToText(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return `<${bytes.byteLength} bytes of binary data>`;
  }
}

export function cleanData(data: Record<string, unknown>): Record<string, unknown> {
  return cleanValue(data) as Record<string, unknown>;
}

/**
 * The result as it may be shown. Under noLog only the status (and ignored) survive: message, data, reason,
 * diffs and warnings are replaced, as Ansible keeps only the status keys of a censored result.
 */
export function safeResult(result: HostResult, noLog: boolean): HostResult {
  const censored = { censored: CENSORED };
  switch (result.status) {
    case 'ok':
    case 'changed':
      return noLog
        ? { status: result.status, data: censored, diffs: [], warnings: [], ...(result.check !== undefined ? { check: result.check } : {}) }
        : { ...result, data: cleanData(result.data), warnings: result.warnings.map(String) };
    case 'skipped':
      return noLog ? { status: 'skipped', reason: CENSORED, data: censored } : { ...result, data: cleanData(result.data) };
    case 'failed':
      return noLog
        ? { status: 'failed', msg: CENSORED, data: censored, ignored: result.ignored, diffs: [] }
        : { ...result, msg: String(cleanValue(result.msg)), data: cleanData(result.data) };
    case 'unreachable':
      return noLog ? { status: 'unreachable', msg: CENSORED, ignored: result.ignored } : { ...result, msg: String(cleanValue(result.msg)) };
  }
}

/** A loop item's label names the secret as often as not (a password per user), so it is masked too. */
export function safeItemLabel(item: string, noLog: boolean): string {
  return noLog ? MASK : String(cleanValue(item));
}

/**
 * Whether no_log is known before the host result arrives. Today only host:result carries the flag; if the
 * executor adds `noLog: boolean` to the event or to its TaskRef, items and output stream at once instead
 * of waiting for the result.
 */
export function knownNoLog(event: { task: TaskRef }): boolean | undefined {
  const own = (event as { noLog?: unknown }).noLog;
  if (typeof own === 'boolean') return own;
  const hint = (event.task as TaskRef & { noLog?: unknown }).noLog;
  return typeof hint === 'boolean' ? hint : undefined;
}

type GatedEvent = Extract<RunEvent, { type: 'host:item' | 'host:output' | 'host:log' }>;

const isGated = (e: RunEvent): e is GatedEvent => e.type === 'host:item' || e.type === 'host:output' || e.type === 'host:log';

/**
 * Holds a host's loop items, output and log lines for a task until that host's result says whether the
 * task was no_log (only host:result carries the flag), then releases them with the answer. Whatever is
 * still held at close() (an interrupted run) is released as no_log: unknown means hidden.
 */
export class NoLogGate {
  private readonly held = new Map<string, GatedEvent[]>();

  constructor(private readonly release: (event: RunEvent, noLog: boolean) => void) {}

  push(event: RunEvent): void {
    if (isGated(event)) {
      const known = knownNoLog(event);
      if (known !== undefined) return this.release(event, known);
      const key = gateKey(event.task.id, event.host);
      const list = this.held.get(key);
      if (list) list.push(event);
      else this.held.set(key, [event]);
      return;
    }
    if (event.type === 'host:result') {
      const key = gateKey(event.task.id, event.host);
      const list = this.held.get(key);
      this.held.delete(key);
      for (const e of list ?? []) this.release(e, event.noLog);
      return this.release(event, event.noLog);
    }
    if (event.type === 'run:end') this.flush();
    this.release(event, false);
  }

  flush(): void {
    const pending = [...this.held.values()].flat().sort((a, b) => a.time - b.time);
    this.held.clear();
    for (const e of pending) this.release(e, true);
  }
}

const gateKey = (taskId: string, host: string): string => `${taskId}\u0000${host}`;
