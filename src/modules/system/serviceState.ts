import { sh, Raw, type Command } from '../../core/sh.js';

/** What the host says about a service, from one round trip. */
export interface ServiceState {
  manager: 'systemd' | 'sysv';
  /** systemd: LoadState (loaded, not-found, masked, ...); sysv: 'loaded' when an init script exists. */
  loadState: string;
  active: boolean;
  /** is-enabled output (enabled, disabled, static, masked, ...); sysv: 'enabled' when an rc?.d S link exists. */
  enabledState: string;
  masked: boolean;
  needDaemonReload: boolean;
}

export type Scope = 'system' | 'user' | 'global';

export function scopeFlag(scope: Scope | undefined): Raw {
  return new Raw(scope === 'user' ? ' --user' : scope === 'global' ? ' --global' : '');
}

export function readServiceCommand(name: string, scope?: Scope): Command {
  const f = scopeFlag(scope);
  return sh`if [ -d /run/systemd/system ]; then echo manager=systemd; systemctl${f} show -p LoadState -p ActiveState -p UnitFileState -p NeedDaemonReload -- ${name} 2>/dev/null; echo "IsEnabled=$(systemctl${f} is-enabled -- ${name} 2>/dev/null)"; else echo manager=sysv; if [ -x /etc/init.d/${name} ]; then echo LoadState=loaded; else echo LoadState=not-found; fi; if service ${name} status >/dev/null 2>&1; then echo ActiveState=active; else echo ActiveState=inactive; fi; if ls /etc/rc[2345].d/S??${name} >/dev/null 2>&1; then echo IsEnabled=enabled; else echo IsEnabled=disabled; fi; fi`;
}

const RUNNING = new Set(['active', 'activating', 'reloading']);
// What `systemctl is-enabled` exits 0 for, which is what Ansible treats as enabled.
const ENABLED = new Set(['enabled', 'enabled-runtime', 'static', 'alias', 'indirect', 'generated', 'linked', 'linked-runtime']);

export function isEnabledState(state: string): boolean {
  return ENABLED.has(state);
}

export function parseServiceState(out: string): ServiceState {
  const kv: Record<string, string> = {};
  for (const line of out.split('\n')) {
    const i = line.indexOf('=');
    if (i > 0) kv[line.slice(0, i).trim()] = line.slice(i + 1).trim();
  }
  const loadState = kv['LoadState'] || 'not-found';
  const enabledState = kv['IsEnabled'] || kv['UnitFileState'] || (loadState === 'not-found' ? 'not-found' : 'disabled');
  return {
    manager: kv['manager'] === 'sysv' ? 'sysv' : 'systemd',
    loadState,
    active: RUNNING.has(kv['ActiveState'] ?? ''),
    enabledState,
    masked: loadState === 'masked' || enabledState === 'masked' || enabledState === 'masked-runtime',
    needDaemonReload: kv['NeedDaemonReload'] === 'yes',
  };
}
