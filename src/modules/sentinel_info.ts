import { defineModule } from '../core/registry.js';
import { withRedis, RedisUnreachable } from './redis/connect.js';
import { sentinelMaster, type SentinelMaster } from './redis/info.js';
import { sentinelPortArg, sentinelPasswordArg, sentinelHostArg, masterNameArg, notRunningYet } from './redis/args.js';

const schema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    host: sentinelHostArg,
    port: sentinelPortArg,
    master_name: masterNameArg,
    password: sentinelPasswordArg,
    sentinel_password: { ...sentinelPasswordArg, description: 'Alias of password.' },
  },
} as const;

type Current =
  | { live: true; known: false; name: string }
  | { live: true; known: true; master: SentinelMaster; ckquorum: { ok: boolean; msg: string } }
  | { live: false; port: number };

/** True when Sentinel answered "no such master" (the group is not monitored here). */
export function isUnknownMaster(message: string): boolean {
  return /No such master with that name/i.test(message);
}

export default defineModule<typeof schema, Current>({
  name: 'sentinel_info',
  schema,
  secretArgs: ['password', 'sentinel_password'],
  meta: {
    description: 'Asks a Sentinel on the host which master it knows for a group, with quorum and what it has discovered. Only looks.',
    example: '- sentinel_info:\n    master_name: mymaster\n  register: sentinel\n- debug:\n    msg: "current master {{ sentinel.master.ip }}"',
    returns: {
      known: 'false when this Sentinel does not monitor master_name.',
      master: '{ip, port} of the current master as this Sentinel sees it.',
      quorum: 'The quorum.',
      num_slaves: 'Replicas this Sentinel knows.',
      num_other_sentinels: 'Other Sentinels it knows.',
      flags: 'The master\'s flags (master, s_down, o_down, ...).',
      ckquorum: '{ok, msg}: SENTINEL CKQUORUM (can the Sentinels reach a majority and fail over).',
    },
  },
  async read(ctx, args): Promise<Current> {
    const port = args.port ?? 26379;
    const name = args.master_name ?? 'mymaster';
    try {
      return await withRedis(ctx, { host: args.host ?? '127.0.0.1', port, password: args.password ?? args.sentinel_password, names: { host: 'host', password: 'password (or sentinel_password)' } }, async (r): Promise<Current> => {
        let reply: unknown;
        try {
          reply = await r.call('SENTINEL', 'MASTER', name);
        } catch (e) {
          if (isUnknownMaster((e as Error).message)) return { live: true, known: false, name };
          throw e;
        }
        let ckquorum: { ok: boolean; msg: string };
        try {
          ckquorum = { ok: true, msg: String(await r.call('SENTINEL', 'CKQUORUM', name)) };
        } catch (e) {
          ckquorum = { ok: false, msg: String((e as { data?: { redisError?: string } }).data?.redisError ?? (e as Error).message) };
        }
        return { live: true, known: true, master: sentinelMaster(reply), ckquorum };
      }, 'Sentinel');
    } catch (e) {
      if (ctx.check && e instanceof RedisUnreachable) return { live: false, port };
      throw e;
    }
  },
  plan(current) {
    if (!current.live) return { changes: [notRunningYet('Sentinel', current.port)] };
    if (!current.known) return { changes: [], result: { known: false, master: null, master_name: current.name } };
    const m = current.master;
    return {
      changes: [],
      result: {
        known: true,
        master_name: m.name,
        master: { ip: m.ip, port: m.port },
        quorum: m.quorum,
        num_slaves: m.num_slaves,
        num_other_sentinels: m.num_other_sentinels,
        flags: m.flags,
        config_epoch: m.config_epoch,
        down_after_milliseconds: m.down_after_milliseconds,
        failover_timeout: m.failover_timeout,
        parallel_syncs: m.parallel_syncs,
        ckquorum: current.ckquorum,
      },
    };
  },
});
