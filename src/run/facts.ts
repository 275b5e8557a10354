import { sh } from '../core/sh.js';
import type { Connection } from '../core/connection.js';
import type { Vars } from '../core/model.js';
import { ModuleError } from '../core/errors.js';

/**
 * One round trip collects every fact: a POSIX sh script printing `key=value` lines, parsed by a pure function.
 * Nothing on the host is required beyond coreutils and iproute2 (python is reported, never needed).
 */
const FACT_SCRIPT = sh`
h=$(hostname 2>/dev/null || cat /proc/sys/kernel/hostname); echo "hostname=$h"
echo "fqdn=$(hostname -f 2>/dev/null || echo "$h")"
if [ -r /etc/os-release ]; then . /etc/os-release; echo "os_id=$ID"; echo "os_id_like=$ID_LIKE"; echo "os_version=$VERSION_ID"; echo "os_codename=$VERSION_CODENAME"; echo "os_pretty=$PRETTY_NAME"; fi
echo "architecture=$(uname -m)"; echo "kernel=$(uname -r)"
echo "cpus=$(nproc 2>/dev/null || grep -c ^processor /proc/cpuinfo)"
echo "memory_kb=$(awk '/^MemTotal:/{print $2}' /proc/meminfo)"
if [ -d /run/systemd/system ]; then echo service_manager=systemd; else echo "service_manager=$(cat /proc/1/comm 2>/dev/null)"; fi
v=$(systemd-detect-virt -c 2>/dev/null); [ -z "$v" ] && [ -f /run/.containerenv ] && v=container; [ -z "$v" ] && grep -qa container= /proc/1/environ 2>/dev/null && v=container; echo "virtualization=$v"
echo "python=$(command -v python3 || command -v python || true)"
echo "user=$(id -un)"; echo "uid=$(id -u)"; echo "home=$HOME"
ip -o -4 route show default 2>/dev/null | head -n1 | sed 's/^/default_route=/'
ip -o -4 addr show 2>/dev/null | awk '{print "ipv4=" $2 " " $4}'
`;

export interface Facts {
  hostname: string;
  fqdn: string;
  os_family: string;
  distribution: string;
  distribution_version: string;
  distribution_release: string;
  architecture: string;
  kernel: string;
  cpus: number;
  memory_mb: number;
  default_ipv4: { address?: string; interface?: string; gateway?: string };
  all_ipv4: string[];
  service_manager: string;
  virtualization: { container: boolean; type: string };
  python: string | null;
  user: string;
  uid: number;
  home: string;
}

const FAMILY: Record<string, string> = { debian: 'Debian', ubuntu: 'Debian', raspbian: 'Debian', rhel: 'RedHat', centos: 'RedHat', fedora: 'RedHat', rocky: 'RedHat', almalinux: 'RedHat', alpine: 'Alpine', arch: 'Archlinux', opensuse: 'Suse', sles: 'Suse' };
const capitalize = (s: string): string => (s ? s[0]!.toUpperCase() + s.slice(1) : s);

/** Pure: the script's output → typed facts. */
export function parseFacts(stdout: string): Facts {
  const kv = new Map<string, string>();
  const addresses: Array<{ iface: string; address: string }> = [];
  for (const line of stdout.split('\n')) {
    const eq = line.indexOf('=');
    if (eq < 0) continue;
    const key = line.slice(0, eq);
    const value = line.slice(eq + 1).trim();
    if (key === 'ipv4') {
      const [iface, cidr] = value.split(' ');
      if (iface && cidr) addresses.push({ iface, address: cidr.split('/')[0]! });
    } else kv.set(key, value);
  }
  const route = kv.get('default_route') ?? '';
  const gateway = /\bvia (\S+)/.exec(route)?.[1];
  const routeIface = /\bdev (\S+)/.exec(route)?.[1];
  const defaultAddr = addresses.find((a) => a.iface === routeIface) ?? addresses.find((a) => a.iface !== 'lo');
  const id = kv.get('os_id') ?? '';
  const like = (kv.get('os_id_like') ?? '').split(' ')[0] ?? '';
  const virt = kv.get('virtualization') ?? '';
  return {
    hostname: kv.get('hostname') ?? '',
    fqdn: kv.get('fqdn') ?? kv.get('hostname') ?? '',
    os_family: FAMILY[id] ?? FAMILY[like] ?? capitalize(id),
    distribution: id === 'debian' ? 'Debian' : id === 'ubuntu' ? 'Ubuntu' : capitalize(id),
    distribution_version: kv.get('os_version') ?? '',
    distribution_release: kv.get('os_codename') ?? '',
    architecture: kv.get('architecture') ?? '',
    kernel: kv.get('kernel') ?? '',
    cpus: Number(kv.get('cpus') ?? 1) || 1,
    memory_mb: Math.round(Number(kv.get('memory_kb') ?? 0) / 1024),
    default_ipv4: defaultAddr ? { address: defaultAddr.address, interface: defaultAddr.iface, ...(gateway ? { gateway } : {}) } : {},
    all_ipv4: addresses.filter((a) => a.iface !== 'lo').map((a) => a.address),
    service_manager: kv.get('service_manager') ?? '',
    virtualization: { container: virt !== '' && virt !== 'none', type: virt === 'none' ? '' : virt },
    python: kv.get('python') || null,
    user: kv.get('user') ?? '',
    uid: Number(kv.get('uid') ?? -1),
    home: kv.get('home') ?? '',
  };
}

/** The variables a task sees: `facts.*`, `ansible_facts.*` and the flat `ansible_*` names ported roles use. */
export function factVariables(facts: Facts): Vars {
  const ansible: Vars = {
    hostname: facts.hostname,
    fqdn: facts.fqdn,
    nodename: facts.hostname,
    os_family: facts.os_family,
    distribution: facts.distribution,
    distribution_version: facts.distribution_version,
    distribution_major_version: facts.distribution_version.split('.')[0] ?? '',
    distribution_release: facts.distribution_release,
    architecture: facts.architecture,
    kernel: facts.kernel,
    processor_vcpus: facts.cpus,
    processor_nproc: facts.cpus,
    memtotal_mb: facts.memory_mb,
    default_ipv4: facts.default_ipv4,
    all_ipv4_addresses: facts.all_ipv4,
    service_mgr: facts.service_manager,
    virtualization_role: facts.virtualization.container ? 'guest' : 'host',
    virtualization_type: facts.virtualization.type,
    python: { executable: facts.python },
    user_id: facts.user,
    user_uid: facts.uid,
    user_dir: facts.home,
  };
  const vars: Vars = { facts, ansible_facts: ansible };
  for (const [k, v] of Object.entries(ansible)) vars[`ansible_${k}`] = v;
  return vars;
}

export async function gatherFacts(conn: Connection, signal: AbortSignal): Promise<Facts> {
  const result = await conn.run(FACT_SCRIPT, { capture: true, signal, timeoutMs: 30_000 });
  if (result.code !== 0) {
    throw new ModuleError(`gathering facts failed (exit ${result.code}): ${result.stderr.toString().trim().slice(-500)}`);
  }
  return parseFacts(result.stdout.toString());
}
