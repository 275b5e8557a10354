import { shellText } from '../core/sh.js';
import type { Become, Connection } from '../core/connection.js';
import type { Vars } from '../core/model.js';
import { ModuleError } from '../core/errors.js';

/**
 * One round trip collects every fact: a POSIX sh script printing `key=value` lines, parsed by a pure function.
 * Nothing on the host is required beyond coreutils and iproute2 (python is reported, never needed).
 */
const FACT_SCRIPT = shellText(String.raw`
h=$(hostname 2>/dev/null || cat /proc/sys/kernel/hostname); echo "hostname=$h"
echo "fqdn=$(hostname -f 2>/dev/null || echo "$h")"
if [ -r /etc/os-release ]; then . /etc/os-release; echo "os_id=$ID"; echo "os_id_like=$ID_LIKE"; echo "os_version=$VERSION_ID"; echo "os_codename=$VERSION_CODENAME"; echo "os_pretty=$PRETTY_NAME"; fi
set -- $(uname -srm); echo "system=$1"; echo "kernel=$2"; echo "architecture=$3"; echo "kernel_version=$(uname -v)"
echo "cpus=$(nproc 2>/dev/null || grep -c ^processor /proc/cpuinfo)"
awk -F': *' '/^processor/{n++} /^physical id/{p[$2]=1} /^cpu cores/{c=$2} /^siblings/{s=$2} END{k=0; for(i in p)k++; print "cpu_logical=" n; print "cpu_sockets=" k; print "cpu_cores=" c; print "cpu_siblings=" s}' /proc/cpuinfo 2>/dev/null
awk '/^(MemTotal|MemFree|MemAvailable|Buffers|Cached|SwapTotal|SwapFree):/{sub(":", "", $1); print "mem_" $1 "=" $2}' /proc/meminfo
if [ -d /run/systemd/system ]; then echo service_manager=systemd; else echo "service_manager=$(cat /proc/1/comm 2>/dev/null)"; fi
v=$(systemd-detect-virt 2>/dev/null); [ -z "$v" ] && [ -f /run/.containerenv ] && v=container; [ -z "$v" ] && grep -qa container= /proc/1/environ 2>/dev/null && v=container; echo "virtualization=$v"
echo "virt_environ=$(tr '\0' '\n' < /proc/1/environ 2>/dev/null | sed -n 's/^container=//p' | head -n1)"
sc=; [ -r /run/systemd/container ] && read -r sc < /run/systemd/container; echo "virt_systemd=$sc"
[ -f /.dockerenv ] && echo virt_dockerenv=1; [ -e /dev/kvm ] && echo virt_kvm_host=1
echo "virt_cgroup=$(grep -Eo '/docker(/|-[0-9a-f]+\.scope)|/lxc/|/machine\.slice/machine-lxc|/system\.slice/containerd\.service' /proc/1/cgroup 2>/dev/null | head -n1)"
echo "python=$(command -v python3 || command -v python || true)"
for m in apt-get dnf yum zypper apk pacman; do if command -v $m >/dev/null 2>&1; then echo "pkg_mgr=$m"; break; fi; done
u=$(id -u); echo "uid=$u"; echo "user=$(id -un)"; echo "home=$HOME"; echo "passwd=$(getent passwd "$u" 2>/dev/null)"
mid=; [ -r /etc/machine-id ] && read -r mid < /etc/machine-id; echo "machine_id=$mid"
awk '/^nameserver/{print "dns_nameserver=" $2} /^(search|domain)/{$1=""; print "dns_search=" $0}' /etc/resolv.conf 2>/dev/null
echo "date=$(date '+%Y %m %d %H %M %S %s %Z %z %A %a %B %b %j %u %w %W %p')"
ip -o -4 route show default 2>/dev/null | head -n1 | sed 's/^/default_route=/'
ip -o -6 route show default 2>/dev/null | head -n1 | sed 's/^/default_route6=/'
ip -o link show 2>/dev/null | sed 's/^/link=/'
ip -o -4 addr show 2>/dev/null | awk '{b=""; for(i=5;i<NF;i++) if($i=="brd") b=$(i+1); print "ipv4=" $2 " " $4 " " b}'
ip -o -6 addr show 2>/dev/null | awk '{print "ipv6=" $2 " " $4 " " $6}'
echo env-follows; env
`);

