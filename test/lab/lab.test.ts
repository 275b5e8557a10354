/**
 * The lab's promises, proven against real hosts: SSH as root and as the sudo user with strict host-key checking,
 * apt through the lab's cache, a firewall inside a host that leaves the machine's own alone, isolation between
 * hosts, a stopped or cut-off host reported unreachable without hanging, and `lab down` leaving nothing behind.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertLabTarget, labDown, labStatus } from '../../src/lab/index.js';
import { readState } from '../../src/lab/state.js';
import { HOSTS_PARENT_DIR, LOG_DIR, NAME_PREFIX, NAT_COMMENT, RUN_DIR } from '../../src/lab/paths.js';
import { isLabRule } from '../../src/lab/network.js';
import { useLab, type LabHandle } from './harness.js';

let lab: LabHandle;
const scratch = mkdtempSync(join(tmpdir(), 'rplab-test-'));

before(async () => {
  lab = await useLab({ hosts: 3 });
});

after(() => rmSync(scratch, { recursive: true, force: true }));

function address(name: string): string {
  const host = lab.hosts.find((h) => h.name === name);
  assert.ok(host, `lab host ${name}`);
  return host.address;
}

interface SshResult {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

/** The system ssh client with the lab key and the lab's known_hosts, strict host-key checking on. */
function ssh(user: string, host: string, command: string, opts: { stdin?: string; knownHosts?: string; connectTimeout?: number } = {}): Promise<SshResult> {
  const target = address(host);
  assertLabTarget(target);
  const args = [
    '-i', lab.keyPath,
    '-o', `UserKnownHostsFile=${opts.knownHosts ?? lab.knownHostsPath}`,
    '-o', 'StrictHostKeyChecking=yes',
    '-o', 'BatchMode=yes',
    '-o', `ConnectTimeout=${opts.connectTimeout ?? 5}`,
    '-o', 'LogLevel=ERROR',
    `${user}@${target}`,
    command,
  ];
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn('ssh', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.stdin.end(opts.stdin ?? '');
    child.on('close', (code) => resolve({ code: code ?? 255, stdout, stderr, ms: Date.now() - started }));
  });
}

async function inHost(host: string, command: string): Promise<string> {
  const r = await lab.exec(host, command);
  assert.equal(r.code, 0, `${host}: ${command}\n${r.stderr}`);
  return r.stdout;
}

function machineFirewall(): string {
  const dump = spawnSync('iptables-save', [], { encoding: 'utf8' }).stdout;
  return dump
    .split('\n')
    // other labs (RUN_PLAYBOOK_LAB_ID) add and remove their own rules meanwhile; those are not this host's doing
    .filter((l) => !l.startsWith('#') && !/--comment "?run-playbook-lab/.test(l))
    .map((l) => l.replace(/\[\d+:\d+\]/g, ''))
    .join('\n');
}

test('root logs in over SSH with the lab key, and the host key is really checked', async () => {
  const r = await ssh('root', 'redismaster', 'hostname; id -u');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'redismaster\n0\n');
  const emptyKnownHosts = join(scratch, 'known_hosts');
  writeFileSync(emptyKnownHosts, '');
  const unknown = await ssh('root', 'redismaster', 'true', { knownHosts: emptyKnownHosts });
  assert.notEqual(unknown.code, 0, 'an unknown host key must be refused under StrictHostKeyChecking=yes');
  assert.match(unknown.stderr, /host key/i);
});

test('each host has its own SSH host key', () => {
  const keys = readFileSync(lab.knownHostsPath, 'utf8').trim().split('\n').map((l) => l.split(' ').slice(1).join(' '));
  assert.equal(keys.length, 3);
  assert.equal(new Set(keys).size, 3);
});

test('the sudo user logs in and becomes root only with its password', async () => {
  const r = await ssh(lab.sudoUser, 'redisslave1', "sudo -S -p '' id -u; id -un", { stdin: `${lab.sudoPassword}\n` });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, `0\n${lab.sudoUser}\n`);
  const withoutPassword = await ssh(lab.sudoUser, 'redisslave1', 'sudo -n true');
  assert.notEqual(withoutPassword.code, 0, 'sudo must ask for the password (become is tested for real)');
});

