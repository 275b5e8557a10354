import type { HostStats } from './events.js';

/** The exit codes, stable and documented (README): Ansible's executor's 0/2/4, plus ours for invalid input and Ctrl-C. */
export const EXIT = { ok: 0, internal: 1, failed: 2, unreachable: 4, invalid: 5, interrupted: 99 } as const;

export type RunExitCode = typeof EXIT.ok | typeof EXIT.failed | typeof EXIT.unreachable | typeof EXIT.interrupted;

/** One rule for a run and for merged slices: interrupted, else a failure, else an unreachable host, else success. */
export function exitCodeFromStats(stats: Record<string, HostStats>, interrupted = false): RunExitCode {
  if (interrupted) return EXIT.interrupted;
  const all = Object.values(stats);
  if (all.some((s) => s.failed > 0)) return EXIT.failed;
  if (all.some((s) => s.unreachable > 0)) return EXIT.unreachable;
  return EXIT.ok;
}
