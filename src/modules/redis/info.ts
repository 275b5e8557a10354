/** Redis INFO text → data. Pure, so it is tested against real INFO output. */

export type InfoSections = Record<string, Record<string, string>>;

/** `# Replication` headers start sections; `key:value` lines fill them (section names lower-cased). */
export function parseInfo(text: string): InfoSections {
  const sections: InfoSections = {};
  let current: Record<string, string> = {};
  sections['default'] = current;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '') continue;
    if (line.startsWith('#')) {
      current = {};
      sections[line.slice(1).trim().toLowerCase()] = current;
      continue;
    }
    const i = line.indexOf(':');
    if (i > 0) current[line.slice(0, i)] = line.slice(i + 1);
  }
  if (Object.keys(sections['default']!).length === 0) delete sections['default'];
  return sections;
}

/** All keys of all sections in one map (INFO key names are unique across sections). */
export function flattenInfo(sections: InfoSections): Record<string, string> {
  return Object.assign({}, ...Object.values(sections)) as Record<string, string>;
}

export interface ReplicaEntry {
  ip: string;
  port: number;
  state: string;
  offset: number;
  lag: number;
}

export interface ReplicationInfo {
  role: 'master' | 'replica';
  connected_slaves: number;
  replicas: ReplicaEntry[];
  master_host?: string;
  master_port?: number;
  master_link_status?: string;
  master_sync_in_progress?: boolean;
  master_repl_offset: number;
  /** On a replica: how much of the master's stream it has processed. */
  slave_repl_offset?: number;
  redis_version?: string;
}

/** `ip=10.0.0.2,port=6379,state=online,offset=1234,lag=0` */
export function parseReplicaLine(value: string): ReplicaEntry {
  const fields: Record<string, string> = {};
  for (const part of value.split(',')) {
    const i = part.indexOf('=');
    if (i > 0) fields[part.slice(0, i)] = part.slice(i + 1);
  }
  return {
    ip: fields['ip'] ?? '',
    port: Number(fields['port'] ?? 0),
    state: fields['state'] ?? 'unknown',
    offset: Number(fields['offset'] ?? 0),
    lag: Number(fields['lag'] ?? 0),
  };
}

export function replicationInfo(text: string): ReplicationInfo {
  const all = flattenInfo(parseInfo(text));
  // Redis says "slave" on the wire for replicas, in every version up to 7.
  const role = all['role'] === 'master' ? 'master' : 'replica';
  const replicas = Object.keys(all)
    .filter((k) => /^slave\d+$/.test(k))
    .sort((a, b) => Number(a.slice(5)) - Number(b.slice(5)))
    .map((k) => parseReplicaLine(all[k]!));
  const info: ReplicationInfo = {
    role,
    connected_slaves: Number(all['connected_slaves'] ?? 0),
    replicas,
    master_repl_offset: Number(all['master_repl_offset'] ?? 0),
  };
  if (role === 'replica') {
    if (all['master_host'] !== undefined) info.master_host = all['master_host'];
    if (all['master_port'] !== undefined) info.master_port = Number(all['master_port']);
    if (all['master_link_status'] !== undefined) info.master_link_status = all['master_link_status'];
    if (all['master_sync_in_progress'] !== undefined) info.master_sync_in_progress = all['master_sync_in_progress'] === '1';
    if (all['slave_repl_offset'] !== undefined) info.slave_repl_offset = Number(all['slave_repl_offset']);
  }
  if (all['redis_version'] !== undefined) info.redis_version = all['redis_version'];
  return info;
}

/** SENTINEL MASTER / CONFIG GET replies are flat [k1, v1, k2, v2, ...] arrays. */
export function pairsToRecord(reply: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!Array.isArray(reply)) return out;
  for (let i = 0; i + 1 < reply.length; i += 2) out[String(reply[i])] = String(reply[i + 1]);
  return out;
}

export interface SentinelMaster {
  name: string;
  ip: string;
  port: number;
  quorum: number;
  flags: string[];
  num_slaves: number;
  num_other_sentinels: number;
  down_after_milliseconds: number;
  failover_timeout: number;
  parallel_syncs: number;
  config_epoch: number;
}

export function sentinelMaster(reply: unknown): SentinelMaster {
  const r = pairsToRecord(reply);
  return {
    name: r['name'] ?? '',
    ip: r['ip'] ?? '',
    port: Number(r['port'] ?? 0),
    quorum: Number(r['quorum'] ?? 0),
    flags: (r['flags'] ?? '').split(',').filter((f) => f !== ''),
    num_slaves: Number(r['num-slaves'] ?? 0),
    num_other_sentinels: Number(r['num-other-sentinels'] ?? 0),
    down_after_milliseconds: Number(r['down-after-milliseconds'] ?? 0),
    failover_timeout: Number(r['failover-timeout'] ?? 0),
    parallel_syncs: Number(r['parallel-syncs'] ?? 0),
    config_epoch: Number(r['config-epoch'] ?? 0),
  };
}
