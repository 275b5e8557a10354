/**
 * A full lab host: the base image under a per-host overlayfs, booted by systemd-nspawn inside the host's network
 * namespace. No systemd-machined is assumed (the machine's PID 1 may not be systemd): --register=no --keep-unit.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, copyFileSync, chownSync, existsSync, mkdirSync, openSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LabError } from '../core/errors.js';
import { aptProxyConf } from './aptcache.js';
import { attempt, must, run, type ExecResult } from './exec.js';
import { HOSTS_DIR, LOG_DIR, NAME_PREFIX, netnsPath } from './paths.js';
import { childrenOf, isAlive, stopProcess } from './processes.js';
import { makeHostKey } from './sshKeys.js';
import { saveState, type HostRecord, type LabState } from './state.js';

export interface HostSetup {
  baseDir: string;
  authorizedKey: string;
  sudoUser: string;
  aptProxyUrl: string | undefined;
  /** Every lab host, for /etc/hosts, so hosts reach each other by name as in the documented setup. */
  peers: readonly { name: string; address: string }[];
}

export async function mountHostRoot(state: LabState, host: HostRecord, baseDir: string): Promise<void> {
  const hostDir = join(HOSTS_DIR, host.name);
  host.hostDir = hostDir;
  host.rootDir = join(hostDir, 'root');
  saveState(state);
  rmSync(hostDir, { recursive: true, force: true });
  for (const d of ['upper', 'work', 'root']) mkdirSync(join(hostDir, d), { recursive: true });
  await must('mount', ['-t', 'overlay', `${NAME_PREFIX}-${host.name}`, '-o', `lowerdir=${baseDir},upperdir=${join(hostDir, 'upper')},workdir=${join(hostDir, 'work')}`, host.rootDir]);
  host.mounted = true;
  saveState(state);
}

