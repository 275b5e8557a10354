import type { Change, Plan } from '../../core/registry.js';
import { isEnabledState, type ServiceState } from './serviceState.js';

export interface ServiceArgs {
  name: string;
  state?: 'started' | 'stopped' | 'restarted' | 'reloaded';
  enabled?: boolean;
  masked?: boolean;
  daemon_reload?: boolean;
}

export type ServiceAction = 'daemon-reload' | 'unmask' | 'mask' | 'enable' | 'disable' | 'start' | 'stop' | 'restart' | 'reload';

/** What read() found; `missing` means the unit does not exist and we are in a check run (an earlier task would create it). */
export interface ServiceCurrent {
  state: ServiceState;
  missing: boolean;
}

const act = (action: ServiceAction, summary: string, before: string, after: string): Change => ({
  summary,
  detail: action,
  diff: { before: `${before}\n`, after: `${after}\n` },
});

/** Pure: the steps, in Ansible's order (daemon-reload, mask, enable, state). restarted/reloaded are always a change. */
export function planService(cur: ServiceCurrent, args: ServiceArgs): Plan {
  const s = cur.state;
  const n = args.name;
  const changes: Change[] = [];
  if (args.daemon_reload && (s.needDaemonReload || cur.missing || s.loadState === 'not-found')) {
    changes.push(act('daemon-reload', 'reload systemd unit files', 'unit files changed on disk', 'unit files loaded'));
  }
  if (args.masked === false && s.masked) changes.push(act('unmask', `unmask ${n}`, 'masked', 'unmasked'));
  if (args.masked === true && !s.masked) changes.push(act('mask', `mask ${n}`, 'unmasked', 'masked'));
  const enabled = isEnabledState(s.enabledState);
  // A masked unit reads as "masked", hiding whether it is enabled underneath: once unmasked it may still be, so
  // disabling it then is planned too (a no-op for systemctl when it was not; the unmask is a change anyway).
  const unmasking = args.masked === false && s.masked;
  if (args.enabled === true && !enabled) changes.push(act('enable', `enable ${n}`, `enabled: ${s.enabledState}`, 'enabled: enabled'));
  if (args.enabled === false && (enabled || unmasking) && s.enabledState !== 'static') {
    changes.push(act('disable', `disable ${n}`, `enabled: ${s.enabledState}`, 'enabled: disabled'));
  }
  const activeText = s.active ? 'active' : 'inactive';
  switch (args.state) {
    case 'started':
      if (!s.active) changes.push(act('start', `start ${n}`, activeText, 'active'));
      break;
    case 'stopped':
      if (s.active) changes.push(act('stop', `stop ${n}`, activeText, 'inactive'));
      break;
    case 'restarted':
      changes.push(act('restart', `restart ${n}`, activeText, 'active (restarted)'));
      break;
    case 'reloaded':
      // Reloading a stopped service starts it, as Ansible does.
      changes.push(s.active ? act('reload', `reload ${n}`, activeText, 'active (reloaded)') : act('start', `start ${n}`, activeText, 'active'));
      break;
    default:
      break;
  }
  const finalEnabled = args.enabled ?? enabled;
  const finalActive = args.state === undefined ? s.active : args.state !== 'stopped';
  return {
    changes,
    result: { name: n, state: finalActive ? 'started' : 'stopped', enabled: finalEnabled, status: { LoadState: s.loadState, ActiveState: activeText, UnitFileState: s.enabledState } },
  };
}
