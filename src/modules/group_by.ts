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

interface Grouping {
  group: string;
  parents: string[];
  /** Already so: the host is in the group (and the group under its parents), so nothing changes, as Ansible says. */
  already: boolean;
}

export default defineModule<typeof schema, Grouping>({
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
  async read(ctx, args) {
    // Ansible replaces characters that are not valid in a group name; we only trim what cannot be meant.
    const group = args.key.trim();
    const parents = asList(args.parents);
    const groups = (ctx.vars.groups ?? {}) as Record<string, string[] | undefined>;
    const already = (groups[group] ?? []).includes(ctx.host) && parents.every((p) => groups[p] !== undefined && (groups[p] ?? []).includes(ctx.host));
    return { group, parents, already };
  },
  plan({ group, parents, already }) {
    return {
      changes: already ? [] : [{ summary: `put the host into group ${group}` }],
      result: { add_group: group, parent_groups: parents },
      effects: [{ kind: 'groupBy', groups: [group], parents }],
    };
  },
});