/** What makes this host itself: name, machine-id, its own SSH host key, keys to log in, DNS, apt through the cache. */
export async function personalizeHost(host: HostRecord, setup: HostSetup): Promise<void> {
  const root = host.rootDir;
  if (!root) throw new LabError(`host ${host.name} has no root file system`);
  const at = (p: string): string => join(root, p);
  writeFileSync(at('etc/hostname'), `${host.name}\n`);
  writeFileSync(at('etc/machine-id'), `${randomBytes(16).toString('hex')}\n`);
  const peers = setup.peers.map((p) => `${p.address}\t${p.name}\n`).join('');
  writeFileSync(at('etc/hosts'), `127.0.0.1\tlocalhost\n127.0.1.1\t${host.name}\n::1\tlocalhost ip6-localhost ip6-loopback\n${peers}`);
  rmSync(at('etc/resolv.conf'), { force: true });
  copyFileSync(machineResolvConf(), at('etc/resolv.conf'));
  host.hostKey = await makeHostKey(at('etc/ssh'), host.name);
  const passwd = readFileSync(at('etc/passwd'), 'utf8');
  const users: { name: string; home: string; uid: number; gid: number }[] = [{ name: 'root', home: 'root', uid: 0, gid: 0 }];
  const sudoLine = passwd.split('\n').find((l) => l.startsWith(`${setup.sudoUser}:`));
  if (sudoLine) {
    const f = sudoLine.split(':');
    users.push({ name: setup.sudoUser, home: f[5].replace(/^\//, ''), uid: Number(f[2]), gid: Number(f[3]) });
  }
  for (const u of users) {
    const sshDir = at(join(u.home, '.ssh'));
    mkdirSync(sshDir, { recursive: true, mode: 0o700 });
    writeFileSync(join(sshDir, 'authorized_keys'), `${setup.authorizedKey}\n`, { mode: 0o600 });
    chownSync(sshDir, u.uid, u.gid);
    chownSync(join(sshDir, 'authorized_keys'), u.uid, u.gid);
  }
  const aptConf = at('etc/apt/apt.conf.d/01run-playbook-lab-proxy');
  if (setup.aptProxyUrl) writeFileSync(aptConf, aptProxyConf(setup.aptProxyUrl));
  else rmSync(aptConf, { force: true });
}

/** systemd-resolved's stub (127.0.0.53) means nothing inside a host's own namespace; its upstream file does. */
function machineResolvConf(): string {
  const real = realpathSync('/etc/resolv.conf');
  if (real.includes('/systemd/resolve/') && existsSync('/run/systemd/resolve/resolv.conf')) return '/run/systemd/resolve/resolv.conf';
  return real;
}

export function startFullHost(host: HostRecord): number {
  if (!host.rootDir) throw new LabError(`host ${host.name} has no root file system`);
  mkdirSync(LOG_DIR, { recursive: true });
  const logFd = openSync(join(LOG_DIR, `${host.name}.console`), 'a');
  // detached = setsid(): the container outlives the CLI and never receives the terminal's Ctrl-C.
  const child = spawn(
    'systemd-nspawn',
    [
      '--boot',
      '--register=no',
      '--keep-unit',
      `--network-namespace-path=${netnsPath(host.name)}`,
      '--capability=CAP_NET_ADMIN,CAP_NET_RAW',
      '--resolv-conf=off',
      `--machine=${host.name}`,
      '-D',
      host.rootDir,
    ],
    { detached: true, stdio: ['ignore', logFd, logFd] },
  );
  closeSync(logFd);
  child.unref();
  if (child.pid === undefined) throw new LabError(`systemd-nspawn could not be started for ${host.name} (is systemd-container installed?)`);
  return child.pid;
}

/** SIGTERM makes systemd-nspawn power the container off cleanly; SIGKILL after the grace period. */
export async function stopFullHost(host: HostRecord): Promise<string | undefined> {
  const problem = await stopProcess(host.pid, 'systemd-nspawn', 15_000);
  host.pid = undefined;
  return problem;
}

export async function removeFullHost(host: HostRecord): Promise<string[]> {
  const problems: string[] = [];
  const p = await stopFullHost(host);
  if (p) problems.push(p);
  if (host.rootDir && isMounted(host.rootDir)) {
    const failed = await attempt('umount', [host.rootDir]);
    if (failed && isMounted(host.rootDir)) {
      const lazy = await attempt('umount', ['-l', host.rootDir]);
      if (lazy) problems.push(lazy);
    }
  }
  host.mounted = false;
  if (host.hostDir && host.hostDir.startsWith(`${HOSTS_DIR}/`) && !(host.rootDir && isMounted(host.rootDir))) {
    rmSync(host.hostDir, { recursive: true, force: true });
  }
  return problems;
}

export function isMounted(path: string): boolean {
  return labMounts().includes(path);
}

/** Mount points under the lab's hosts folder, deepest first (so unmounting in order never hits a busy parent). */
export function labMounts(): string[] {
  const mounts = readFileSync('/proc/self/mounts', 'utf8')
    .split('\n')
    .map((l) => l.split(' ')[1]?.replace(/\\040/g, ' '))
    .filter((m): m is string => !!m && m.startsWith(`${HOSTS_DIR}/`));
  return mounts.sort((a, b) => b.length - a.length);
}

/** The container's init: the child of systemd-nspawn that is PID 1 in its own PID namespace. */
export function containerInit(host: HostRecord): number | undefined {
  if (host.pid === undefined || !isAlive(host.pid)) return undefined;
  for (const child of childrenOf(host.pid)) {
    try {
      const status = readFileSync(`/proc/${child}/status`, 'utf8');
      const nspid = /^NSpid:\s+(.*)$/m.exec(status)?.[1].trim().split(/\s+/);
      if (nspid && nspid.length > 1 && nspid[nspid.length - 1] === '1') return child;
    } catch {
      /* exited meanwhile */
    }
  }
  return undefined;
}

const CLEAN_PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Runs a shell command inside the container from outside: all its namespaces and its root, a clean environment. */
export async function execInFullHost(host: HostRecord, command: string, timeoutMs = 600_000): Promise<ExecResult> {
  const init = containerInit(host);
  if (init === undefined) throw new LabError(`lab host ${host.name} is not running`);
  return run(
    'nsenter',
    ['--target', String(init), '--mount', '--uts', '--ipc', '--net', '--pid', '--cgroup', '--root', '--wd',
      '--', '/usr/bin/env', '-i', CLEAN_PATH, 'HOME=/root', 'LANG=C.UTF-8', 'DEBIAN_FRONTEND=noninteractive', '/bin/sh', '-c', command],
    { timeoutMs },
  );
}
