import { defineModule, type FromSchema, type ModuleContext, type Plan } from '../core/registry.js';
import { ModuleError } from '../core/errors.js';
import { sh, type Command } from '../core/sh.js';
import { failure, splitSections, text } from './system/remote.js';
import { parseDefaults, parseUfwConf, parseUserRules } from './system/ufwRules.js';
import { planUfw, type UfwArgs, type UfwCurrent, type UfwStep } from './system/ufwPlan.js';

const policy = { type: 'string', enum: ['allow', 'deny', 'reject'] } as const;
const port = { anyOf: [{ type: 'string', pattern: '^[0-9]+([:,][0-9]+)*$' }, { type: 'integer', minimum: 0, maximum: 65535 }] } as const;

const schema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    state: { type: 'string', enum: ['enabled', 'disabled', 'reloaded', 'reset'], description: 'enabled/disabled act only when needed; reloaded and reset always act.' },
    default: { ...policy, description: 'Default policy for direction (alias policy).' },
    policy: { ...policy, description: 'Alias of default.' },
    direction: { type: 'string', enum: ['in', 'out', 'incoming', 'outgoing', 'routed'], description: 'Direction of a rule (in/out) or of a default policy (incoming/outgoing/routed). Default in.' },
    logging: { type: 'string', enum: ['on', 'off', 'low', 'medium', 'high', 'full'], description: 'Logging level (on = low).' },
    rule: { type: 'string', enum: ['allow', 'deny', 'reject', 'limit'], description: 'Add (or with delete, remove) a rule.' },
    port: { ...port, description: 'Destination port, range (60000:61000) or list (80,443) (alias to_port).' },
    to_port: { ...port, description: 'Alias of port.' },
    name: { type: 'string', pattern: '^[^\\s/][^/]*$', description: "An application profile from /etc/ufw/applications.d (`ufw app list`), e.g. OpenSSH, instead of port/proto (alias app)." },
    app: { type: 'string', pattern: '^[^\\s/][^/]*$', description: 'Alias of name.' },
    from_port: { ...port, description: 'Source port.' },
    proto: { type: 'string', enum: ['any', 'tcp', 'udp', 'ipv6', 'esp', 'ah', 'gre', 'igmp'], description: 'Protocol. Default any.' },
    from_ip: { type: 'string', description: 'Source address or network (alias src). Default any.' },
    src: { type: 'string', description: 'Alias of from_ip.' },
    to_ip: { type: 'string', description: 'Destination address or network (alias dest). Default any.' },
    dest: { type: 'string', description: 'Alias of to_ip.' },
    interface: { type: 'string', description: 'Interface the rule applies to, for its direction (alias if).' },
    if: { type: 'string', description: 'Alias of interface.' },
    interface_in: { type: 'string', description: 'Incoming interface (routed rules).' },
    interface_out: { type: 'string', description: 'Outgoing interface (routed rules).' },
    route: { type: 'boolean', default: false, description: 'A routed (forwarding) rule.' },
    log: { type: 'boolean', default: false, description: 'Log packets matching the rule.' },
    comment: { type: 'string', description: 'A comment stored with the rule; a different comment updates the rule.' },
    delete: { type: 'boolean', default: false, description: 'Remove the rule instead of adding it.' },
    insert: { type: 'integer', minimum: 1, description: 'Insert the rule at this position (only when it does not exist yet).' },
    allow_lockout: { type: 'boolean', default: false, description: 'Allow enabling ufw (or denying incoming) even though no rule allows the SSH port this connection uses.' },
  },
} as const;
// Defaults may not have been filled in (API callers, tests): every defaulted argument stays optional.
type Args = FromSchema<typeof schema, { keepDefaultedPropertiesOptional: true }>;

const READ = sh`if command -v ufw >/dev/null 2>&1 || [ -x /usr/sbin/ufw ]; then echo @@installed; fi; for f in /etc/ufw/user.rules /etc/ufw/user6.rules; do if [ -e "$f" ] && [ ! -r "$f" ]; then echo @@unreadable; echo "$f"; fi; done; echo @@conf; cat /etc/ufw/ufw.conf 2>/dev/null; echo @@defaults; cat /etc/default/ufw 2>/dev/null; echo @@user; cat /etc/ufw/user.rules 2>/dev/null; echo @@user6; cat /etc/ufw/user6.rules 2>/dev/null; echo @@end`;

