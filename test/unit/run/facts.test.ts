/**
 * The fact parser against the script's real output on a lab host (Debian 12 in systemd-nspawn), compared with
 * what Ansible's setup module reported for the same host, and against other machines' shapes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { factVariables, parseFacts } from '../../../src/run/facts.js';

const LAB_HOST = `hostname=redismaster
fqdn=redismaster
os_id=debian
os_id_like=
os_version=12
os_codename=bookworm
os_pretty=Debian GNU/Linux 12 (bookworm)
system=Linux
kernel=6.18.44-fc-v669
architecture=x86_64
kernel_version=#1 SMP PREEMPT_DYNAMIC @0
cpus=2
cpu_logical=2
cpu_sockets=1
cpu_cores=2
cpu_siblings=2
mem_MemTotal=24684084
mem_MemFree=22394028
mem_MemAvailable=23636484
mem_Buffers=198576
mem_Cached=996596
mem_SwapTotal=0
mem_SwapFree=0
service_manager=systemd
virtualization=systemd-nspawn
virt_environ=systemd-nspawn
virt_systemd=systemd-nspawn
virt_cgroup=
python=/usr/bin/python3
pkg_mgr=apt-get
uid=0
user=root
home=/root
passwd=root:x:0:0:root:/root:/bin/bash
machine_id=ee0c736347dd09fa299aa3e0a401a672
dns_nameserver=10.255.255.53
date=2026 11 26 01 46 28 1795657588 UTC +0000 Thursday Thu November Nov 330 4 4 47 AM
default_route=default via 10.213.41.1 dev eth0 
link=1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN mode DEFAULT group default qlen 1000\\    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00
link=2: eth0@if549: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP mode DEFAULT group default qlen 1000\\    link/ether 2a:95:f5:1d:65:25 brd ff:ff:ff:ff:ff:ff link-netnsid 0
ipv4=lo 127.0.0.1/8 
ipv4=eth0 10.213.41.10/24 
ipv6=lo ::1/128 host
ipv6=eth0 fe80::2895:f5ff:fe1d:6525/64 link
env-follows
HOME=/root
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
MULTI=line one
line two
SHELL=/bin/bash
`;

test('lab host: the names ported roles use, with the values Ansible setup reported on the same host', () => {
  const v = factVariables(parseFacts(LAB_HOST));
  const expected: Record<string, unknown> = {
    ansible_hostname: 'redismaster',
    ansible_fqdn: 'redismaster',
    ansible_domain: '',
    ansible_distribution: 'Debian',
    ansible_distribution_version: '12',
    ansible_distribution_major_version: '12',
    ansible_distribution_release: 'bookworm',
    ansible_os_family: 'Debian',
    ansible_system: 'Linux',
    ansible_machine: 'x86_64',
    ansible_kernel_version: '#1 SMP PREEMPT_DYNAMIC @0',
    ansible_processor_vcpus: 2,
    ansible_processor_nproc: 2,
    ansible_processor_count: 1,
    ansible_processor_cores: 2,
    ansible_processor_threads_per_core: 1,
    ansible_memtotal_mb: 24105, // Ansible floors: 24684084 kB // 1024
    ansible_swaptotal_mb: 0,
    ansible_virtualization_type: 'container', // Ansible reads container= from PID 1's environment
    ansible_virtualization_role: 'guest',
    ansible_pkg_mgr: 'apt',
    ansible_service_mgr: 'systemd',
    ansible_user_id: 'root',
    ansible_user_uid: 0,
    ansible_user_gid: 0,
    ansible_user_dir: '/root',
    ansible_user_shell: '/bin/bash',
    ansible_all_ipv4_addresses: ['10.213.41.10'],
    ansible_all_ipv6_addresses: ['fe80::2895:f5ff:fe1d:6525'],
    ansible_interfaces: ['lo', 'eth0'],
    ansible_dns: { nameservers: ['10.255.255.53'] },
  };
  for (const [name, value] of Object.entries(expected)) assert.deepEqual(v[name], value, name);
  assert.deepEqual(v.ansible_default_ipv4, {
    address: '10.213.41.10', prefix: '24', netmask: '255.255.255.0', network: '10.213.41.0', broadcast: '',
    interface: 'eth0', alias: 'eth0', gateway: '10.213.41.1', macaddress: '2a:95:f5:1d:65:25', mtu: 1500, type: 'ether',
  });
  const eth0 = v.ansible_eth0 as { device: string; active: boolean; ipv4: { address: string }; ipv6: Array<{ scope: string }> };
  assert.equal(eth0.device, 'eth0');
  assert.equal(eth0.active, true);
  assert.equal(eth0.ipv4.address, '10.213.41.10');
  assert.equal(eth0.ipv6[0]?.scope, 'link');
  const env = v.ansible_env as Record<string, string>;
  assert.equal(env.HOME, '/root');
  assert.equal(env.MULTI, 'line one\nline two', 'a value with a newline stays one variable');
  assert.equal(env.SHELL, '/bin/bash');
  const dt = v.ansible_date_time as Record<string, string>;
  assert.equal(dt.date, '2026-11-26');
  assert.equal(dt.epoch, '1795657588');
  assert.equal(dt.iso8601, '2026-11-26T01:46:28Z');
  assert.equal(dt.weekday, 'Thursday');
  assert.equal(dt.weekday_number, '4');
  assert.equal(dt.weeknumber, '47');
  // our own names stay as they were
  const facts = v.facts as { virtualization: { container: boolean; type: string }; memory_mb: number; cpus: number };
  assert.deepEqual([facts.virtualization.container, facts.virtualization.type], [true, 'systemd-nspawn']);
});

test('virtualization as Ansible names it: docker, a KVM guest, bare metal', () => {
  const virt = (lines: string): [unknown, unknown, unknown] => {
    const v = factVariables(parseFacts(lines));
    return [v.ansible_virtualization_type, v.ansible_virtualization_role, (v.facts as { virtualization: { container: boolean } }).virtualization.container];
  };
  assert.deepEqual(virt('virtualization=docker\nvirt_cgroup=/docker/0123abcd\nvirt_dockerenv=1\n'), ['docker', 'guest', true]);
  assert.deepEqual(virt('virtualization=kvm\nvirt_environ=\nvirt_systemd=\n'), ['kvm', 'guest', false]);
  assert.deepEqual(virt('virtualization=vmware\n'), ['VMware', 'guest', false]);
  assert.deepEqual(virt('virtualization=none\nvirt_kvm_host=1\n'), ['kvm', 'host', false]);
  assert.deepEqual(virt('virtualization=none\n'), ['NA', 'NA', false]);
});

test('a machine without "physical id" in /proc/cpuinfo (ARM) counts each processor as a socket, as Ansible does', () => {
  const v = factVariables(parseFacts('cpus=4\ncpu_logical=4\ncpu_sockets=0\ncpu_cores=\ncpu_siblings=\nfqdn=web1.example.org\nhostname=web1\nos_id=rocky\nos_id_like=rhel centos fedora\npkg_mgr=dnf\n'));
  assert.deepEqual([v.ansible_processor_count, v.ansible_processor_cores, v.ansible_processor_vcpus], [4, 1, 4]);
  assert.equal(v.ansible_domain, 'example.org');
  assert.deepEqual([v.ansible_distribution, v.ansible_os_family, v.ansible_pkg_mgr], ['Rocky', 'RedHat', 'dnf']);
});
