import { defineModule } from '../core/registry.js';

const schema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    msg: { type: 'string', description: 'Why the host fails. Default "Failed as requested from task".' },
  },
} as const;

export default defineModule<typeof schema, string>({
  name: 'fail',
  schema,
  local: true,
  freeForm: 'msg',
  meta: {
    description: 'Fails the host with a message; use it with `when`.',
    ansible: 'ansible.builtin.fail',
    example: '- fail:\n    msg: "{{ inventory_hostname }} has {{ ansible_memtotal_mb }} MB; Redis needs at least 1024"\n  when: (lt ansible_memtotal_mb 1024)',
    returns: { msg: 'The message.' },
  },
  async read(_ctx, args) {
    return args.msg ?? 'Failed as requested from task';
  },
  plan(msg) {
    return { changes: [], fail: msg, result: { msg } };
  },
});
