import { defineModule, type FromSchema, type ModuleContext, type Plan, type Change } from '../core/registry.js';
import { sh, type Command } from '../core/sh.js';
import { failure, splitSections, text, asList } from './system/remote.js';
import { parsePasswd, type PasswdEntry } from './system/accounts.js';

const schema = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: {
    name: { type: 'string', minLength: 1, pattern: '^[^-:\\s][^:\\s]*$', description: 'The user name.' },
    state: { type: 'string', enum: ['present', 'absent'], default: 'present', description: 'present creates or updates the user; absent removes it.' },
    system: { type: 'boolean', default: false, description: 'Create a system account (no aging, uid from the system range). Only on creation.' },
    uid: { type: 'integer', minimum: 0, description: 'The user id.' },
    group: { type: 'string', description: 'The primary group (must exist).' },
    groups: { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }], description: 'Supplementary groups (list or comma-separated); with append false, exactly these.' },
    append: { type: 'boolean', default: false, description: 'Add to groups instead of replacing the supplementary groups.' },
    shell: { type: 'string', description: 'Login shell, e.g. /usr/sbin/nologin for a service account.' },
    home: { type: 'string', description: 'Home directory.' },
    create_home: { type: 'boolean', default: true, description: 'Create the home directory when creating the user.' },
    comment: { type: 'string', description: 'The GECOS field.' },
    password: { type: 'string', description: 'An already hashed password (as in /etc/shadow); set through stdin, never on a command line.' },
    remove: { type: 'boolean', default: false, description: 'With absent: remove the home directory and mail spool too.' },
  },
} as const;
// Defaults may not have been filled in (API callers, tests): every defaulted argument stays optional.
type Args = FromSchema<typeof schema, { keepDefaultedPropertiesOptional: true }>;

interface Current {
  user?: PasswdEntry;
  primaryGroup?: string;
  groups: string[];
  /** undefined when not asked or not readable. */
  passwordHash?: string;
  missingGroups: string[];
}

type Step = { kind: 'useradd'; cmd: Command } | { kind: 'usermod'; cmd: Command } | { kind: 'userdel'; cmd: Command } | { kind: 'password' };

/** Pure. */
export function planUser(cur: Current, args: Args): Plan {
  const name = args.name;
  const groups = asList(args.groups);
  const changes: Change[] = [];
  if ((args.state ?? 'present') === 'absent') {
    if (cur.user) changes.push({ summary: `remove user ${name}`, detail: { kind: 'userdel', cmd: sh`userdel ${[...(args.remove ? ['-r'] : []), name]}` }, diff: { before: `user ${name} (uid ${cur.user.uid})\n`, after: 'absent\n' } });
    return { changes, result: { name, state: 'absent' } };
  }
  if (!cur.user) {
    const flags: (string | number)[] = [];
    if (args.system) flags.push('-r');
    if (args.uid !== undefined) flags.push('-u', args.uid);
    if (args.group !== undefined) flags.push('-g', args.group);
    if (groups.length > 0) flags.push('-G', groups.join(','));
    if (args.shell !== undefined) flags.push('-s', args.shell);
    if (args.home !== undefined) flags.push('-d', args.home);
    flags.push(args.create_home === false ? '-M' : '-m');
    if (args.comment !== undefined) flags.push('-c', args.comment);
    changes.push({ summary: `create ${args.system ? 'system ' : ''}user ${name}`, detail: { kind: 'useradd', cmd: sh`useradd ${[...flags, name]}` }, diff: { before: 'absent\n', after: `user ${name}${args.shell ? ` shell ${args.shell}` : ''}${args.home ? ` home ${args.home}` : ''}\n` } });
  } else {
    const u = cur.user;
    const flags: (string | number)[] = [];
    const before: string[] = [];
    const after: string[] = [];
    const differ = (label: string, have: string | number, want: string | number | undefined, flag: string): void => {
      if (want === undefined || have === want) return;
      flags.push(flag, want);
      before.push(`${label}: ${have}`);
      after.push(`${label}: ${want}`);
    };
    differ('uid', u.uid, args.uid, '-u');
    differ('group', cur.primaryGroup ?? String(u.gid), args.group, '-g');
    differ('shell', u.shell, args.shell, '-s');
    differ('home', u.home, args.home, '-d');
    differ('comment', u.comment, args.comment, '-c');
    if (args.groups !== undefined) {
      const missing = groups.filter((g) => !cur.groups.includes(g));
      const extra = args.append ? [] : cur.groups.filter((g) => !groups.includes(g));
      if (missing.length > 0 || extra.length > 0) {
        flags.push(...(args.append ? ['-a'] : []), '-G', groups.join(','));
        before.push(`groups: ${cur.groups.join(',')}`);
        after.push(`groups: ${args.append ? [...cur.groups, ...missing].join(',') : groups.join(',')}`);
      }
    }
    if (flags.length > 0) {
      changes.push({ summary: `update user ${name} (${after.map((a) => a.split(':')[0]).join(', ')})`, detail: { kind: 'usermod', cmd: sh`usermod ${[...flags, name]}` }, diff: { before: before.join('\n') + '\n', after: after.join('\n') + '\n' } });
    }
  }
  if (args.password !== undefined && cur.passwordHash !== args.password) {
    changes.push({ summary: `set the password of ${name}`, detail: { kind: 'password' }, diff: { before: 'password: ********\n', after: 'password: ******** (new)\n' } });
  }
  return { changes, result: { name, state: 'present', ...(cur.user ? { uid: cur.user.uid, home: args.home ?? cur.user.home, shell: args.shell ?? cur.user.shell } : {}) } };
}

