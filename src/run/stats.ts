import type { HostState } from './hostState.js';
import type { Scope } from './scope.js';

/** `changedToo`: a failure that still changed the host (a command that ran); Ansible counts it when ignored. */
export function countResult(host: HostState, status: 'ok' | 'changed' | 'skipped' | 'failed', ignored: boolean, changedToo = false): void {
  if (status === 'ok') host.stats.ok++;
  else if (status === 'changed') {
    host.stats.changed++;
    host.stats.ok++;
  } else if (status === 'skipped') host.stats.skipped++;
  else if (ignored) {
    host.stats.ignored++;
    host.stats.ok++;
    if (changedToo) host.stats.changed++;
  }
}

/** A failure inside a block with a rescue waits: it counts only if the rescue does not save the host. */
export function recordFailure(host: HostState, scope: Scope): void {
  host.status = 'failed';
  if (scope.rescuable) host.pendingFailures++;
  else host.stats.failed++;
}
