import { defineModule } from '../core/registry.js';
import { ModuleError } from '../core/errors.js';
import { asList } from './system/remote.js';

const groupList = { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] } as const;

const schema = {
  type: 'object',
  // Every other key becomes a variable of the new host (ansible_host, ansible_port, ...).
  additionalProperties: true,
  properties: {
    name: { type: 'string', description: 'The host to add (alias hostname, host); `name:port` sets ansible_port.' },
    hostname: { type: 'string', description: 'Alias of name.' },
    host: { type: 'string', description: 'Alias of name.' },
    groups: { ...groupList, description: 'Groups to add the host to: a name or a list (aliases group, groupname).' },
    group: { ...groupList, description: 'Alias of groups.' },
    groupname: { ...groupList, description: 'Alias of groups.' },
  },
} as const;

type GroupArg = string | string[] | undefined;

interface NewHost {
  name: string;
  groups: string[];
  vars: Record<string, unknown>;
  /** Already so: the host exists and is in every group named, so nothing changes, as Ansible says. */
  already: boolean;
}

/** `host:2222` (but not an IPv6 address) carries a port, as in Ansible. */
export function splitHostPort(spec: string): { name: string; port?: number } {
  const m = /^([^:]+):(\d+)$/.exec(spec) ?? /^\[([^\]]+)\]:(\d+)$/.exec(spec);
  return m ? { name: m[1]!, port: Number(m[2]) } : { name: spec };
}

export default defineModule<typeof schema, NewHost>({
  name: 'add_host',
  schema,
  local: true,
  meta: {
    description: 'Adds a host to the in-memory inventory for the following plays, in the given groups; every other argument becomes a host variable.',
    ansible: 'ansible.builtin.add_host',
    example: '- add_host:\n    name: "{{ sentinel.master.ip }}"\n    groups: redis_current_master\n    redis_port: 6379',
    returns: { add_host: '{host_name, groups, host_vars}' },
  },
  async read(ctx, args): Promise<NewHost> {
    const { name, hostname, host, groups, group, groupname, ...vars } = args as Record<string, unknown>;
    const spec = (name ?? hostname ?? host) as string | undefined;
    if (!spec) throw new ModuleError('add_host needs a name (or hostname)');
    const { name: hostName, port } = splitHostPort(spec);
    const allGroups = [...new Set([...asList(groups as GroupArg), ...asList(group as GroupArg), ...asList(groupname as GroupArg)])];
    const known = (ctx.vars.groups ?? {}) as Record<string, string[] | undefined>;
    const already = (known.all ?? []).includes(hostName) && allGroups.every((g) => (known[g] ?? []).includes(hostName));
    return { name: hostName, groups: allGroups, vars: { ...(port !== undefined ? { ansible_port: port } : {}), ...vars }, already };
  },
  plan(h) {
    return {
      changes: h.already ? [] : [{ summary: `add host ${h.name}${h.groups.length ? ` to ${h.groups.join(', ')}` : ''}` }],
      result: { add_host: { host_name: h.name, groups: h.groups, host_vars: h.vars } },
      effects: [{ kind: 'addHost', name: h.name, groups: h.groups, vars: h.vars }],
    };
  },
});
