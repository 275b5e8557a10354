/**
 * ufw's own record of its rules: `### tuple ###` lines in /etc/ufw/user.rules (IPv4) and user6.rules (IPv6),
 *   ### tuple ### ACTION PROTO DPORT DST SPORT SRC [DAPP SAPP] DIRECTION[_IFACE][!out_IFACE] [comment=HEX]
 * Rules are compared as parsed tuples, never as `ufw status` text (Ansible's ufw compared snapshots of that text
 * and reported changes on every run, community.general#5205). Pure functions, table-tested.
 */

export interface UfwTuple {
  action: 'allow' | 'deny' | 'reject' | 'limit';
  route: boolean;
  /** "log" or "log-all" when the rule logs. */
  log: string;
  proto: string;
  dport: string;
  dst: string;
  sport: string;
  src: string;
  direction: 'in' | 'out';
  ifaceIn: string;
  ifaceOut: string;
  /** Application profile names ("" when none). */
  dapp: string;
  sapp: string;
  /** Decoded comment text ("" when none). */
  comment: string;
  v6: boolean;
}

export function hexEncode(text: string): string {
  return Buffer.from(text, 'utf8').toString('hex');
}

export function hexDecode(hex: string): string {
  return /^([0-9a-f]{2})+$/i.test(hex) ? Buffer.from(hex, 'hex').toString('utf8') : hex;
}

export function parseTupleLine(line: string, v6: boolean): UfwTuple | undefined {
  const m = /^### tuple ###\s+(.*)$/.exec(line.trim());
  if (!m) return undefined;
  const words = m[1]!.split(/\s+/);
  let comment = '';
  const last = words[words.length - 1] ?? '';
  if (last.startsWith('comment=')) {
    comment = hexDecode(last.slice('comment='.length));
    words.pop();
  }
  if (words.length !== 7 && words.length !== 9) return undefined;
  const [actionWord, proto, dport, dst, sport, src] = words as [string, string, string, string, string, string];
  const dirWord = words[words.length - 1]!;
  const [dapp, sapp] = words.length === 9 ? [words[6]!, words[7]!] : ['', ''];
  const route = actionWord.startsWith('route:');
  const [action, log] = actionWord.replace(/^route:/, '').split('_') as [string, string | undefined];
  if (!['allow', 'deny', 'reject', 'limit'].includes(action)) return undefined;
  let direction: 'in' | 'out' = 'in';
  let ifaceIn = '';
  let ifaceOut = '';
  for (const part of dirWord.split('!')) {
    const [dir, iface] = part.split('_', 2) as [string, string | undefined];
    if (dir === 'out') {
      if (!route || !dirWord.includes('!')) direction = 'out';
      ifaceOut = iface ?? '';
    } else ifaceIn = iface ?? '';
  }
  const unapp = (s: string): string => (s === '-' ? '' : s.replace(/%20/g, ' '));
  return {
    action: action as UfwTuple['action'], route, log: log ?? '', proto, dport, dst, sport, src, direction, ifaceIn, ifaceOut,
    dapp: unapp(dapp), sapp: unapp(sapp), comment, v6,
  };
}

export function parseUserRules(text: string, v6: boolean): UfwTuple[] {
  return text.split('\n').map((l) => parseTupleLine(l, v6)).filter((t): t is UfwTuple => t !== undefined);
}

export type Policy = 'allow' | 'deny' | 'reject';

export interface UfwDefaults {
  incoming: Policy;
  outgoing: Policy;
  routed: Policy;
  ipv6: boolean;
}

const POLICY: Record<string, Policy> = { ACCEPT: 'allow', DROP: 'deny', REJECT: 'reject' };

/** /etc/default/ufw: DEFAULT_INPUT_POLICY="DROP" etc. Missing values get ufw's own defaults. */
export function parseDefaults(text: string): UfwDefaults {
  const kv = shellAssignments(text);
  return {
    incoming: POLICY[kv['DEFAULT_INPUT_POLICY'] ?? 'DROP'] ?? 'deny',
    outgoing: POLICY[kv['DEFAULT_OUTPUT_POLICY'] ?? 'ACCEPT'] ?? 'allow',
    routed: POLICY[kv['DEFAULT_FORWARD_POLICY'] ?? 'DROP'] ?? 'deny',
    ipv6: (kv['IPV6'] ?? 'yes').toLowerCase() === 'yes',
  };
}

/** /etc/ufw/ufw.conf: ENABLED=yes, LOGLEVEL=low. */
export function parseUfwConf(text: string): { enabled: boolean; logLevel: string } {
  const kv = shellAssignments(text);
  return { enabled: (kv['ENABLED'] ?? 'no').toLowerCase() === 'yes', logLevel: (kv['LOGLEVEL'] ?? 'low').toLowerCase() };
}

function shellAssignments(text: string): Record<string, string> {
  const kv: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^\s*([A-Z0-9_]+)=\s*(["']?)(.*?)\2\s*$/.exec(line);
    if (m) kv[m[1]!] = m[3]!;
  }
  return kv;
}

export function isV6Address(addr: string): boolean {
  return addr.includes(':');
}

/** ufw stores a single host without its /32 or /128. */
export function normaliseAddress(addr: string | undefined, v6: boolean): string {
  if (addr === undefined || addr === '' || addr === 'any') return v6 ? '::/0' : '0.0.0.0/0';
  return addr.replace(v6 ? /\/128$/ : /\/32$/, '');
}

/**
 * Two tuples are the same rule; the comment only counts when the task gives one (ufw updates it in place).
 * `b` is the wanted one: naming an application profile, its ports and protocol are whatever the profile says.
 */
export function sameRule(a: UfwTuple, b: UfwTuple, compareComment: boolean): boolean {
  const portsMatch = b.dapp !== '' && b.dport === '' ? true : a.proto === b.proto && a.dport === b.dport;
  return (
    a.action === b.action && a.route === b.route && a.log === b.log && portsMatch &&
    a.dst === b.dst && a.sport === b.sport && a.src === b.src && a.direction === b.direction && a.ifaceIn === b.ifaceIn &&
    a.ifaceOut === b.ifaceOut && a.dapp === b.dapp && a.sapp === b.sapp && a.v6 === b.v6 && (!compareComment || a.comment === b.comment)
  );
}

/** Does the port list of a tuple ("22", "80,443", "6000:6010", "any") include this port? */
export function portCovers(dport: string, port: number): boolean {
  if (dport === 'any') return true;
  return dport.split(',').some((p) => {
    const [lo, hi] = p.split(':').map(Number) as [number, number | undefined];
    return hi === undefined ? lo === port : port >= lo && port <= hi;
  });
}
