import { defineModule } from '../core/registry.js';
import { ModuleError } from '../core/errors.js';
import { openRedis, RedisUnreachable, type RedisSession } from './redis/connect.js';
import { replicationInfo, sentinelMaster } from './redis/info.js';
import { pendingConditions, needsRedis, type Observed } from './redis/waitConditions.js';
import { redisTarget, sentinelHostArg, sentinelPortArg, sentinelPasswordArg, masterNameArg, notRunningYet, redisLoginArgs } from './redis/args.js';
import { sleep } from './system/remote.js';
import { isUnknownMaster } from './sentinel_info.js';

const schema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    ...redisLoginArgs,
    replicas_online: { type: 'integer', minimum: 0, description: 'Wait until the master has at least this many replicas in state online.' },
    in_sync: { type: 'boolean', description: 'Master: every replica online and within max_lag bytes of the master\'s offset. Replica: link up, no full sync running.' },
    max_lag: { type: 'integer', minimum: 0, default: 0, description: 'Bytes a replica may be behind for in_sync.' },
    role: { type: 'string', enum: ['master', 'replica'], description: 'Wait until the Redis has this role (a replica: with its link to the master up).' },
    master_known_to_sentinels: { type: 'integer', minimum: 1, description: 'Wait until the Sentinel on this host knows master_name, does not flag it down, and knows this many Sentinels in all (itself included).' },
    sentinel_host: { ...sentinelHostArg, description: 'The address the Sentinel listens on, as seen from the host itself. Default: host (a Sentinel usually binds what its Redis binds).' },
    sentinel_port: sentinelPortArg,
    sentinel_password: sentinelPasswordArg,
    master_name: masterNameArg,
    timeout: { type: 'number', minimum: 0, default: 60, description: 'Give up (the task fails) after this many seconds.' },
    delay: { type: 'number', minimum: 0.05, default: 1, description: 'Seconds between checks.' },
  },
} as const;

type Current = { live: true; waitedMs: number; checks: number; observed: Observed } | { live: false; port: number };

async function observe(redis: RedisSession | undefined, sentinel: RedisSession | undefined, masterName: string): Promise<Observed> {
  const o: Observed = {};
  if (redis) o.replication = replicationInfo(String(await redis.call('INFO', 'replication')));
  if (sentinel) {
    try {
      o.sentinel = sentinelMaster(await sentinel.call('SENTINEL', 'MASTER', masterName));
    } catch (e) {
      if (!isUnknownMaster((e as Error).message)) throw e;
      o.sentinel = null;
    }
  }
  return o;
}

export default defineModule<typeof schema, Current>({
  name: 'redis_wait',
  schema,
  secretArgs: ['password', 'login_password', 'sentinel_password'],
  meta: {
    description: 'Waits until a Redis (and/or the Sentinel) on the host reaches a state: replicas online, offsets in sync, a role, the master known to the Sentinels; with no condition, until Redis answers. Only looks, so it runs under --check.',
    example: '- redis_wait:\n    replicas_online: 2\n    in_sync: true\n    max_lag: 0\n    timeout: 120',
    returns: { elapsed: 'Seconds waited.', checks: 'How many times the state was read.', replication: 'The last replication state read.', sentinel: 'The last SENTINEL MASTER state read.' },
  },
  async read(ctx, args): Promise<Current> {
    const target = redisTarget(args, 'redis_wait');
    const port = target.port;
    // A Sentinel usually binds the same addresses as the Redis beside it.
    const sentinelTarget = { host: args.sentinel_host ?? target.host, port: args.sentinel_port ?? 26379, password: args.sentinel_password, names: { host: 'sentinel_host', password: 'sentinel_password' } };
    const masterName = args.master_name ?? 'mymaster';
    const deadline = Date.now() + (args.timeout ?? 60) * 1000;
    const delayMs = (args.delay ?? 1) * 1000;
    const started = Date.now();
    let redis: RedisSession | undefined;
    let sentinel: RedisSession | undefined;
    let checks = 0;
    let last: string[] = ['not checked yet'];
    try {
      for (;;) {
        try {
          if (!redis && needsRedis(args)) redis = await openRedis(ctx, target);
          if (!sentinel && args.master_known_to_sentinels !== undefined) {
            sentinel = await openRedis(ctx, sentinelTarget, 'Sentinel');
          }
          const observed = await observe(redis, sentinel, masterName);
          checks += 1;
          last = pendingConditions(args, observed);
          if (last.length === 0) return { live: true, waitedMs: Date.now() - started, checks, observed };
        } catch (e) {
          // Nothing to wait for in a check run where an earlier task only planned to start the server.
          if (e instanceof RedisUnreachable && ctx.check && checks === 0) return { live: false, port };
          if (!(e instanceof RedisUnreachable)) throw e;
          last = [e.message];
          await redis?.close();
          await sentinel?.close();
          redis = sentinel = undefined;
        }
        if (Date.now() + delayMs > deadline) {
          throw new ModuleError(`redis_wait: timed out after ${args.timeout ?? 60} s; still waiting for:\n- ${last.join('\n- ')}`);
        }
        ctx.log(`waiting: ${last.join('; ')}`);
        await sleep(delayMs, ctx.signal);
      }
    } finally {
      await redis?.close();
      await sentinel?.close();
    }
  },
  plan(current) {
    if (!current.live) return { changes: [notRunningYet('Redis', current.port)] };
    return {
      changes: [],
      result: {
        elapsed: Math.round(current.waitedMs / 100) / 10,
        checks: current.checks,
        ...(current.observed.replication ? { replication: current.observed.replication } : {}),
        ...(current.observed.sentinel !== undefined ? { sentinel: current.observed.sentinel } : {}),
      },
    };
  },
});