export interface Ipv4Address {
  address: string;
  prefix: string;
  netmask: string;
  network: string;
  broadcast: string;
}

export interface NetInterface {
  device: string;
  active: boolean;
  type: string;
  macaddress?: string;
  mtu?: number;
  promisc: boolean;
  ipv4?: Ipv4Address;
  ipv4_secondaries?: Ipv4Address[];
  ipv6?: Array<{ address: string; prefix: string; scope: string }>;
}

export interface Facts {
  hostname: string;
  fqdn: string;
  domain: string;
  os_family: string;
  distribution: string;
  distribution_version: string;
  distribution_release: string;
  system: string;
  architecture: string;
  kernel: string;
  kernel_version: string;
  cpus: number;
  /** Ansible's processor_count / processor_cores / processor_threads_per_core, from /proc/cpuinfo */
  processor: { count: number; cores: number; threads_per_core: number; vcpus: number };
  memory_mb: number;
  memory: { free_mb: number; available_mb: number; buffers_mb: number; cached_mb: number; swap_total_mb: number; swap_free_mb: number };
  default_ipv4: { address?: string; interface?: string; gateway?: string } & Partial<Omit<NetInterface, 'ipv4' | 'ipv6' | 'ipv4_secondaries' | 'device' | 'active' | 'promisc'> & Ipv4Address & { alias: string }>;
  default_ipv6: { address?: string; interface?: string; gateway?: string; prefix?: string; scope?: string; macaddress?: string; mtu?: number; type?: string };
  all_ipv4: string[];
  all_ipv6: string[];
  interfaces: Record<string, NetInterface>;
  service_manager: string;
  /** `type` is what systemd-detect-virt says (container or VM); `ansible_type`/`ansible_role` follow Ansible's rules. */
  virtualization: { container: boolean; type: string; ansible_type: string; ansible_role: string };
  pkg_mgr: string;
  python: string | null;
  user: string;
  uid: number;
  gid: number;
  home: string;
  shell: string;
  gecos: string;
  machine_id: string;
  dns: { nameservers: string[]; search?: string[] };
  env: Record<string, string>;
  /** The host's clock at gathering time, in Ansible's ansible_date_time shape. */
  date_time: Record<string, string>;
}

const FAMILY: Record<string, string> = { debian: 'Debian', ubuntu: 'Debian', raspbian: 'Debian', rhel: 'RedHat', centos: 'RedHat', fedora: 'RedHat', rocky: 'RedHat', almalinux: 'RedHat', alpine: 'Alpine', arch: 'Archlinux', opensuse: 'Suse', 'opensuse-leap': 'Suse', 'opensuse-tumbleweed': 'Suse', suse: 'Suse', sles: 'Suse', amzn: 'RedHat', ol: 'RedHat' };
const DISTRIBUTION: Record<string, string> = { debian: 'Debian', ubuntu: 'Ubuntu', rhel: 'RedHat', centos: 'CentOS', rocky: 'Rocky', almalinux: 'AlmaLinux', opensuse: 'openSUSE', 'opensuse-leap': 'openSUSE Leap', sles: 'SLES', arch: 'Archlinux', amzn: 'Amazon', ol: 'OracleLinux', alpine: 'Alpine' };
const capitalize = (s: string): string => (s ? s[0]!.toUpperCase() + s.slice(1) : s);
const PKG_MGR: Record<string, string> = { 'apt-get': 'apt' };
/** systemd-detect-virt's container names; anything else it prints is a VM. */
const CONTAINERS = new Set(['openvz', 'lxc', 'lxc-libvirt', 'systemd-nspawn', 'docker', 'podman', 'rkt', 'wsl', 'proot', 'pouch', 'container']);
/** systemd-detect-virt's VM names → Ansible's virtualization_type (which reads DMI). */
const VM_TYPE: Record<string, string> = { kvm: 'kvm', qemu: 'kvm', amazon: 'kvm', bochs: 'kvm', google: 'kvm', vmware: 'VMware', microsoft: 'VirtualPC', oracle: 'virtualbox', xen: 'xen', parallels: 'parallels', bhyve: 'bhyve', powervm: 'powervm' };

