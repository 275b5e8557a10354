import { defineModule, type FromSchema, type ModuleContext, type Plan, type Change } from '../core/registry.js';
import { sh, Secret } from '../core/sh.js';
import { withRedis, RedisUnreachable, reveal, type RedisSession } from './redis/connect.js';
import { ModuleError } from '../core/errors.js';
import { sentinelMaster, parseInfo, flattenInfo, type SentinelMaster } from './redis/info.js';
import { type RedisTarget, sentinelPortArg, sentinelPasswordArg, sentinelHostArg, masterNameArg } from './redis/args.js';
import { isUnknownMaster } from './sentinel_info.js';

const schema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    master_name: masterNameArg,
    host: { type: 'string', description: 'The master\'s address, used only to start monitoring a group this Sentinel does not know yet.' },
    port: { type: 'integer', minimum: 1, maximum: 65535, default: 6379, description: 'The master\'s Redis port (with host).' },
    quorum: { type: 'integer', minimum: 1, description: 'Sentinels that must agree the master is down.' },
    down_after_milliseconds: { type: 'integer', minimum: 1, description: 'down-after-milliseconds.' },
    failover_timeout: { type: 'integer', minimum: 1, description: 'failover-timeout in milliseconds.' },
    parallel_syncs: { type: 'integer', minimum: 1, description: 'Replicas reconfigured at once after a failover.' },
    auth_pass: { type: 'string', description: 'The password of the monitored Redis (auth-pass); masked in all output.' },
    sentinel_host: sentinelHostArg,
    sentinel_port: sentinelPortArg,
    password: sentinelPasswordArg,
    sentinel_password: { ...sentinelPasswordArg, description: 'Alias of password.' },
  },
} as const;
// Defaults may not have been filled in (API callers, tests): every defaulted argument stays optional.
type Args = FromSchema<typeof schema, { keepDefaultedPropertiesOptional: true }>;

type Current =
  | { live: false }
  | { live: true; known: false }
  /** authPassSame: undefined when it could not be checked (no auth_pass asked, or the config file unreadable). */
  | { live: true; known: true; master: SentinelMaster; authPassSame: boolean | undefined };

type SentinelStep = { kind: 'monitor'; host: string; port: number; quorum: number } | { kind: 'set'; option: string; value: string };

const TUNABLES = [
  ['quorum', 'quorum'],
  ['down_after_milliseconds', 'down-after-milliseconds'],
  ['failover_timeout', 'failover-timeout'],
  ['parallel_syncs', 'parallel-syncs'],
] as const;

/** Pure: the SENTINEL MONITOR/SET steps. An existing group is never re-pointed: after a failover its master differs from the inventory, rightly. */
export function planSentinel(current: Exclude<Current, { live: false }>, args: Args): { changes: Change[]; fail?: string; result: Record<string, unknown> } {
  const name = args.master_name ?? 'mymaster';
  const changes: Change[] = [];
  const step = (summary: string, detail: SentinelStep, before: string, after: string): void => {
    changes.push({ summary, detail, diff: { before: `${before}\n`, after: `${after}\n` } });
  };
  if (!current.known) {
    if (args.host === undefined || args.quorum === undefined) {
      return { changes: [], fail: `sentinel_config: this Sentinel does not monitor "${name}" yet; host and quorum are needed to start monitoring it`, result: {} };
    }
    const port = args.port ?? 6379;
    step(`monitor ${name} at ${args.host}:${port} quorum ${args.quorum}`, { kind: 'monitor', host: args.host, port, quorum: args.quorum }, `${name}: not monitored`, `${name}: ${args.host}:${port} quorum ${args.quorum}`);
    for (const [arg, option] of TUNABLES) {
      const v = args[arg];
      if (v !== undefined && arg !== 'quorum') step(`set ${option} ${v}`, { kind: 'set', option, value: String(v) }, `${option} (default)`, `${option} ${v}`);
    }
    if (args.auth_pass !== undefined) step('set auth-pass', { kind: 'set', option: 'auth-pass', value: args.auth_pass }, 'auth-pass (none)', 'auth-pass ********');
    return { changes, result: { master: { ip: args.host, port }, monitored: false } };
  }
  const m = current.master;
  const have: Record<string, number> = {
    quorum: m.quorum, 'down-after-milliseconds': m.down_after_milliseconds, 'failover-timeout': m.failover_timeout, 'parallel-syncs': m.parallel_syncs,
  };
  for (const [arg, option] of TUNABLES) {
    const v = args[arg];
    if (v !== undefined && have[option] !== v) step(`set ${option} ${v}`, { kind: 'set', option, value: String(v) }, `${option} ${have[option]}`, `${option} ${v}`);
  }
  if (args.auth_pass !== undefined && current.authPassSame !== true) {
    step('set auth-pass', { kind: 'set', option: 'auth-pass', value: args.auth_pass }, 'auth-pass ********', 'auth-pass ******** (new)');
  }
  const moved = args.host !== undefined && (m.ip !== args.host || m.port !== (args.port ?? 6379));
  return {
    changes,
    result: {
      master: { ip: m.ip, port: m.port },
      monitored: true,
      ...(moved ? { note: `the current master ${m.ip}:${m.port} differs from host ${args.host}:${args.port ?? 6379} (a failover happened); left as Sentinel knows it` } : {}),
    },
  };
}

