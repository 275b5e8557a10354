/**
 * --json: one JSON object per event per line, the fields of core/events.ts unchanged (documented in
 * docs/output.md), after redaction: no_log results censored, Secrets masked, Buffers never serialised.
 */
import type { RunEvent, RunListener } from '../core/events.js';
import { CENSORED, NoLogGate, cleanValue, safeItemLabel, safeResult } from './redact.js';

export function createJsonReporter(opts: { write: (line: string) => void }): { listener: RunListener; close(): void } {
  const gate = new NoLogGate((e, noLog) => opts.write(`${eventToJson(e, noLog)}\n`));
  return { listener: (e) => gate.push(e), close: () => gate.flush() };
}

/** The JSON line of one event (without newline); noLog says whether its task's output must be hidden. */
export function eventToJson(e: RunEvent, noLog: boolean): string {
  return JSON.stringify(cleanValue(safeEvent(e, noLog)));
}

export function safeEvent(e: RunEvent, noLog: boolean): RunEvent {
  switch (e.type) {
    case 'host:result':
      return { ...e, result: safeResult(e.result, noLog || e.noLog) };
    case 'host:item':
      return { ...e, item: safeItemLabel(e.item, noLog), result: safeResult(e.result, noLog) };
    case 'host:output':
      return noLog ? { ...e, chunk: CENSORED } : e;
    case 'host:log':
      return noLog ? { ...e, message: CENSORED } : e;
    default:
      return e;
  }
}
