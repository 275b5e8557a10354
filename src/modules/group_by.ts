import { defineModule } from '../core/registry.js';
import { asList } from './system/remote.js';

const schema = {
  type: 'object',
  additionalProperties: false,
  required: ['key'],
  properties: {
    key: { type: 'string', minLength: 1, description: 'The group the host joins (rendered: `role_{{ redis_role }}`).' },
    parents: {
      description: 'Groups the new group becomes a child of.',
      anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
    },
  },
} as const;

export default defineModule<typeof schema, { group: string; parents: string[] }>({
  name: 'group_by',
  schema,
  local: true,
  freeForm: 'key',
  meta: {
    description: 'Puts the host into a group made from its variables, for later plays.',
    ansible: 'ansible.builtin.group_by',
    example: '- group_by:\n    key: "redis_{{ redis_status.role }}"',
    returns: { add_group: 'The group.', parent_groups: 'Its parents.' },
  },
  async read(_ctx, args) {
    // Ansible replaces characters that are not valid in a group name; we only trim what cannot be meant.
    return { group: args.key.trim(), parents: asList(args.parents) };
  },
  plan({ group, parents }) {
    return {
      changes: [],
      result: { add_group: group, parent_groups: parents },
      effects: [{ kind: 'groupBy', groups: [group], parents }],
    };
  },
});
