import { defineModule, type FromSchema, type ModuleContext, type Plan, type Change } from '../core/registry.js';
import { ModuleError } from '../core/errors.js';
import { withRedis, RedisUnreachable } from './redis/connect.js';
import { pairsToRecord } from './redis/info.js';
import { redisTarget, redisLoginArgs } from './redis/args.js';
import {
  normaliseSetting, settingText, IMMUTABLE_SETTINGS, isSecretSetting, isImmutableError, type SettingValue,
} from './redis/configValues.js';

const schema = {
  type: 'object',
  additionalProperties: false,
  required: ['settings'],
  properties: {
    settings: {
      type: 'object',
      description: 'Setting name → wanted value (`maxmemory: 100mb`, `appendonly: true`, `save: "3600 1 300 100"`).',
      additionalProperties: { anyOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }] },
    },
    ...redisLoginArgs,
    rewrite: { type: 'boolean', default: true, description: 'Persist what was set with one CONFIG REWRITE, so a restart keeps it.' },
  },
} as const;
// Defaults may not have been filled in (API callers, tests): every defaulted argument stays optional.
type Args = FromSchema<typeof schema, { keepDefaultedPropertiesOptional: true }>;

/** Live values by name; undefined when Redis is not running yet in a check run. */
type Current = { live: true; values: Record<string, string> } | { live: false };

interface SettingChange {
  name: string;
  value: string;
}

const shown = (name: string, value: string): string => (isSecretSetting(name) ? '********' : value);

/** Pure: which settings differ by value, split into the ones CONFIG SET can change and the ones needing a restart. */
export function planSettings(settings: Record<string, SettingValue>, live: Record<string, string>): { set: SettingChange[]; restart: string[] } {
  const set: SettingChange[] = [];
  const restart: string[] = [];
  for (const [name, wanted] of Object.entries(settings)) {
    const key = name.toLowerCase();
    const have = live[key];
    if (have !== undefined && normaliseSetting(have) === normaliseSetting(wanted)) continue;
    if (IMMUTABLE_SETTINGS.has(key)) restart.push(key);
    else set.push({ name: key, value: settingText(wanted) });
  }
  return { set, restart };
}

export default defineModule<typeof schema, Current>({
  name: 'redis_config',
  schema,
  secretArgs: ['password', 'login_password'],
  meta: {
    description: 'Enforces settings on a running Redis by value (CONFIG GET/SET, then one CONFIG REWRITE), so it survives failovers and Redis rewriting its own file. Settings that need a restart are reported, not applied.',
    example: '- redis_config:\n    settings:\n      maxmemory: 100mb\n      maxmemory-policy: allkeys-lru\n      min-replicas-to-write: 1\n    password: "{{ redis_password }}"',
    returns: {
      changed_settings: 'Names of the settings set.',
      restart_required: 'Names of settings that differ but only change with a restart (not applied, not a failure).',
      rewrite: '"ok", or why CONFIG REWRITE could not persist the change.',
    },
  },
  async read(ctx, args): Promise<Current> {
    const names = Object.keys(args.settings).map((n) => n.toLowerCase());
    for (const n of names) if (/[*?[\]\s]/.test(n)) throw new ModuleError(`redis_config: "${n}" is not a setting name (no patterns)`);
    try {
      return await withRedis(ctx, redisTarget(args, 'redis_config'), async (r) => {
        const values: Record<string, string> = {};
        for (const n of names) {
          const got = pairsToRecord(await r.call('CONFIG', 'GET', n));
          if (got[n] === undefined) throw new ModuleError(`redis_config: Redis on ${ctx.host} has no setting "${n}"`);
          values[n] = got[n]!;
        }
        return { live: true as const, values };
      });
    } catch (e) {
      if (ctx.check && e instanceof RedisUnreachable) return { live: false };
      throw e;
    }
  },
  plan(current, args) {
    const settings = args.settings as Record<string, SettingValue>;
    const live = current.live ? current.values : {};
    const { set, restart } = planSettings(settings, live);
    const changes: Change[] = set.map((s) => ({
      summary: `set ${s.name} ${shown(s.name, s.value)}`,
      diff: { before: `${s.name} ${live[s.name] === undefined ? '(not running yet)' : shown(s.name, live[s.name]!)}\n`, after: `${s.name} ${shown(s.name, s.value)}\n` },
      detail: s,
    }));
    const warnings = restart.length > 0 ? [`needs a restart to change: ${restart.join(', ')}`] : [];
    return { changes, warnings, result: { restart_required: restart, changed_settings: set.map((s) => s.name) } };
  },
  async apply(ctx: ModuleContext, plan: Plan, args: Args) {
    const planned = (plan.result?.['restart_required'] as string[] | undefined) ?? [];
    const restart = [...planned];
    const changed: string[] = [];
    const warnings: string[] = [];
    let rewrite = 'not needed';
    await withRedis(ctx, redisTarget(args, 'redis_config'), async (r) => {
      for (const change of plan.changes) {
        const s = change.detail as SettingChange;
        try {
          await r.call('CONFIG', 'SET', s.name, s.value);
          changed.push(s.name);
        } catch (e) {
          if (!isImmutableError((e as Error).message)) throw e;
          restart.push(s.name);
        }
      }
      if (changed.length > 0 && args.rewrite !== false) {
        try {
          await r.call('CONFIG', 'REWRITE');
          rewrite = 'ok';
        } catch (e) {
          const why = String((e as { data?: { redisError?: string } }).data?.redisError ?? (e as Error).message);
          // Running without a config file: the value holds until the next restart. Say so, do not fail.
          if (/without a config file/i.test(why)) {
            rewrite = why;
            warnings.push(`CONFIG REWRITE not possible, the change is lost on restart: ${why}`);
          } else {
            // A file Redis cannot write (permissions, a read-only mount): the run must not look done when a restart undoes it.
            throw new ModuleError(
              `redis_config: set ${changed.join(', ')} on ${ctx.host}, but CONFIG REWRITE could not save it (${why}); the change is lost on the next restart. ` +
              'Make the config file and its folder writable by the user Redis runs as, or set rewrite: false to keep the change in memory only',
              { changed_settings: changed },
            );
          }
        }
      }
    });
    // The plan already warned about the ones it knew; only those CONFIG SET refused are news.
    const found = restart.filter((n) => !planned.includes(n));
    if (found.length > 0) warnings.push(`needs a restart to change: ${found.join(', ')}`);
    return { result: { changed_settings: changed, restart_required: restart, rewrite }, warnings };
  },
});
