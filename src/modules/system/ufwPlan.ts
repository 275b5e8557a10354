import type { Change, Plan } from '../../core/registry.js';
import {
  isV6Address, normaliseAddress, portCovers, sameRule, type Policy, type UfwDefaults, type UfwTuple,
} from './ufwRules.js';

export interface UfwArgs {
  rule?: 'allow' | 'deny' | 'reject' | 'limit';
  port?: string;
  to_port?: string;
  from_port?: string;
  name?: string;
  app?: string;
  proto?: string;
  from_ip?: string;
  src?: string;
  to_ip?: string;
  dest?: string;
  direction?: 'in' | 'out' | 'incoming' | 'outgoing' | 'routed';
  interface?: string;
  if?: string;
  interface_in?: string;
  interface_out?: string;
  comment?: string;
  delete?: boolean;
  insert?: number;
  route?: boolean;
  log?: boolean;
  state?: 'enabled' | 'disabled' | 'reloaded' | 'reset';
  default?: Policy;
  policy?: Policy;
  logging?: 'on' | 'off' | 'low' | 'medium' | 'high' | 'full';
  allow_lockout?: boolean;
}

export interface UfwCurrent {
  installed: boolean;
  enabled: boolean;
  logLevel: string;
  defaults: UfwDefaults;
  rules: UfwTuple[];
  sshPort: number | undefined;
  /** A --check run: an allow rule an earlier task only planned is not in the files yet. */
  check?: boolean;
}

export type UfwStep =
  | { kind: 'reset' }
  | { kind: 'default'; direction: 'incoming' | 'outgoing' | 'routed'; policy: Policy }
  | { kind: 'logging'; level: string }
  | { kind: 'rule'; words: string[] }
  | { kind: 'enable' }
  | { kind: 'disable' }
  | { kind: 'reload' };

const dirOf = (d: UfwArgs['direction']): 'in' | 'out' => (d === 'out' || d === 'outgoing' ? 'out' : 'in');

/** The tuples ufw would record for this rule: one per address family the rule applies to. */
export function desiredTuples(args: UfwArgs, ipv6: boolean): UfwTuple[] {
  if (!args.rule) return [];
  const from = args.from_ip ?? args.src;
  const to = args.to_ip ?? args.dest;
  const addrs = [from, to].filter((a): a is string => a !== undefined && a !== 'any');
  const families = addrs.some(isV6Address) ? [true] : addrs.length > 0 ? [false] : ipv6 ? [false, true] : [false];
  const direction = dirOf(args.direction);
  const iface = args.interface ?? args.if;
  const ifaceIn = args.interface_in ?? (iface !== undefined && direction === 'in' ? iface : '');
  const ifaceOut = args.interface_out ?? (iface !== undefined && direction === 'out' ? iface : '');
  return families.map((v6) => ({
    action: args.rule!,
    route: args.route === true,
    log: args.log ? 'log' : '',
    proto: args.name ?? args.app ? '' : args.proto ?? 'any',
    dport: args.name ?? args.app ? '' : args.to_port ?? args.port ?? 'any',
    dst: normaliseAddress(to, v6),
    sport: args.from_port ?? 'any',
    src: normaliseAddress(from, v6),
    // A routed rule naming both interfaces is recorded as in_X!out_Y with direction "in".
    direction: args.route && ifaceIn !== '' && ifaceOut !== '' ? 'in' : direction,
    ifaceIn,
    ifaceOut,
    // An application profile's ports and protocol are in its profile; ufw records them, the task does not know them.
    dapp: args.name ?? args.app ?? '',
    sapp: '',
    comment: args.comment ?? '',
    v6,
  }));
}

/** The words after `ufw` for this rule (add, or delete). */
export function ruleWords(args: UfwArgs, del: boolean): string[] {
  const w: string[] = [];
  if (args.route) w.push('route');
  if (del) w.push('delete');
  else if (args.insert !== undefined) w.push('insert', String(args.insert));
  w.push(args.rule!);
  const direction = dirOf(args.direction);
  const iface = args.interface ?? args.if;
  const ifaceIn = args.interface_in ?? (iface !== undefined && direction === 'in' ? iface : undefined);
  const ifaceOut = args.interface_out ?? (iface !== undefined && direction === 'out' ? iface : undefined);
  if (ifaceIn !== undefined) w.push('in', 'on', ifaceIn);
  if (ifaceOut !== undefined) w.push('out', 'on', ifaceOut);
  if (ifaceIn === undefined && ifaceOut === undefined) w.push(direction);
  if (args.log) w.push('log');
  if (args.proto !== undefined && args.proto !== 'any') w.push('proto', args.proto);
  w.push('from', args.from_ip ?? args.src ?? 'any');
  if (args.from_port !== undefined) w.push('port', args.from_port);
  w.push('to', args.to_ip ?? args.dest ?? 'any');
  const dport = args.to_port ?? args.port;
  if (dport !== undefined) w.push('port', dport);
  const app = args.name ?? args.app;
  if (app !== undefined) w.push('app', app);
  if (args.comment !== undefined && !del) w.push('comment', args.comment);
  return w;
}

