import { defineModule, type FromSchema, type ModuleContext, type Plan, type Change } from '../core/registry.js';
import { sh, type Command } from '../core/sh.js';
import { failure, splitSections, text } from './system/remote.js';

/** RFC 1123 labels, dot-separated; 64 characters at most, as systemd (and Ansible's systemd strategy) allow. */
const HOSTNAME = '^(?=.{1,64}$)[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$';

const schema = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: {
    name: { type: 'string', pattern: HOSTNAME, description: 'The host name (letters, digits, hyphens, dots; at most 64 characters).' },
    use: { type: 'string', enum: ['systemd', 'debian'], description: 'systemd: hostnamectl (as in Ansible, debian means the same). Unset: hostnamectl when it works, else /etc/hostname plus `hostname NAME`.' },
  },
} as const;
type Args = FromSchema<typeof schema, { keepDefaultedPropertiesOptional: true }>;

export interface HostnameCurrent {
  /** The running (transient) name. */
  running: string;
  /** The static name: hostnamectl's, or /etc/hostname's first line ('' when missing). */
  permanent: string;
  /** `hostnamectl --static status` answered. */
  hostnamectl: boolean;
}

type Step = { kind: 'permanent' | 'running'; strategy: 'systemd' | 'file' };

/** Pure. */
export function planHostname(cur: HostnameCurrent, args: Args): Plan {
  const name = args.name;
  if (!new RegExp(HOSTNAME).test(name)) return { changes: [], fail: `hostname: "${name}" is not a valid host name (letters, digits, hyphens and dots, at most 64 characters)` };
  const wantSystemd = args.use !== undefined;
  if (wantSystemd && !cur.hostnamectl) {
    return { changes: [], fail: `hostname: use: ${args.use} needs hostnamectl, which does not work on this host (no systemd-hostnamed?); leave use unset to write /etc/hostname and run hostname instead` };
  }
  const strategy = cur.hostnamectl ? 'systemd' : 'file';
  const steps: Step[] = [];
  // Permanent first, as Ansible's systemd strategy does (NetworkManager complains otherwise).
  if (cur.permanent !== name) steps.push({ kind: 'permanent', strategy });
  if (cur.running !== name) steps.push({ kind: 'running', strategy });
  const before = cur.running !== name ? cur.running : cur.permanent;
  const changes: Change[] = steps.length === 0 ? [] : [{
    summary: `set the hostname to ${name} (${steps.map((s) => (s.kind === 'permanent' ? (strategy === 'systemd' ? 'static' : '/etc/hostname') : 'running')).join(' and ')})`,
    detail: steps,
    diff: { before: `hostname = ${before}\n`, after: `hostname = ${name}\n` },
  }];
  return { changes, result: { name, strategy } };
}

export default defineModule<typeof schema, HostnameCurrent>({
  name: 'hostname',
  schema,
  meta: {
    description: 'Sets the host\'s name, running and permanent (hostnamectl, or /etc/hostname plus `hostname NAME` where hostnamectl does not work). As Ansible\'s hostname module, it does not edit /etc/hosts: keep the 127.0.1.1 line with lineinfile if you need it. Works in the lab\'s nspawn containers (they have systemd-hostnamed).',
    ansible: 'ansible.builtin.hostname',
    example: '- hostname:\n    name: redis-1.example.org',
    returns: { name: 'The host name.', strategy: 'systemd (hostnamectl) or file (/etc/hostname and hostname).' },
  },
  async read(ctx, args) {
    // A templated name is only known now, after the load-time schema check: it never reaches a command unchecked.
    if (!new RegExp(HOSTNAME).test(args.name)) return { running: '', permanent: '', hostnamectl: true };
    const r = await ctx.run(
      sh`echo @@static; hostnamectl --static status 2>/dev/null && echo @@ctl; echo @@running; hostname 2>/dev/null || uname -n; echo @@file; head -n 1 /etc/hostname 2>/dev/null`,
      { capture: true, signal: ctx.signal },
    );
    const out = splitSections(text(r.stdout));
    const hostnamectl = out['ctl'] !== undefined;
    return {
      running: (out['running'] ?? '').trim(),
      permanent: (hostnamectl ? out['static'] ?? '' : out['file'] ?? '').trim(),
      hostnamectl,
    };
  },
  plan: (current, args) => planHostname(current, args),
  async apply(ctx: ModuleContext, plan: Plan, args: Args) {
    for (const change of plan.changes) {
      for (const s of change.detail as Step[]) {
        if (s.strategy === 'file' && s.kind === 'permanent') {
          await ctx.conn.put('/etc/hostname', Buffer.from(`${args.name}\n`), { mode: 0o644, ...(ctx.become ? { become: ctx.become } : {}) });
          continue;
        }
        const cmd: Command = s.strategy === 'systemd'
          ? sh`hostnamectl ${s.kind === 'permanent' ? '--static' : '--transient'} set-hostname ${args.name}`
          : sh`hostname ${args.name}`;
        const r = await ctx.run(cmd, { capture: true, signal: ctx.signal });
        if (r.code !== 0) {
          throw failure(`hostname: set the ${s.kind} name`, cmd, r, s.kind === 'running' ? 'hint: a container without CAP_SYS_ADMIN (or its own UTS namespace) cannot change its running name' : '');
        }
      }
    }
    return { result: plan.result ?? {} };
  },
});
