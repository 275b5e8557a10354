import { defineModule, type FromSchema, type ModuleContext, type Plan } from '../core/registry.js';
import { serviceProperties, serviceReturns } from './system/serviceSchema.js';
import { planService, type ServiceCurrent } from './system/servicePlan.js';
import { readService, applyService } from './system/serviceRun.js';
import { sh } from '../core/sh.js';
import { text } from './system/remote.js';

/** daemon_reload without a unit: the loaded units whose files changed on disk (undefined: could not tell). */
interface ReloadOnly {
  kind: 'reload-only';
  stale: string[] | undefined;
}

/** `systemctl show -p Id,NeedDaemonReload '*'` → the units that need a daemon-reload. Pure, table-tested. */
export function parseStaleUnits(out: string): string[] {
  const stale: string[] = [];
  let id = '';
  for (const line of out.split('\n')) {
    // Unit files written since the last load (new units too, which no loaded unit reports) are listed as paths.
    if (line.startsWith('/')) stale.push(line.trim());
    else if (line.startsWith('Id=')) id = line.slice(3).trim();
    else if (line.trim() === 'NeedDaemonReload=yes' && id !== '') stale.push(id);
  }
  return stale;
}

export function planReloadOnly(current: ReloadOnly, daemonReload: boolean | undefined): Plan {
  // As in Ansible, a reload nothing needs is no change, so the task is ok on every later run (molecule's idempotence).
  if (!daemonReload || (current.stale !== undefined && current.stale.length === 0)) return { changes: [], result: { name: null } };
  const why = current.stale === undefined ? '' : ` (changed on disk: ${current.stale.slice(0, 5).join(', ')}${current.stale.length > 5 ? ', …' : ''})`;
  return { changes: [{ summary: `reload systemd unit files${why}`, detail: 'daemon-reload' }], result: { name: null } };
}

const schema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    ...serviceProperties,
    name: { ...serviceProperties.name, description: 'The unit (`redis`, `redis-sentinel.service`). Optional with daemon_reload alone.' },
    scope: { type: 'string', enum: ['system', 'user', 'global'], default: 'system', description: 'Which systemd instance: the system\'s, the become user\'s (--user), or --global.' },
    no_block: { type: 'boolean', default: false, description: 'Do not wait for the start/stop to finish (--no-block).' },
  },
} as const;

export default defineModule<typeof schema, ServiceCurrent | ReloadOnly>({
  name: 'systemd',
  aliases: ['systemd_service', 'ansible.builtin.systemd_service'],
  schema,
  meta: {
    description: 'Manages systemd units: state, enabled, masked, daemon-reload (only when unit files changed; alone, without name, only when a loaded unit\'s file changed). A failed start shows the last journal lines.',
    ansible: 'ansible.builtin.systemd',
    example: '- systemd:\n    name: redis-sentinel\n    state: started\n    enabled: true\n    daemon_reload: true',
    returns: serviceReturns,
  },
  async read(ctx, args): Promise<ServiceCurrent | ReloadOnly> {
    if (args.name !== undefined) return readService(ctx, { ...args, name: args.name });
    if (!args.daemon_reload) return { kind: 'reload-only', stale: [] };
    // Only the system manager is asked; for --user/--global scopes, or without systemctl, the reload always runs.
    if ((args.scope ?? 'system') !== 'system') return { kind: 'reload-only', stale: undefined };
    const r = await ctx.run(sh`systemctl show --property=Id,NeedDaemonReload '*' && { t=$(systemctl show --property=UnitsLoadTimestamp --timestamp=us+utc --value 2>/dev/null); if [ -n "$t" ]; then find /etc/systemd/system /run/systemd/system /lib/systemd/system /usr/lib/systemd/system -maxdepth 2 -newermt "$t" '(' -type f -o -type l ')' 2>/dev/null | grep -v -e '\.wants/' -e '\.requires/'; fi; true; }`, { capture: true, signal: ctx.signal });
    return { kind: 'reload-only', stale: r.code === 0 ? parseStaleUnits(text(r.stdout)) : undefined };
  },
  plan(current, args) {
    if ('kind' in current) return planReloadOnly(current, args.daemon_reload);
    return planService(current, { ...args, name: args.name! });
  },
  async apply(ctx: ModuleContext, plan: Plan, args: FromSchema<typeof schema>, current: ServiceCurrent | ReloadOnly) {
    if ('kind' in current) {
      const state = { manager: 'systemd' as const, loadState: 'loaded', active: false, enabledState: '', masked: false, needDaemonReload: true };
      await applyService(ctx, plan, { ...args, name: '' }, { state, missing: false });
      return {};
    }
    const warnings = await applyService(ctx, plan, { ...args, name: args.name! }, current);
    return { result: plan.result ?? {}, ...(warnings.length ? { warnings } : {}) };
  },
});
