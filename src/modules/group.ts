import { defineModule, type FromSchema, type ModuleContext, type Plan, type Change } from '../core/registry.js';
import { sh, type Command } from '../core/sh.js';
import { failure, text } from './system/remote.js';
import { parseGroup, type GroupEntry } from './system/accounts.js';

const schema = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: {
    name: { type: 'string', minLength: 1, pattern: '^[^-:\\s][^:\\s]*$', description: 'The group name.' },
    state: { type: 'string', enum: ['present', 'absent'], default: 'present', description: 'present creates the group; absent removes it.' },
    system: { type: 'boolean', default: false, description: 'Create a system group. Only on creation.' },
    gid: { type: 'integer', minimum: 0, description: 'The group id.' },
  },
} as const;
// Defaults may not have been filled in (API callers, tests): every defaulted argument stays optional.
type Args = FromSchema<typeof schema, { keepDefaultedPropertiesOptional: true }>;

type Current = { group?: GroupEntry };

/** Pure. */
export function planGroup(cur: Current, args: Args): Plan {
  const changes: Change[] = [];
  const g = cur.group;
  const gidFlag = args.gid !== undefined ? ['-g', String(args.gid)] : [];
  if ((args.state ?? 'present') === 'absent') {
    if (g) changes.push({ summary: `remove group ${args.name}`, detail: sh`groupdel ${args.name}`, diff: { before: `group ${args.name} (gid ${g.gid})\n`, after: 'absent\n' } });
  } else if (!g) {
    changes.push({ summary: `create ${args.system ? 'system ' : ''}group ${args.name}`, detail: sh`groupadd ${[...(args.system ? ['-r'] : []), ...gidFlag, args.name]}`, diff: { before: 'absent\n', after: `group ${args.name}${args.gid !== undefined ? ` (gid ${args.gid})` : ''}\n` } });
  } else if (args.gid !== undefined && g.gid !== args.gid) {
    changes.push({ summary: `change the gid of ${args.name} to ${args.gid}`, detail: sh`groupmod ${gidFlag} ${args.name}`, diff: { before: `gid ${g.gid}\n`, after: `gid ${args.gid}\n` } });
  }
  return { changes, result: { name: args.name, state: args.state ?? 'present', ...(g ? { gid: args.gid ?? g.gid } : {}) } };
}

export default defineModule<typeof schema, Current>({
  name: 'group',
  schema,
  meta: {
    description: 'Creates, changes and removes groups (groupadd/groupmod/groupdel).',
    ansible: 'ansible.builtin.group',
    example: '- group:\n    name: redis\n    system: true',
    returns: { name: 'The group.', state: 'present or absent.', gid: 'Its gid (existing groups).' },
  },
  async read(ctx, args) {
    const r = await ctx.run(sh`getent group -- ${args.name}`, { capture: true, signal: ctx.signal });
    const group = parseGroup(text(r.stdout).split('\n')[0] ?? '');
    return group ? { group } : {};
  },
  plan: (current, args) => planGroup(current, args),
  async apply(ctx: ModuleContext, plan: Plan, args: Args) {
    void args;
    for (const change of plan.changes) {
      const cmd = change.detail as Command;
      const r = await ctx.run(cmd, { capture: true, signal: ctx.signal });
      if (r.code !== 0) throw failure(change.summary, cmd, r);
    }
    return { result: plan.result ?? {} };
  },
});
