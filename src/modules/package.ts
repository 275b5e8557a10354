import { defineModule, type FromSchema, type ModuleContext, type Plan } from '../core/registry.js';
import apt from './apt.js';

/** apt's own arguments: a portable `package` task cannot carry them; they get a pointer to apt, not "unknown argument". */
const APT_ONLY = ['update_cache', 'cache_valid_time', 'install_recommends', 'purge', 'autoremove', 'deb', 'upgrade', 'allow_downgrade', 'default_release', 'force_apt_get', 'lock_timeout', 'pkg'] as const;

const aptOnly = { description: 'apt-specific: refused with a pointer to the apt module.' } as const;

const schema = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: {
    name: { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }], description: 'Package(s): a name, a list, or a comma-separated string.' },
    state: { type: 'string', enum: ['present', 'installed', 'latest', 'absent', 'removed'], default: 'present', description: 'present/installed, latest, absent/removed.' },
    use: { type: 'string', enum: ['auto', 'apt'], default: 'auto', description: 'The package manager; only apt (Debian hosts) is supported.' },
    update_cache: aptOnly, cache_valid_time: aptOnly, install_recommends: aptOnly, purge: aptOnly, autoremove: aptOnly, deb: aptOnly,
    upgrade: aptOnly, allow_downgrade: aptOnly, default_release: aptOnly, force_apt_get: aptOnly, lock_timeout: aptOnly, pkg: aptOnly,
  },
} as const;
type Args = FromSchema<typeof schema, { keepDefaultedPropertiesOptional: true }>;

/** Pure: the apt arguments a package task means, or why it cannot be one. */
export function packageToApt(args: Args): { apt: Record<string, unknown> } | { fail: string } {
  const extra = APT_ONLY.filter((k) => (args as Record<string, unknown>)[k] !== undefined);
  if (extra.length > 0) {
    return { fail: `package: ${extra.join(', ')} ${extra.length > 1 ? 'are' : 'is'} apt-specific; use the apt module (ansible.builtin.apt) for ${extra.length > 1 ? 'them' : 'it'}` };
  }
  const state = args.state === 'installed' ? 'present' : args.state === 'removed' ? 'absent' : args.state ?? 'present';
  return { apt: { name: args.name, state } };
}

type Current = { apt: unknown } | { fail: string };

export default defineModule<typeof schema, Current>({
  name: 'package',
  schema,
  meta: {
    description: 'The generic package task of ported roles: on Debian hosts it is apt with name and state (installed/removed mean present/absent). apt-specific arguments (update_cache, …) are refused with a pointer to the apt module.',
    ansible: 'ansible.builtin.package',
    example: '- package:\n    name: [curl, ca-certificates]\n    state: present',
    returns: { packages: 'Packages installed, upgraded or removed (as apt).' },
  },
  async read(ctx, args) {
    const mapped = packageToApt(args);
    // A refused task reads nothing from the host.
    if ('fail' in mapped) return mapped;
    return { apt: await apt.read(ctx, mapped.apt) };
  },
  plan(current, args): Plan {
    const mapped = packageToApt(args);
    if ('fail' in mapped) return { changes: [], fail: mapped.fail };
    return apt.plan((current as { apt: unknown }).apt, mapped.apt);
  },
  async apply(ctx: ModuleContext, plan: Plan, args: Args, current: Current) {
    const mapped = packageToApt(args);
    if ('fail' in mapped || !('apt' in current)) return;
    return apt.apply!(ctx, plan, mapped.apt, current.apt);
  },
});