export default defineModule<typeof schema, Current>({
  name: 'user',
  schema,
  secretArgs: ['password'],
  meta: {
    description: 'Creates, updates and removes user accounts (useradd/usermod/userdel), e.g. the system user Redis runs as.',
    ansible: 'ansible.builtin.user',
    example: '- user:\n    name: redis\n    system: true\n    shell: /usr/sbin/nologin\n    home: /var/lib/redis\n    create_home: false',
    returns: { name: 'The user.', state: 'present or absent.', uid: 'Its uid (existing users).', home: 'Its home.', shell: 'Its shell.' },
  },
  async read(ctx, args) {
    const r = await ctx.run(
      sh`echo @@passwd; getent passwd -- ${args.name}; echo @@primary; id -gn -- ${args.name} 2>/dev/null; echo @@groups; id -Gn -- ${args.name} 2>/dev/null; echo @@shadow; ${args.password !== undefined ? sh`getent shadow -- ${args.name} 2>/dev/null | cut -d: -f2` : sh`true`}`,
      { capture: true, signal: ctx.signal },
    );
    const out = splitSections(text(r.stdout));
    const user = parsePasswd((out['passwd'] ?? '').split('\n')[0] ?? '');
    const primary = (out['primary'] ?? '').trim();
    const all = (out['groups'] ?? '').trim().split(/\s+/).filter((g) => g !== '');
    const hash = (out['shadow'] ?? '').trim();
    return {
      ...(user ? { user } : {}),
      ...(primary ? { primaryGroup: primary } : {}),
      groups: all.filter((g) => g !== primary),
      ...(hash ? { passwordHash: hash } : {}),
      missingGroups: [],
    };
  },
  plan: (current, args) => planUser(current, args),
  async apply(ctx: ModuleContext, plan: Plan, args: Args) {
    for (const change of plan.changes) {
      const s = change.detail as Step;
      if (s.kind === 'password') {
        // chpasswd -e reads "name:hash" from stdin: the hash never appears in a process list.
        const cmd = sh`chpasswd -e`;
        const r = await ctx.run(cmd, { stdin: Buffer.from(`${args.name}:${args.password}\n`), capture: true, signal: ctx.signal });
        if (r.code !== 0) throw failure(`set the password of ${args.name}`, cmd, r);
        continue;
      }
      const r = await ctx.run(s.cmd, { capture: true, signal: ctx.signal });
      if (r.code !== 0) throw failure(change.summary, s.cmd, r);
    }
    return { result: plan.result ?? {} };
  },
});