const sentinelTarget = (args: Args): RedisTarget => ({ host: args.sentinel_host ?? '127.0.0.1', port: args.sentinel_port ?? 26379, password: args.password ?? args.sentinel_password, names: { host: 'sentinel_host', password: 'password (or sentinel_password)' } });

/** Sentinel writes `sentinel auth-pass NAME PASS` into its file; compare there without the password on a command line. */
async function authPassMatches(ctx: ModuleContext, configFile: string, name: string, pass: string): Promise<boolean | undefined> {
  if (configFile === '') return undefined;
  const quoted = `"${pass.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  const patterns = `sentinel auth-pass ${name} ${pass}\nsentinel auth-pass ${name} ${quoted}\n`;
  const r = await ctx.run(sh`grep -qxF -f - -- ${configFile}`, { stdin: Buffer.from(patterns), capture: true, signal: ctx.signal });
  return r.code === 0 ? true : r.code === 1 ? false : undefined;
}

export default defineModule<typeof schema, Current>({
  name: 'sentinel_config',
  schema,
  secretArgs: ['auth_pass', 'password', 'sentinel_password'],
  meta: {
    description: 'Ensures a running Sentinel monitors a master group with the given quorum and timings (SENTINEL MONITOR/SET). Never restarts Sentinel, never re-points a group after a failover, never touches what Sentinel discovered.',
    example: '- sentinel_config:\n    master_name: mymaster\n    host: "{{ redis_master_ip }}"\n    port: 6379\n    quorum: 2\n    down_after_milliseconds: 5000\n    failover_timeout: 60000\n    parallel_syncs: 1\n    auth_pass: "{{ redis_password }}"',
    returns: { master: '{ip, port} the group points at now.', monitored: 'Whether the group was already monitored.', note: 'Set when the current master differs from host.' },
  },
  async read(ctx, args): Promise<Current> {
    const name = args.master_name ?? 'mymaster';
    try {
      return await withRedis(ctx, sentinelTarget(args), async (r): Promise<Current> => {
        let reply: unknown;
        try {
          reply = await r.call('SENTINEL', 'MASTER', name);
        } catch (e) {
          if (isUnknownMaster((e as Error).message)) return { live: true, known: false };
          throw e;
        }
        let authPassSame: boolean | undefined;
        if (args.auth_pass !== undefined) {
          const configFile = flattenInfo(parseInfo(String(await r.call('INFO', 'server'))))['config_file'] ?? '';
          authPassSame = await authPassMatches(ctx, configFile, name, reveal(args.auth_pass) ?? '');
        }
        return { live: true, known: true, master: sentinelMaster(reply), authPassSame };
      }, 'Sentinel');
    } catch (e) {
      if (ctx.check && e instanceof RedisUnreachable) return { live: false };
      throw e;
    }
  },
  plan(current, args) {
    if (!current.live) {
      return { changes: [{ summary: `Sentinel on port ${args.sentinel_port ?? 26379} is not running: assumed to be started by an earlier task; it would be configured once it runs` }] };
    }
    return planSentinel(current, args);
  },
  async apply(ctx: ModuleContext, plan: Plan, args: Args) {
    const name = args.master_name ?? 'mymaster';
    await withRedis(ctx, sentinelTarget(args), async (r) => {
      try {
        await monitorAndSet(r, plan, name);
      } catch (e) {
        // Sentinel applies the change in memory, then fails to persist it: say what to fix, not just "check the logs".
        if (/Failed to save config file/i.test((e as Error).message)) {
          throw new ModuleError(`${(e as Error).message}: Sentinel must be able to rewrite its own config file; make the file and its folder writable by the user Sentinel runs as (the change holds only until Sentinel restarts)`);
        }
        throw e;
      }
    }, 'Sentinel');
    return { result: plan.result ?? {} };
  },
});

/** The SENTINEL MONITOR, then every option in one SENTINEL SET. */
async function monitorAndSet(r: RedisSession, plan: Plan, name: string): Promise<void> {
  // auth-pass arrives as a Secret (secretArgs): kept as one so the session sends its value and errors mask it.
  const sets: (string | Secret)[] = [];
  for (const change of plan.changes) {
    const s = change.detail as SentinelStep;
    if (s.kind === 'monitor') await r.call('SENTINEL', 'MONITOR', name, s.host, s.port, s.quorum);
    else sets.push(s.option, s.value as string | Secret);
  }
  if (sets.length > 0) await r.call('SENTINEL', 'SET', name, ...sets);
}
