import type { ReplicationInfo, SentinelMaster } from './info.js';

export interface WaitConditions {
  replicas_online?: number;
  in_sync?: boolean;
  max_lag?: number;
  role?: 'master' | 'replica';
  master_known_to_sentinels?: number;
}

export interface Observed {
  replication?: ReplicationInfo;
  /** undefined when not asked; null when the Sentinel does not know the group. */
  sentinel?: SentinelMaster | null;
}

/** What still does not hold, in words; empty means every condition holds. Pure, for the polling loop and tests. */
export function pendingConditions(c: WaitConditions, o: Observed): string[] {
  const pending: string[] = [];
  const r = o.replication;
  if (c.role !== undefined && r && r.role !== c.role) pending.push(`role is ${r.role}, waiting for ${c.role}`);
  if (c.role === 'replica' && r?.role === 'replica' && r.master_link_status !== 'up') {
    pending.push(`link to master ${r.master_host}:${r.master_port} is ${r.master_link_status ?? 'unknown'}`);
  }
  if (c.replicas_online !== undefined && r) {
    const online = r.replicas.filter((x) => x.state === 'online').length;
    if (online < c.replicas_online) pending.push(`${online} of ${c.replicas_online} replicas online`);
  }
  if (c.in_sync && r) {
    const maxLag = c.max_lag ?? 0;
    if (r.role === 'master') {
      for (const x of r.replicas) {
        const behind = r.master_repl_offset - x.offset;
        if (x.state !== 'online' || behind > maxLag) {
          pending.push(`replica ${x.ip}:${x.port} is ${x.state}, ${behind} bytes behind (allowed ${maxLag})`);
        }
      }
    } else if (r.master_link_status !== 'up' || r.master_sync_in_progress) {
      pending.push(`replica not in sync: link ${r.master_link_status ?? 'unknown'}${r.master_sync_in_progress ? ', full sync in progress' : ''}`);
    }
  }
  if (c.master_known_to_sentinels !== undefined) {
    const s = o.sentinel;
    if (!s) pending.push('the Sentinel does not know the master yet');
    else {
      const known = s.num_other_sentinels + 1;
      if (known < c.master_known_to_sentinels) pending.push(`${known} of ${c.master_known_to_sentinels} Sentinels know the master`);
      const down = s.flags.filter((f) => f === 's_down' || f === 'o_down' || f === 'disconnected');
      if (down.length > 0) pending.push(`the Sentinel flags the master ${down.join(',')}`);
    }
  }
  return pending;
}

export function needsRedis(c: WaitConditions): boolean {
  // No condition at all means "until Redis answers", as wait_for waits for a port: never an instant ok unchecked.
  return c.replicas_online !== undefined || c.in_sync === true || c.role !== undefined || c.master_known_to_sentinels === undefined;
}
