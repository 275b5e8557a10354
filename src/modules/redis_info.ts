import { defineModule } from '../core/registry.js';
import { withRedis, RedisUnreachable } from './redis/connect.js';
import { replicationInfo, parseInfo, flattenInfo, type ReplicationInfo } from './redis/info.js';
import { redisTarget, notRunningYet, redisLoginArgs } from './redis/args.js';

const schema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    ...redisLoginArgs,
  },
} as const;

type Current = { live: true; info: ReplicationInfo; raw: Record<string, string> } | { live: false; port: number };

export default defineModule<typeof schema, Current>({
  name: 'redis_info',
  schema,
  secretArgs: ['password', 'login_password'],
  meta: {
    description: 'Reads the replication state of a Redis on the host: its role, replicas and their lag, its master. Only looks.',
    example: '- redis_info:\n    host: "{{ ansible_host }}"   # when Redis binds only that address\n    port: 6379\n    password: "{{ redis_password }}"\n  register: redis_status',
    returns: {
      role: '"master" or "replica".',
      connected_slaves: 'Number of connected replicas (on a master).',
      replicas: 'List of {ip, port, state, offset, lag} (on a master).',
      master_host: 'The master this replica follows.',
      master_port: 'Its port.',
      master_link_status: '"up" or "down" (on a replica).',
      master_repl_offset: 'The replication offset.',
      redis_version: 'The server version.',
      info: 'Every INFO field, flat (server, clients, memory, persistence, stats, replication, cpu, keyspace).',
    },
  },
  async read(ctx, args): Promise<Current> {
    const target = redisTarget(args, 'redis_info');
    const port = target.port;
    try {
      const text = await withRedis(ctx, target, async (r) => String(await r.call('INFO')));
      return { live: true, info: replicationInfo(text), raw: flattenInfo(parseInfo(text)) };
    } catch (e) {
      if (ctx.check && e instanceof RedisUnreachable) return { live: false, port };
      throw e;
    }
  },
  plan(current) {
    if (!current.live) return { changes: [notRunningYet('Redis', current.port)] };
    return { changes: [], result: { ...current.info, info: current.raw } };
  },
});