function ipv4Of(cidr: string, broadcast: string): Ipv4Address {
  const [address = '', prefixText = '32'] = cidr.split('/');
  const prefix = Math.min(32, Math.max(0, Number(prefixText) || 0));
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  const toInt = (a: string): number => a.split('.').reduce((n, o) => ((n << 8) | (Number(o) & 255)) >>> 0, 0);
  const toText = (n: number): string => [24, 16, 8, 0].map((b) => (n >>> b) & 255).join('.');
  return { address, prefix: String(prefix), netmask: toText(mask), network: toText((toInt(address) & mask) >>> 0), broadcast };
}

/** `ip -o link` names a veth `eth0@if5`; the device is `eth0`. */
const deviceName = (name: string): string => name.replace(/:$/, '').replace(/@.*$/, '');

/** Ansible's ansible_date_time from `date '+%Y %m %d %H %M %S %s %Z %z %A %a %B %b %j %u %w %W %p'`. */
function dateTime(text: string): Record<string, string> {
  const f = text.split(' ');
  if (f.length < 17) return {};
  const [year, month, day, hour, minute, second, epoch, tz, offset, weekday, , , , , , weekdayNumber, weeknumber] = f as [string, ...string[]];
  const utc = new Date(Number(epoch) * 1000);
  const iso = Number.isFinite(utc.getTime()) ? utc.toISOString() : '';
  return {
    year, month, day, hour, minute, second, epoch: epoch ?? '', epoch_int: epoch ?? '',
    date: `${year}-${month}-${day}`,
    time: `${hour}:${minute}:${second}`,
    tz: tz ?? '', tz_offset: offset ?? '', tz_dst: tz ?? '',
    weekday: weekday ?? '', weekday_number: weekdayNumber ?? '', weeknumber: weeknumber ?? '',
    iso8601: iso ? iso.replace(/\.\d+Z$/, 'Z') : '',
    iso8601_micro: iso ? iso.replace(/Z$/, '000Z') : '',
    iso8601_basic: `${year}${month}${day}T${hour}${minute}${second}000000`,
    iso8601_basic_short: `${year}${month}${day}T${hour}${minute}${second}`,
  };
}

/** Ansible's virtualization_type/role: containers first (cgroup, PID 1's environment, systemd), then the VM. */
function ansibleVirtualization(kv: Map<string, string>, virt: string): { type: string; role: string } {
  const cgroup = kv.get('virt_cgroup') ?? '';
  if (/docker/.test(cgroup)) return { type: 'docker', role: 'guest' };
  if (/lxc/.test(cgroup)) return { type: 'lxc', role: 'guest' };
  if (/containerd/.test(cgroup)) return { type: 'containerd', role: 'guest' };
  const environ = kv.get('virt_environ') ?? '';
  if (environ === 'lxc' || environ === 'podman') return { type: environ, role: 'guest' };
  if (environ) return { type: 'container', role: 'guest' };
  const systemd = kv.get('virt_systemd') ?? '';
  if (systemd) return { type: systemd, role: 'guest' };
  if (kv.get('virt_dockerenv')) return { type: 'docker', role: 'guest' };
  if (virt === 'openvz') return { type: 'openvz', role: 'guest' };
  if (virt && virt !== 'none' && !CONTAINERS.has(virt)) return { type: VM_TYPE[virt] ?? virt, role: 'guest' };
  if (kv.get('virt_kvm_host')) return { type: 'kvm', role: 'host' };
  if (virt && CONTAINERS.has(virt)) return { type: 'container', role: 'guest' };
  return { type: 'NA', role: 'NA' };
}

