import type { HostStats } from '../core/events.js';
import type { Vars } from '../core/model.js';

/** What the run knows about one host: its standing in the play, facts, set_fact/register results, notifications. */
export interface HostState {
  name: string;
  /** active: runs tasks; failed/unreachable: left the play; ended: meta end_host/end_play. */
  status: 'active' | 'failed' | 'unreachable' | 'ended';
  /** Facts under our names (facts.hostname) and Ansible's (ansible_hostname), empty until gathered. */
  factVars: Vars;
  /** set_fact and register results: host data, never re-templated. */
  setFacts: Vars;
  includeVars: Vars;
  /** Handler names and listen topics notified by a changed task, waiting for the next flush. */
  notified: Set<string>;
  stats: HostStats;
  /** The loop variable of a looped include_tasks/include_role, for the tasks it includes. */
  itemVars: Vars;
  /** Failures waiting for an enclosing rescue to decide whether they count. */
  pendingFailures: number;
  /** Set by meta: flush_handlers; the walk of this host flushes once the task has run on all its hosts. */
  flushRequested?: boolean;
  /** meta: clear_host_errors: the failed/unreachable host rejoins at the next play. */
  errorsCleared?: boolean;
  /** The failure counts cleared by meta: clear_host_errors; they do not decide the exit code. */
  clearedStats?: { failed: number; unreachable: number };
}

export const emptyStats = (): HostStats => ({ ok: 0, changed: 0, unreachable: 0, failed: 0, skipped: 0, rescued: 0, ignored: 0 });

export function newHostState(name: string): HostState {
  return { name, status: 'active', factVars: {}, setFacts: {}, includeVars: {}, itemVars: {}, notified: new Set(), stats: emptyStats(), pendingFailures: 0 };
}
