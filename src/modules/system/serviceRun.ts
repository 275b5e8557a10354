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

/**
 * Pure: a warning when a unit that systemd was asked to start stays inactive because a start condition failed
 * (`ConditionCapability=CAP_SYS_TIME` for chrony in a container). systemctl exits 0 then, so the task reports a
 * change on every run; Ansible says nothing, we at least say why.
 */
export function skippedStartWarning(name: string, out: string): string | undefined {
  const kv = new Map(out.split('\n').flatMap((l) => { const i = l.indexOf('='); return i > 0 ? [[l.slice(0, i).trim(), l.slice(i + 1).trim()] as const] : []; }));
  if (kv.get('ConditionResult') !== 'no' || kv.get('ActiveState') !== 'inactive') return undefined;
  const unmet = /(\S+=\S*) was not met/.exec(out)?.[1];
  return `${name} did not start: its unit's start condition ${unmet ? `${unmet} ` : ''}is not met on this host, so systemd skipped it (it stays inactive and this task reports a change on every run)`;
}

export async function applyService(ctx: ModuleContext, plan: Plan, args: ServiceRunArgs, current: ServiceCurrent): Promise<string[]> {
  const warnings: string[] = [];
  for (const change of plan.changes) {
    const action = change.detail as ServiceAction;
    const cmd = current.state.manager === 'sysv' ? sysv(action, args.name) : systemctl(action, args);
    const r = await ctx.run(cmd, { capture: true, signal: ctx.signal });
    if (r.code === 0) {
      if ((action === 'start' || action === 'restart') && current.state.manager === 'systemd' && !args.no_block) {
        const f = scopeFlag(args.scope);
        const s = await ctx.run(sh`systemctl${f} show -p ActiveState -p ConditionResult -- ${args.name}; systemctl${f} status --no-pager -- ${args.name} 2>/dev/null | grep 'was not met' | head -n 1; true`, { capture: true, signal: ctx.signal });
        const w = skippedStartWarning(args.name, text(s.stdout));
        if (w) warnings.push(w);
      }
      continue;
    }
    const starting = action === 'start' || action === 'restart' || action === 'reload';
    const log = starting && current.state.manager === 'systemd' ? await journalTail(ctx, args.name) : '';
    throw failure(`${action} ${args.name}`, cmd, r, log ? `last log lines (journalctl -u ${args.name}):\n${log}` : '');
  }
  return warnings;
}