/** Pure: the script's output → typed facts. */
export function parseFacts(stdout: string): Facts {
  const kv = new Map<string, string>();
  const multi = new Map<string, string[]>();
  const env: Record<string, string> = {};
  let inEnv = false;
  let lastEnv: string | undefined;
  for (const line of stdout.split('\n')) {
    if (inEnv) {
      const eq = line.indexOf('=');
      if (eq > 0 && /^[A-Za-z_][A-Za-z0-9_]*$/.test(line.slice(0, eq))) {
        lastEnv = line.slice(0, eq);
        env[lastEnv] = line.slice(eq + 1);
      } else if (lastEnv !== undefined) env[lastEnv] += '\n' + line; // a value with a newline in it
      continue;
    }
    if (line === 'env-follows') {
      inEnv = true;
      continue;
    }
    const eq = line.indexOf('=');
    if (eq < 0) continue;
    const key = line.slice(0, eq);
    const value = line.slice(eq + 1).trim();
    if (['ipv4', 'ipv6', 'link', 'dns_nameserver', 'dns_search'].includes(key)) multi.set(key, [...(multi.get(key) ?? []), value]);
    else kv.set(key, value);
  }
  // the script's final newline ends the last variable, it is not part of its value
  for (const [k, v] of Object.entries(env)) if (v.endsWith('\n')) env[k] = v.replace(/\n+$/, '');

  const interfaces: Record<string, NetInterface> = {};
  for (const line of multi.get('link') ?? []) {
    // 2: eth0@if549: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc … state UP …\    link/ether 2a:95:… brd …
    const m = /^\d+:\s+(\S+)\s+<([^>]*)>(.*)$/.exec(line);
    if (!m) continue;
    const device = deviceName(m[1]!);
    const flags = m[2]!.split(',');
    const rest = m[3]!;
    const mtu = /\bmtu (\d+)/.exec(rest)?.[1];
    const link = /link\/(\S+)(?: (\S+))?/.exec(rest);
    const type = link?.[1] === 'ether' ? 'ether' : link?.[1] === 'loopback' ? 'loopback' : link?.[1] ?? 'unknown';
    interfaces[device] = {
      device,
      active: flags.includes('UP'),
      type,
      ...(link?.[2] && type !== 'loopback' ? { macaddress: link[2] } : type === 'loopback' ? { macaddress: '00:00:00:00:00:00' } : {}),
      ...(mtu ? { mtu: Number(mtu) } : {}),
      promisc: flags.includes('PROMISC'),
    };
  }
  const ifaceFor = (name: string): NetInterface => (interfaces[name] ??= { device: name, active: true, type: 'unknown', promisc: false });
  const addresses: Array<{ iface: string; ipv4: Ipv4Address }> = [];
  for (const value of multi.get('ipv4') ?? []) {
    const [iface, cidr, brd = ''] = value.split(' ');
    if (!iface || !cidr) continue;
    const ipv4 = ipv4Of(cidr, brd);
    addresses.push({ iface, ipv4 });
    const entry = ifaceFor(iface);
    if (!entry.ipv4) entry.ipv4 = ipv4;
    else (entry.ipv4_secondaries ??= []).push(ipv4);
  }
  const addresses6: Array<{ iface: string; address: string; prefix: string; scope: string }> = [];
  for (const value of multi.get('ipv6') ?? []) {
    const [iface, cidr, scope = ''] = value.split(' ');
    if (!iface || !cidr) continue;
    const [address = '', prefix = '128'] = cidr.split('/');
    addresses6.push({ iface, address, prefix, scope });
    (ifaceFor(iface).ipv6 ??= []).push({ address, prefix, scope });
  }

  const route = kv.get('default_route') ?? '';
  const gateway = /\bvia (\S+)/.exec(route)?.[1];
  const routeIface = /\bdev (\S+)/.exec(route)?.[1];
  const defaultAddr = addresses.find((a) => a.iface === routeIface) ?? addresses.find((a) => a.iface !== 'lo');
  let defaultIpv4: Facts['default_ipv4'] = {};
  if (defaultAddr) {
    const i = interfaces[defaultAddr.iface];
    defaultIpv4 = {
      ...defaultAddr.ipv4,
      interface: defaultAddr.iface,
      alias: defaultAddr.iface,
      ...(gateway ? { gateway } : {}),
      ...(i?.macaddress ? { macaddress: i.macaddress } : {}),
      ...(i?.mtu !== undefined ? { mtu: i.mtu } : {}),
      ...(i ? { type: i.type } : {}),
    };
  }
  const route6 = kv.get('default_route6') ?? '';
  const route6Iface = /\bdev (\S+)/.exec(route6)?.[1];
  const default6 = route6Iface ? addresses6.find((a) => a.iface === route6Iface && a.scope === 'global') : undefined;
  let defaultIpv6: Facts['default_ipv6'] = {};
  if (default6) {
    const i = interfaces[default6.iface];
    const gw6 = /\bvia (\S+)/.exec(route6)?.[1];
    defaultIpv6 = { address: default6.address, prefix: default6.prefix, scope: default6.scope, interface: default6.iface, ...(gw6 ? { gateway: gw6 } : {}), ...(i?.macaddress ? { macaddress: i.macaddress } : {}), ...(i?.mtu !== undefined ? { mtu: i.mtu } : {}), ...(i ? { type: i.type } : {}) };
  }

  const id = kv.get('os_id') ?? '';
  const like = (kv.get('os_id_like') ?? '').split(' ')[0] ?? '';
  const virt = kv.get('virtualization') ?? '';
  const ansibleVirt = ansibleVirtualization(kv, virt);
  const mb = (key: string): number => Math.floor(Number(kv.get(`mem_${key}`) ?? 0) / 1024); // Ansible divides with //
  const cpus = Number(kv.get('cpus') ?? 1) || 1;
  const logical = Number(kv.get('cpu_logical') ?? 0) || cpus;
  const sockets = Number(kv.get('cpu_sockets') ?? 0);
  // as Ansible: without "physical id" lines (ARM, some VMs) each processor counts as one single-core socket
  const cores = sockets > 0 ? Number(kv.get('cpu_cores') ?? 1) || 1 : 1;
  const threads = sockets > 0 ? Math.max(1, Math.round((Number(kv.get('cpu_siblings') ?? cores) || cores) / cores)) : 1;
  const count = sockets > 0 ? sockets : logical;
  const hostname = kv.get('hostname') ?? '';
  const fqdn = kv.get('fqdn') || hostname;
  const pw = (kv.get('passwd') ?? '').split(':');
  const uid = Number(kv.get('uid') ?? -1);
  return {
    hostname,
    fqdn,
    domain: fqdn.includes('.') ? fqdn.slice(fqdn.indexOf('.') + 1) : '',
    os_family: FAMILY[id] ?? FAMILY[like] ?? capitalize(id),
    distribution: DISTRIBUTION[id] ?? capitalize(id),
    distribution_version: kv.get('os_version') ?? '',
    distribution_release: kv.get('os_codename') ?? '',
    system: kv.get('system') || 'Linux',
    architecture: kv.get('architecture') ?? '',
    kernel: kv.get('kernel') ?? '',
    kernel_version: kv.get('kernel_version') ?? '',
    cpus,
    processor: { count, cores, threads_per_core: threads, vcpus: sockets > 0 ? count * cores * threads : logical },
    memory_mb: mb('MemTotal'),
    memory: { free_mb: mb('MemFree'), available_mb: mb('MemAvailable'), buffers_mb: mb('Buffers'), cached_mb: mb('Cached'), swap_total_mb: mb('SwapTotal'), swap_free_mb: mb('SwapFree') },
    default_ipv4: defaultIpv4,
    default_ipv6: defaultIpv6,
    all_ipv4: addresses.filter((a) => a.iface !== 'lo').map((a) => a.ipv4.address),
    all_ipv6: addresses6.filter((a) => a.iface !== 'lo').map((a) => a.address),
    interfaces,
    service_manager: kv.get('service_manager') ?? '',
    virtualization: { container: virt !== '' && virt !== 'none' && CONTAINERS.has(virt), type: virt === 'none' ? '' : virt, ansible_type: ansibleVirt.type, ansible_role: ansibleVirt.role },
    pkg_mgr: PKG_MGR[kv.get('pkg_mgr') ?? ''] ?? kv.get('pkg_mgr') ?? 'unknown',
    python: kv.get('python') || null,
    user: kv.get('user') ?? '',
    uid,
    gid: pw.length >= 7 ? Number(pw[3]) : -1,
    home: kv.get('home') || (pw[5] ?? ''),
    shell: pw[6] ?? '',
    gecos: pw[4] ?? '',
    machine_id: kv.get('machine_id') ?? '',
    dns: { nameservers: multi.get('dns_nameserver') ?? [], ...(multi.has('dns_search') ? { search: (multi.get('dns_search') ?? []).flatMap((l) => l.split(/\s+/).filter(Boolean)) } : {}) },
    env,
    date_time: dateTime(kv.get('date') ?? ''),
  };
}

