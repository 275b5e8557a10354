import { defineModule } from '../core/registry.js';

const schema = {
  type: 'object',
  additionalProperties: false,
  required: ['that'],
  properties: {
    that: {
      description: 'One condition or a list; all must hold. Written as in `when` (expressions, not rendered up front).',
      anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' }, minItems: 1 }],
    },
    fail_msg: { type: 'string', description: 'Message when a condition is false (alias msg).' },
    msg: { type: 'string', description: 'Alias of fail_msg.' },
    success_msg: { type: 'string', description: 'Message when all conditions hold. Default "All assertions passed".' },
    quiet: { type: 'boolean', default: false, description: 'Do not show the success message.' },
  },
} as const;

interface Outcome {
  failedAt?: string;
  evaluated: number;
}

export default defineModule<typeof schema, Outcome>({
  name: 'assert',
  schema,
  local: true,
  expressionArgs: ['that'],
  meta: {
    description: 'Checks that conditions hold on the host\'s variables; the host fails with fail_msg at the first that does not.',
    ansible: 'ansible.builtin.assert',
    example: '- assert:\n    that:\n      - (eq redis_status.role "master")\n      - (ge redis_status.connected_slaves 2)\n    fail_msg: master lost a replica',
    returns: { msg: 'The success or failure message.', assertion: 'The first condition that was false.', evaluated_to: 'false when an assertion failed.' },
  },
  async read(ctx, args): Promise<Outcome> {
    const conditions = typeof args.that === 'string' ? [args.that] : [...args.that];
    let evaluated = 0;
    for (const expr of conditions) {
      evaluated += 1;
      if (!ctx.evaluate(expr)) return { failedAt: expr, evaluated };
    }
    return { evaluated };
  },
  plan(outcome, args) {
    if (outcome.failedAt !== undefined) {
      const msg = args.fail_msg ?? args.msg ?? `Assertion failed: ${outcome.failedAt}`;
      return { changes: [], fail: msg, result: { msg, assertion: outcome.failedAt, evaluated_to: false } };
    }
    const msg = args.success_msg ?? 'All assertions passed';
    return { changes: [], result: args.quiet ? {} : { msg } };
  },
});
