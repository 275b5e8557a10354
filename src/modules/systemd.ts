import { defineModule, type FromSchema, type ModuleContext, type Plan } from '../core/registry.js';
import { serviceProperties, serviceReturns } from './system/serviceSchema.js';
import { planService, type ServiceCurrent } from './system/servicePlan.js';
import { readService, applyService } from './system/serviceRun.js';

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

export default defineModule<typeof schema, ServiceCurrent | 'reload-only'>({
  name: 'systemd',
  aliases: ['systemd_service', 'ansible.builtin.systemd_service'],
  schema,
  meta: {
    description: 'Manages systemd units: state, enabled, masked, daemon-reload (only when unit files changed). A failed start shows the last journal lines.',
    ansible: 'ansible.builtin.systemd',
    example: '- systemd:\n    name: redis-sentinel\n    state: started\n    enabled: true\n    daemon_reload: true',
    returns: serviceReturns,
  },
  read: async (ctx, args): Promise<ServiceCurrent | 'reload-only'> => (args.name === undefined ? 'reload-only' : readService(ctx, { ...args, name: args.name })),
  plan(current, args) {
    if (current === 'reload-only') {
      // Without a unit there is nothing to compare (typical in a handler): reload when asked, as a change.
      return args.daemon_reload
        ? { changes: [{ summary: 'reload systemd unit files', detail: 'daemon-reload' }], result: { name: null } }
        : { changes: [], result: { name: null } };
    }
    return planService(current, { ...args, name: args.name! });
  },
  async apply(ctx: ModuleContext, plan: Plan, args: FromSchema<typeof schema>, current: ServiceCurrent | 'reload-only') {
    if (current === 'reload-only') {
      const state = { manager: 'systemd' as const, loadState: 'loaded', active: false, enabledState: '', masked: false, needDaemonReload: true };
      await applyService(ctx, plan, { ...args, name: '' }, { state, missing: false });
      return {};
    }
    await applyService(ctx, plan, { ...args, name: args.name! }, current);
    return { result: plan.result ?? {} };
  },
});