test('apt inside a host installs a small package through the lab cache', async () => {
  try {
    const r = await ssh('root', 'redisslave2', 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hello >/dev/null && hello');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'Hello, world!');
    const log = readFileSync(join(LOG_DIR, 'apt-cacher-ng', 'apt-cacher.log'), 'utf8');
    assert.match(log, new RegExp(`\\|${address('redisslave2').replace(/\./g, '\\.')}\\|[^\\n]*/hello_[^/]*\\.deb`), 'the .deb went through apt-cacher-ng');
  } finally {
    await lab.exec('redisslave2', 'apt-get purge -y -qq hello >/dev/null 2>&1');
  }
});

test('ufw enable and a rule work inside a host and leave the machine firewall untouched', async () => {
  const before = machineFirewall();
  try {
    await inHost('redisslave2', 'apt-get update -qq && apt-get install -y -qq ufw >/dev/null 2>&1');
    await inHost('redisslave2', 'ufw allow 22/tcp && ufw --force enable');
    const status = await inHost('redisslave2', 'ufw status');
    assert.match(status, /Status: active/);
    assert.match(status, /22\/tcp\s+ALLOW/);
    assert.match(await inHost('redisslave2', 'iptables -S INPUT'), /-P INPUT DROP/);
    const stillReachable = await ssh('root', 'redisslave2', 'echo through-the-firewall');
    assert.equal(stillReachable.stdout, 'through-the-firewall\n', stillReachable.stderr);
    assert.equal(machineFirewall(), before, "the machine's own iptables must not change");
  } finally {
    await lab.exec('redisslave2', 'ufw --force reset >/dev/null 2>&1; apt-get purge -y -qq --autoremove ufw >/dev/null 2>&1');
  }
});

test('each host sees only its own processes and files', async () => {
  const marker = `/root/only-on-redismaster-${process.pid}`;
  const machineMarker = join(scratch, 'machine-only');
  writeFileSync(machineMarker, 'x');
  try {
    await inHost('redismaster', `touch ${marker}; (setsid sleep 7717 >/dev/null 2>&1 &)`);
    assert.equal((await inHost('redismaster', 'ps -p 1 -o comm=')).trim(), 'systemd');
    assert.match(await inHost('redismaster', 'ps -eo args'), /sleep 7717/);
    const other = await inHost('redisslave1', 'ps -eo args');
    assert.doesNotMatch(other, /sleep 7717/, 'a process of redismaster is visible in redisslave1');
    assert.doesNotMatch(other, /node|systemd-nspawn/, "the machine's processes are visible in a host");
    assert.equal((await lab.exec('redisslave1', `test -e ${marker}`)).code, 1, 'a file of redismaster is visible in redisslave1');
    assert.equal((await lab.exec('redismaster', `test -e ${machineMarker}`)).code, 1, "the machine's files are visible in a host");
  } finally {
    await lab.exec('redismaster', `rm -f ${marker}; pkill -f 'sleep 7717'`);
  }
});

test('a stopped host is reported unreachable quickly, and comes back', async () => {
  await lab.stopHost('redisslave2');
  try {
    const r = await ssh('root', 'redisslave2', 'true', { connectTimeout: 3 });
    assert.notEqual(r.code, 0);
    assert.ok(r.ms < 8000, `ssh to a stopped host took ${r.ms} ms`);
    const status = await labStatus();
    assert.equal(status.hosts.find((h) => h.name === 'redisslave2')?.reachable, false);
  } finally {
    await lab.startHost('redisslave2');
  }
  const back = await ssh('root', 'redisslave2', 'hostname');
  assert.equal(back.stdout, 'redisslave2\n', back.stderr);
});

test('a host whose network is cut times out instead of hanging, and recovers', async () => {
  await lab.cutNetwork('redisslave1');
  try {
    const r = await ssh('root', 'redisslave1', 'true', { connectTimeout: 2 });
    assert.notEqual(r.code, 0);
    assert.ok(r.ms < 7000, `ssh to a cut-off host took ${r.ms} ms`);
  } finally {
    await lab.restoreNetwork('redisslave1');
  }
  const back = await ssh('root', 'redisslave1', 'hostname');
  assert.equal(back.stdout, 'redisslave1\n', back.stderr);
});

function subnetPrefix(): string {
  const state = readState();
  assert.ok(state);
  return state.subnet.replace(/\.0\/24$/, '');
}

test('the lab inventory works from a shell whose RUN_PLAYBOOK_LAB_ID names another lab (the guard reads its own state)', () => {
  const playbook = join(scratch, 'guard.yml');
  writeFileSync(playbook, '- hosts: redismaster\n  gather_facts: false\n  tasks:\n    - command: hostname\n');
  const other = process.env.RUN_PLAYBOOK_LAB_ID === '9' ? '8' : '9';
  const cli = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
  const r = spawnSync(process.execPath, ['--import', 'tsx', cli, playbook, '-i', lab.inventoryPath], {
    encoding: 'utf8',
    env: { ...process.env, RUN_PLAYBOOK_LAB_ID: other },
    timeout: 60_000,
  });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.doesNotMatch(r.stdout, /refusing to connect/);
});

test('the lab refuses targets outside itself', () => {
  assert.throws(() => assertLabTarget('192.168.32.10'), /outside the lab subnet/);
  assert.throws(() => assertLabTarget(`${subnetPrefix()}.250`), /no lab host/);
  assert.doesNotThrow(() => assertLabTarget(address('redismaster')));
});

test('the Redis tarball is served from the bridge with its upstream top folder', async () => {
  assert.match(lab.redisUrl, new RegExp(`^http://${subnetPrefix().replace(/\./g, '\\.')}\\.1:\\d+/redis_\\d+\\.\\d+\\.\\d+\\.orig\\.tar\\.gz$`));
  const version = /redis_(\d+\.\d+\.\d+)\.orig/.exec(lab.redisUrl)?.[1];
  const top = await inHost('redismaster', `python3 -c "import urllib.request,tarfile,io; t=tarfile.open(fileobj=io.BytesIO(urllib.request.urlopen('${lab.redisUrl}').read())); print(t.getnames()[0].split('/')[0])"`);
  assert.equal(top.trim(), `redis-${version}`);
});

// Last: it takes the lab down (a later file's useLab builds it again).
test('lab down leaves no netns, mount, process, link or firewall rule behind', async () => {
  const state = readState();
  assert.ok(state);
  await labDown();
  // This lab's names only: other labs (RUN_PLAYBOOK_LAB_ID) may be up on the same machine meanwhile.
  const ours = new RegExp(`\\b${NAME_PREFIX}[-0]`);
  const netns = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout;
  assert.doesNotMatch(netns, ours);
  const mounts = readFileSync('/proc/mounts', 'utf8');
  assert.doesNotMatch(mounts, ours);
  assert.equal(mounts.includes(`${state.hosts[0].hostDir ?? RUN_DIR}`), false);
  const leftovers = spawnSync('ps', ['-eo', 'pid,stat,args'], { encoding: 'utf8' })
    .stdout.split('\n')
    .filter((l) => ours.test(l) || l.includes(`${RUN_DIR}/`) || l.includes(`${NAT_COMMENT}-http`));
  assert.deepEqual(leftovers, [], 'lab processes left running');
  const links = spawnSync('ip', ['-o', 'link'], { encoding: 'utf8' }).stdout;
  assert.doesNotMatch(links, ours);
  const rules = spawnSync('iptables-save', [], { encoding: 'utf8' }).stdout.split('\n').filter((l) => isLabRule(l));
  assert.deepEqual(rules, [], 'lab firewall rules left behind');
  assert.equal(existsSync(RUN_DIR), false, `${RUN_DIR} left behind`);
  if (HOSTS_PARENT_DIR) assert.equal(existsSync(HOSTS_PARENT_DIR), false, `${HOSTS_PARENT_DIR} left behind`);
  if (state.ipForwardBefore !== undefined) {
    assert.equal(readFileSync('/proc/sys/net/ipv4/ip_forward', 'utf8').trim(), state.ipForwardBefore);
  }
  assert.equal(existsSync(state.inventoryPath), false);
  assert.throws(() => assertLabTarget(state.hosts[0].address), /no lab is up/);
});
