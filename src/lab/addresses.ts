import { NAME_PREFIX } from './paths.js';
/** The lab's one private /24: the bridge takes .1, hosts are numbered from .10. Pure, so it is unit-tested. */
import { LabError } from '../core/errors.js';
import { DEFAULT_SUBNET } from './paths.js';

export const FIRST_HOST_OCTET = 10;
export const LAST_HOST_OCTET = 254;

export interface Subnet {
  /** e.g. 10.213.37 */
  prefix: string;
  cidr: string;
  bridgeAddress: string;
}

export function parseSubnet(cidr: string = DEFAULT_SUBNET): Subnet {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.0\/24$/.exec(cidr.trim());
  if (!m || [m[1], m[2], m[3]].some((o) => Number(o) > 255)) {
    throw new LabError(`invalid lab subnet '${cidr}': give a /24 ending in .0, e.g. ${DEFAULT_SUBNET}`);
  }
  const prefix = `${Number(m[1])}.${Number(m[2])}.${Number(m[3])}`;
  if (!isPrivatePrefix(prefix)) {
    throw new LabError(`lab subnet '${cidr}' is not private (10/8, 172.16/12, 192.168/16): the lab only owns private addresses`);
  }
  return { prefix, cidr: `${prefix}.0/24`, bridgeAddress: `${prefix}.1` };
}

function isPrivatePrefix(prefix: string): boolean {
  const [a, b] = prefix.split('.').map(Number);
  return a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168);
}

export function hostAddress(subnet: Subnet, index: number): string {
  const octet = FIRST_HOST_OCTET + index;
  if (octet > LAST_HOST_OCTET) {
    throw new LabError(`too many lab hosts: a /24 holds at most ${LAST_HOST_OCTET - FIRST_HOST_OCTET + 1}`);
  }
  return `${subnet.prefix}.${octet}`;
}

export function isInSubnet(subnet: Subnet, address: string): boolean {
  return address.startsWith(`${subnet.prefix}.`) && /^\d+\.\d+\.\d+\.\d+$/.test(address);
}

const NAME = /^[a-z][a-z0-9-]{0,30}$/;

/** The documented setup's three names for 3 hosts; labN / lightN otherwise; or the names given. */
export function hostNames(hosts: number | readonly string[] | undefined, light: boolean): string[] {
  if (Array.isArray(hosts)) {
    const names = hosts.map((h) => String(h).trim()).filter(Boolean);
    if (names.length === 0) throw new LabError('no host names given');
    for (const n of names) {
      if (!NAME.test(n)) throw new LabError(`invalid lab host name '${n}': use lowercase letters, digits and '-', starting with a letter`);
    }
    const dup = names.find((n, i) => names.indexOf(n) !== i);
    if (dup) throw new LabError(`lab host name '${dup}' given twice`);
    return names;
  }
  const count = typeof hosts === 'number' ? hosts : 3;
  if (!Number.isInteger(count) || count < 1) throw new LabError(`invalid host count '${String(hosts)}': give a whole number of at least 1`);
  if (count > LAST_HOST_OCTET - FIRST_HOST_OCTET + 1) {
    throw new LabError(`too many lab hosts (${count}): a /24 holds at most ${LAST_HOST_OCTET - FIRST_HOST_OCTET + 1}`);
  }
  if (!light && count === 3) return ['redismaster', 'redisslave1', 'redisslave2'];
  const stem = light ? 'light' : 'lab';
  return Array.from({ length: count }, (_, i) => `${stem}${i + 1}`);
}

/** Host-side veth names must fit the kernel's 15 characters, so they carry the address octet, not the host name. */
export function vethName(address: string): string {
  return `${NAME_PREFIX}-v${address.split('.')[3]}`;
}

/**
 * What on this machine already uses the lab's /24 (from `ip -4 -o addr show` and `ip -4 route show`): an interface
 * address or a route inside it. The lab would take such a network over (another lab's bridge, a real LAN chosen by
 * --subnet), so `up` refuses. Wider routes (a 10.0.0.0/8 VPN, the default route) are fine: the lab's /24 is more
 * specific and stays on this machine, which is the point.
 */
export function subnetConflicts(subnet: Subnet, addrText: string, routeText: string): string[] {
  const inside = (ip: string | undefined): boolean => !!ip && ip.startsWith(`${subnet.prefix}.`);
  const found: string[] = [];
  for (const line of addrText.split('\n')) {
    const m = /^\d+:\s+(\S+)\s+inet\s+([\d.]+)\//.exec(line);
    if (m && inside(m[2])) found.push(`address ${m[2]} on ${m[1]}`);
  }
  for (const line of routeText.split('\n')) {
    const m = /^(?:\S+\s+)?([\d.]+)(?:\/(\d+))?\s/.exec(line.trim() + ' ');
    if (!m || !inside(m[1]) || (m[2] !== undefined && Number(m[2]) < 24)) continue;
    found.push(`route ${line.trim()}`);
  }
  return found;
}
