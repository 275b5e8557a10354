import { defineModule, type FromSchema, type ModuleContext, type Plan } from '../core/registry.js';
import { serviceProperties, serviceReturns } from './system/serviceSchema.js';
import { planService, type ServiceCurrent } from './system/servicePlan.js';
import { readService, applyService } from './system/serviceRun.js';

const schema = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: serviceProperties,
} as const;

export default defineModule<typeof schema, ServiceCurrent>({
  name: 'service',
  schema,
  meta: {
    description: 'Starts, stops, restarts, reloads and enables services: systemd where it runs, else the init scripts. A failed start shows the last journal lines.',
    ansible: 'ansible.builtin.service',
    example: '- service:\n    name: redis\n    state: started\n    enabled: true',
    returns: serviceReturns,
  },
  read: (ctx, args) => readService(ctx, args),
  plan: (current, args) => planService(current, args),
  async apply(ctx: ModuleContext, plan: Plan, args: FromSchema<typeof schema>, current: ServiceCurrent) {
    const warnings = await applyService(ctx, plan, args, current);
    return { result: plan.result ?? {}, ...(warnings.length ? { warnings } : {}) };
  },
});
