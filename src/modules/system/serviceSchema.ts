// The arguments service and systemd share; each module spreads them into its own `as const` schema.
export const serviceProperties = {
  name: { type: 'string', minLength: 1, description: 'The service (systemd unit; `.service` may be left out).' },
  state: { type: 'string', enum: ['started', 'stopped', 'restarted', 'reloaded'], description: 'started/stopped only act when needed; restarted/reloaded always act (use them in handlers).' },
  enabled: { type: 'boolean', description: 'Start at boot.' },
  masked: { type: 'boolean', description: 'Mask (true) or unmask (false) the unit so nothing can start it.' },
  daemon_reload: { type: 'boolean', default: false, description: 'Reload systemd\'s unit files first, when they changed on disk (NeedDaemonReload) or the unit is not loaded yet.' },
} as const;

export const serviceReturns = {
  name: 'The service.',
  state: '"started" or "stopped" after the task.',
  enabled: 'Whether it starts at boot after the task.',
  status: '{LoadState, ActiveState, UnitFileState} as read before the task.',
};
