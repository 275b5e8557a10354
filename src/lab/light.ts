/**
 * A light lab host, for connection and scheduling benchmarks at scale: only a network namespace with its own sshd
 * (the machine's openssh-server binary, run by the lab, the machine's ssh service untouched), sharing the machine's
 * file system. No systemd, no sudo user, no apt: not for module tests.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LabError } from '../core/errors.js';
import { run, type ExecResult } from './exec.js';
import { LIGHT_DIR, LOG_DIR } from './paths.js';
import { stopProcess } from './processes.js';
import { makeHostKey } from './sshKeys.js';
import type { HostRecord, LabState } from './state.js';

const SSHD = '/usr/sbin/sshd';
const PRIVSEP_DIR = '/run/sshd';

export function authorizedKeysPath(): string {
  return join(LIGHT_DIR, 'authorized_keys');
}

/** The machine's sshd needs its privilege separation folder; the lab records that it made it, to remove it again. */
export function prepareLightHosts(state: LabState, authorizedKey: string): void {
  if (!existsSync(SSHD)) throw new LabError(`${SSHD} is missing: light hosts run the machine's openssh-server (apt-get install openssh-server)`);
  mkdirSync(LIGHT_DIR, { recursive: true, mode: 0o755 });
  writeFileSync(authorizedKeysPath(), `${authorizedKey}\n`, { mode: 0o644 });
  if (!existsSync(PRIVSEP_DIR)) {
    mkdirSync(PRIVSEP_DIR, { mode: 0o755 });
    state.createdSshdRunDir = true;
  }
}

export function renderLightSshdConfig(host: HostRecord, configDir: string): string {
  return [
    `ListenAddress ${host.address}:${host.port}`,
    `HostKey ${join(configDir, 'ssh_host_ed25519_key')}`,
    `PidFile ${join(configDir, 'sshd.pid')}`,
    `AuthorizedKeysFile ${authorizedKeysPath()}`,
    'PermitRootLogin prohibit-password',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    // No PAM: a PAM session per login would write to the machine's own logs and utmp.
    'UsePAM no',
    'StrictModes no',
    'PrintMotd no',
    'MaxStartups 200:30:400',
    'MaxSessions 100',
    'Subsystem sftp internal-sftp',
    '',
  ].join('\n');
}

export async function startLightHost(host: HostRecord): Promise<number> {
  const configDir = host.configDir ?? join(LIGHT_DIR, host.name);
  host.configDir = configDir;
  mkdirSync(configDir, { recursive: true });
  if (!host.hostKey) host.hostKey = await makeHostKey(configDir, host.name);
  const config = join(configDir, 'sshd_config');
  writeFileSync(config, renderLightSshdConfig(host, configDir));
  mkdirSync(LOG_DIR, { recursive: true });
  const logFd = openSync(join(LOG_DIR, `${host.name}.sshd`), 'a');
  // `ip netns exec` execs sshd in place, so the pid is sshd's own; -D keeps it from forking away from that pid.
  const child = spawn('ip', ['netns', 'exec', host.netns, SSHD, '-D', '-e', '-f', config], { detached: true, stdio: ['ignore', logFd, logFd] });
  closeSync(logFd);
  child.unref();
  if (child.pid === undefined) throw new LabError(`sshd could not be started for light host ${host.name}`);
  return child.pid;
}

export async function stopLightHost(host: HostRecord): Promise<string | undefined> {
  const problem = await stopProcess(host.pid, join(host.configDir ?? LIGHT_DIR, 'sshd_config'), 5000);
  host.pid = undefined;
  return problem;
}

export async function removeLightHost(host: HostRecord): Promise<string[]> {
  const problem = await stopLightHost(host);
  if (host.configDir?.startsWith(`${LIGHT_DIR}/`)) rmSync(host.configDir, { recursive: true, force: true });
  return problem ? [problem] : [];
}

export function execInLightHost(host: HostRecord, command: string, timeoutMs = 600_000): Promise<ExecResult> {
  return run('ip', ['netns', 'exec', host.netns, '/bin/sh', '-c', command], { timeoutMs });
}

export function removePrivsepDir(state: LabState): void {
  if (!state.createdSshdRunDir) return;
  try {
    rmdirSync(PRIVSEP_DIR);
  } catch {
    /* not empty (another sshd uses it now) or already gone: leave it */
  }
  state.createdSshdRunDir = false;
}
