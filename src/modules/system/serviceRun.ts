import { ModuleError, trimOutput } from '../../core/errors.js';
import type { ModuleContext, Plan } from '../../core/registry.js';
import { sh, Raw, type Command } from '../../core/sh.js';
import { failure, text } from './remote.js';
import { readServiceCommand, parseServiceState, scopeFlag, type Scope } from './serviceState.js';
import type { ServiceAction, ServiceArgs, ServiceCurrent } from './servicePlan.js';

export interface ServiceRunArgs extends ServiceArgs {
  scope?: Scope;
  no_block?: boolean;
}

export async function readService(ctx: ModuleContext, args: ServiceRunArgs): Promise<ServiceCurrent> {
  const r = await ctx.run(readServiceCommand(args.name, args.scope), { capture: true, signal: ctx.signal });
  const state = parseServiceState(text(r.stdout));
  // A unit that an earlier task would install (check run), or one daemon_reload is about to discover.
  if (state.loadState === 'not-found' && !args.daemon_reload) {
    if (ctx.check) return { state, missing: true };
    throw new ModuleError(`service ${args.name} not found on ${ctx.host}${state.manager === 'sysv' ? ' (no systemd here; no /etc/init.d script)' : ' (no such systemd unit)'}`, {
      hint: 'install the package or template the unit file in an earlier task (with daemon_reload: true)',
    });
  }
  return { state, missing: state.loadState === 'not-found' && ctx.check };
}

function systemctl(action: ServiceAction, args: ServiceRunArgs): Command {
  const flags = new Raw(`${scopeFlag(args.scope).text}${args.no_block ? ' --no-block' : ''}`);
  if (action === 'daemon-reload') return sh`systemctl${flags} daemon-reload`;
  return sh`systemctl${flags} ${action} -- ${args.name}`;
}

function sysv(action: ServiceAction, name: string): Command {
  switch (action) {
    case 'enable':
      return sh`update-rc.d ${name} defaults && update-rc.d ${name} enable`;
    case 'disable':
      return sh`update-rc.d ${name} disable`;
    case 'start': case 'stop': case 'restart': case 'reload':
      return sh`service ${name} ${action}`;
    default:
      throw new ModuleError(`${action} needs systemd, and this host has none (no /run/systemd/system)`);
  }
}

async function journalTail(ctx: ModuleContext, name: string): Promise<string> {
  const r = await ctx.run(sh`journalctl -u ${name} -n 20 --no-pager 2>&1 || systemctl status --no-pager -- ${name} 2>&1`, { capture: true, signal: ctx.signal });
  return trimOutput(text(r.stdout), 20, 4000);
}

export async function applyService(ctx: ModuleContext, plan: Plan, args: ServiceRunArgs, current: ServiceCurrent): Promise<void> {
  for (const change of plan.changes) {
    const action = change.detail as ServiceAction;
    const cmd = current.state.manager === 'sysv' ? sysv(action, args.name) : systemctl(action, args);
    const r = await ctx.run(cmd, { capture: true, signal: ctx.signal });
    if (r.code === 0) continue;
    const starting = action === 'start' || action === 'restart' || action === 'reload';
    const log = starting && current.state.manager === 'systemd' ? await journalTail(ctx, args.name) : '';
    throw failure(`${action} ${args.name}`, cmd, r, log ? `last log lines (journalctl -u ${args.name}):\n${log}` : '');
  }
}