function sshCovered(rules: UfwTuple[], port: number): boolean {
  // An application profile rule (OpenSSH) is recorded with the profile's own ports, so it counts like any other;
  // one only planned in this task has no ports yet (dport '').
  return rules.some((t) => !t.route && t.direction === 'in' && (t.action === 'allow' || t.action === 'limit') &&
    (t.proto === 'any' || t.proto === 'tcp') && t.dport !== '' && portCovers(t.dport, port));
}

const step = (summary: string, detail: UfwStep, before: string, after: string): Change => ({
  summary, detail, diff: { before: `${before}\n`, after: `${after}\n` },
});

/** Pure: the ufw commands needed, in a safe order (reset, defaults, logging, rules, then enable/disable/reload). */
export function planUfw(cur: UfwCurrent, args: UfwArgs): Plan {
  const changes: Change[] = [];
  let rules = cur.rules;
  let enabled = cur.enabled;
  const defaults = { ...cur.defaults };
  if (args.state === 'reset') {
    changes.push(step('reset ufw to its installation defaults (disables it)', { kind: 'reset' }, 'rules: ' + rules.length, 'rules: 0, disabled'));
    rules = [];
    enabled = false;
  }
  const policy = args.default ?? args.policy;
  if (policy !== undefined) {
    const direction = args.direction === 'out' || args.direction === 'outgoing' ? 'outgoing' : args.direction === 'routed' ? 'routed' : 'incoming';
    // Compared with /etc/default/ufw, so a change while ufw is disabled is still a change (ansible/ansible#65443),
    // and an unchanged policy is not re-applied (which reloads the firewall: community.general#1843).
    if (defaults[direction] !== policy || !cur.installed) {
      changes.push(step(`default ${policy} ${direction}`, { kind: 'default', direction, policy }, `default ${direction}: ${defaults[direction]}`, `default ${direction}: ${policy}`));
      defaults[direction] = policy;
    }
  }
  if (args.logging !== undefined) {
    const ok = args.logging === 'on' ? cur.logLevel !== 'off' : cur.logLevel === args.logging;
    if (!ok || !cur.installed) changes.push(step(`logging ${args.logging}`, { kind: 'logging', level: args.logging }, `logging: ${cur.logLevel}`, `logging: ${args.logging === 'on' ? 'low' : args.logging}`));
  }
  if (args.rule !== undefined) {
    const wanted = desiredTuples(args, cur.defaults.ipv6);
    const words = ruleWords(args, args.delete === true).join(' ');
    if (args.delete) {
      const present = rules.filter((r) => wanted.some((w) => sameRule(r, w, false)));
      if (present.length > 0 || !cur.installed) {
        changes.push(step(`ufw ${words}`, { kind: 'rule', words: ruleWords(args, true) }, `rule present (${present.length})`, 'rule absent'));
        rules = rules.filter((r) => !present.includes(r));
      }
    } else {
      const missing = wanted.filter((w) => !rules.some((r) => sameRule(r, w, args.comment !== undefined)));
      if (missing.length > 0) {
        changes.push(step(`ufw ${words}`, { kind: 'rule', words: ruleWords(args, false) }, 'rule absent', 'rule present'));
        rules = [...rules.filter((r) => !missing.some((m) => sameRule(r, m, false))), ...missing];
      }
    }
  }
  if (args.state === 'enabled' && (!cur.enabled || !cur.installed)) {
    changes.push(step('enable ufw', { kind: 'enable' }, 'ufw: disabled', 'ufw: enabled'));
    enabled = true;
  }
  if (args.state === 'disabled' && cur.enabled) {
    changes.push(step('disable ufw', { kind: 'disable' }, 'ufw: enabled', 'ufw: disabled'));
    enabled = false;
  }
  if (args.state === 'reloaded') changes.push(step('reload ufw', { kind: 'reload' }, 'rules loaded', 'rules reloaded'));

  const result = { enabled, defaults, rules: rules.length };
  const port = cur.sshPort;
  if (port !== undefined && cur.installed && changes.length > 0 && !args.allow_lockout) {
    const lockedBefore = cur.enabled && cur.defaults.incoming !== 'allow' && !sshCovered(cur.rules, port);
    const lockedAfter = enabled && defaults.incoming !== 'allow' && !sshCovered(rules, port);
    if (lockedAfter && !lockedBefore) {
      const why = `it would be enabled with incoming traffic ${defaults.incoming === 'reject' ? 'rejected' : 'denied'} and no allow rule for port ${port}, the port this SSH connection uses`;
      // Under --check the SSH rule may come from an earlier task that only planned it: warn, the real run decides.
      if (cur.check) return { changes, result, warnings: [`a real run would refuse this unless an earlier task allows port ${port}: ${why}`] };
      return {
        changes: [],
        result,
        fail:
          `refusing to change ufw: ${why}, so the host would lock us out. Allow it first ` +
          `(ufw: rule=allow port=${port} proto=tcp) in an earlier task, or set allow_lockout: true if another way in exists.`,
      };
    }
  }
  return { changes, result };
}

