import { defineModule } from '../core/registry.js';

const schema = {
  type: 'object',
  additionalProperties: true,
  properties: {
    cacheable: { type: 'boolean', default: false, description: 'Also store the facts in the fact cache (kept across plays).' },
  },
} as const;

interface Facts {
  facts: Record<string, unknown>;
  cacheable: boolean;
}

export default defineModule<typeof schema, Facts>({
  name: 'set_fact',
  schema,
  local: true,
  meta: {
    description: 'Sets host variables (facts) for the rest of the run. Any key is a fact; values are rendered first.',
    ansible: 'ansible.builtin.set_fact',
    example: '- set_fact:\n    redis_master_host: "{{ sentinel.master.ip }}"',
    returns: { ansible_facts: 'The facts set.' },
  },
  async read(_ctx, args): Promise<Facts> {
    const { cacheable, ...facts } = args;
    return { facts: facts as Record<string, unknown>, cacheable: cacheable === true };
  },
  plan({ facts, cacheable }) {
    return {
      changes: [],
      result: { ansible_facts: facts },
      effects: [{ kind: 'setFacts', facts, ...(cacheable ? { cacheable: true } : {}) }],
    };
  },
});