function commandFor(s: UfwStep): Command {
  switch (s.kind) {
    // ufw backs up its rules under a name with the second in it and refuses to overwrite one: a second reset in
    // the same second fails, so it waits for the next second once.
    case 'reset': return sh`ufw --force reset || { sleep 1; ufw --force reset; }`;
    case 'default': return sh`ufw default ${s.policy} ${s.direction}`;
    case 'logging': return sh`ufw logging ${s.level}`;
    case 'rule': return sh`ufw ${s.words}`;
    // --force: `ufw enable` otherwise asks whether to proceed, and there is nobody to answer.
    case 'enable': return sh`ufw --force enable`;
    case 'disable': return sh`ufw disable`;
    case 'reload': return sh`ufw reload`;
  }
}

/** Ports arrive as numbers from YAML (`port: 22`); ufw records them as text. */
function ufwArgs(args: Args): UfwArgs {
  const str = (v: string | number | undefined): string | undefined => (v === undefined ? undefined : String(v));
  const { port: p, to_port, from_port, ...rest } = args;
  const out: UfwArgs = { ...(rest as Omit<UfwArgs, 'port' | 'to_port' | 'from_port'>) };
  if (p !== undefined) out.port = str(p)!;
  if (to_port !== undefined) out.to_port = str(to_port)!;
  if (from_port !== undefined) out.from_port = str(from_port)!;
  return out;
}

export default defineModule<typeof schema, UfwCurrent>({
  name: 'ufw',
  schema,
  meta: {
    description: 'Manages the ufw firewall: rules, default policies, logging, enabled state. Compares ufw\'s own rule files as parsed tuples, so an unchanged rule or policy is never re-applied. Refuses to lock out the SSH connection in use.',
    ansible: 'community.general.ufw',
    example: '- ufw:\n    rule: allow\n    port: "6379"\n    proto: tcp\n    from_ip: 10.0.0.0/24\n    comment: redis',
    returns: { enabled: 'Whether ufw is enabled after the task.', defaults: '{incoming, outgoing, routed} policies after the task.', rules: 'Number of rule tuples (IPv4 + IPv6) after the task.' },
  },
  async read(ctx, args) {
    const r = await ctx.run(READ, { capture: true, signal: ctx.signal });
    const out = splitSections(text(r.stdout));
    const installed = out['installed'] !== undefined;
    if (!installed && !ctx.check) {
      throw new ModuleError('ufw is not installed; add an apt task installing ufw before this one');
    }
    if (out['unreadable'] !== undefined) {
      throw new ModuleError(`cannot read ${out['unreadable'].trim()} on ${ctx.host}: ufw's rule files need root (become: true)`);
    }
    void args;
    const conf = parseUfwConf(out['conf'] ?? '');
    return {
      installed,
      enabled: installed && conf.enabled,
      logLevel: installed ? conf.logLevel : 'off',
      defaults: parseDefaults(out['defaults'] ?? ''),
      rules: [...parseUserRules(out['user'] ?? '', false), ...parseUserRules(out['user6'] ?? '', true)],
      sshPort: ctx.sshPort,
      check: ctx.check,
    };
  },
  plan(current, args) {
    const plan = planUfw(current, ufwArgs(args));
    if (!current.installed) plan.warnings = [...(plan.warnings ?? []), 'ufw is not installed: assumed to be installed by an earlier task (a real run fails if none does)'];
    return plan;
  },
  async apply(ctx: ModuleContext, plan: Plan, args: Args) {
    void args;
    for (const change of plan.changes) {
      const cmd = commandFor(change.detail as UfwStep);
      const r = await ctx.run(cmd, { capture: true, signal: ctx.signal });
      if (r.code !== 0) throw failure(`ufw ${change.summary}`, cmd, r);
      // ufw reports some refusals on stdout with exit 0 ("ERROR: ..."), e.g. a bad port for proto any.
      const said = text(r.stdout) + text(r.stderr);
      if (/^ERROR:/m.test(said)) throw new ModuleError(`ufw ${change.summary} failed:\n${said.trim()}`);
    }
    return { result: plan.result ?? {} };
  },
});