/** The variables a task sees: `facts.*`, `ansible_facts.*` and the flat `ansible_*` names ported roles use. */
export function factVariables(facts: Facts): Vars {
  const ansible: Vars = {
    hostname: facts.hostname,
    fqdn: facts.fqdn,
    domain: facts.domain,
    nodename: facts.hostname,
    os_family: facts.os_family,
    distribution: facts.distribution,
    distribution_version: facts.distribution_version,
    distribution_major_version: facts.distribution_version.split('.')[0] ?? '',
    distribution_release: facts.distribution_release,
    system: facts.system,
    machine: facts.architecture,
    architecture: facts.architecture,
    kernel: facts.kernel,
    kernel_version: facts.kernel_version,
    processor_vcpus: facts.processor.vcpus,
    processor_nproc: facts.cpus,
    processor_count: facts.processor.count,
    processor_cores: facts.processor.cores,
    processor_threads_per_core: facts.processor.threads_per_core,
    memtotal_mb: facts.memory_mb,
    memfree_mb: facts.memory.free_mb,
    swaptotal_mb: facts.memory.swap_total_mb,
    swapfree_mb: facts.memory.swap_free_mb,
    memory_mb: {
      real: { total: facts.memory_mb, free: facts.memory.free_mb, used: facts.memory_mb - facts.memory.free_mb },
      nocache: { free: facts.memory.free_mb + facts.memory.buffers_mb + facts.memory.cached_mb, used: facts.memory_mb - facts.memory.free_mb - facts.memory.buffers_mb - facts.memory.cached_mb },
      swap: { total: facts.memory.swap_total_mb, free: facts.memory.swap_free_mb, used: facts.memory.swap_total_mb - facts.memory.swap_free_mb, cached: 0 },
    },
    default_ipv4: facts.default_ipv4,
    default_ipv6: facts.default_ipv6,
    all_ipv4_addresses: facts.all_ipv4,
    all_ipv6_addresses: facts.all_ipv6,
    interfaces: Object.keys(facts.interfaces),
    service_mgr: facts.service_manager,
    pkg_mgr: facts.pkg_mgr,
    virtualization_role: facts.virtualization.ansible_role,
    virtualization_type: facts.virtualization.ansible_type,
    python: { executable: facts.python },
    user_id: facts.user,
    user_uid: facts.uid,
    user_gid: facts.gid,
    user_dir: facts.home,
    user_shell: facts.shell,
    user_gecos: facts.gecos,
    machine_id: facts.machine_id,
    dns: facts.dns,
    env: facts.env,
    date_time: facts.date_time,
  };
  // ansible_eth0, ansible_lo, …: Ansible spells a '-' or ':' in an interface name as '_'
  for (const [name, iface] of Object.entries(facts.interfaces)) {
    const key = name.replace(/[-:.]/g, '_');
    if (!(key in ansible)) ansible[key] = iface;
  }
  const vars: Vars = { facts, ansible_facts: ansible };
  for (const [k, v] of Object.entries(ansible)) vars[`ansible_${k}`] = v;
  return vars;
}

/** With the play's become, as Ansible gathers: ansible_env and ansible_user_id are then the become user's. */
export async function gatherFacts(conn: Connection, signal: AbortSignal, become?: Become): Promise<Facts> {
  const result = await conn.run(FACT_SCRIPT, { capture: true, signal, timeoutMs: 30_000, ...(become ? { become } : {}) });
  if (result.code !== 0) {
    throw new ModuleError(`gathering facts failed (exit ${result.code}): ${result.stderr.toString().trim().slice(-500)}`);
  }
  return parseFacts(result.stdout.toString());
}
