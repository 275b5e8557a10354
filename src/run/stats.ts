import type { HostState } from './hostState.js';
import type { Scope } from './scope.js';

export function countResult(host: HostState, status: 'ok' | 'changed' | 'skipped' | 'failed', ignored: boolean): void {
  if (status === 'ok') host.stats.ok++;
  else if (status === 'changed') {
    host.stats.changed++;
    host.stats.ok++;
  } else if (status === 'skipped') host.stats.skipped++;
  else if (ignored) {
    host.stats.ignored++;
    host.stats.ok++;
  }
}

/** A failure inside a block with a rescue waits: it counts only if the rescue does not save the host. */
export function recordFailure(host: HostState, scope: Scope): void {
  host.status = 'failed';
  if (scope.rescuable) host.pendingFailures++;
  else host.stats.failed++;
}
