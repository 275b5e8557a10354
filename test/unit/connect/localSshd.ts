/**
 * A private sshd on loopback for the connection tests: its own host key, a fresh client key, root login by
 * key only. Loopback only; never touches the system's sshd or ~/.ssh.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SshTarget } from '../../../src/connect/target.js';

export interface LocalSshd {
  dir: string;
  port: number;
  clientKeyPath: string;
  /** known_hosts holding this sshd's key as `[127.0.0.1]:port`. */
  knownHostsPath: string;
  /** The host public key line (`type base64`). */
  hostKeyLine: string;
  target(overrides?: Partial<SshTarget>): SshTarget;
  /** Kill the per-connection sshd processes: every open connection drops, the listener stays. */
  dropConnections(): void;
  stop(): Promise<void>;
}

export const sshdAvailable = existsSync('/usr/sbin/sshd') && process.getuid?.() === 0;

async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`sshd exited: ${log()}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`sshd did not listen on ${port}: ${log()}`);
}

export async function startSshd(opts: { sftp?: boolean; extraConfig?: string } = {}): Promise<LocalSshd> {
  const dir = mkdtempSync(join(tmpdir(), 'rp-sshd-'));
  const port = await freePort();
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'host_key')]);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'client_key')]);
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(join(dir, 'client_key.pub')), { mode: 0o600 });
  const hostKeyLine = readFileSync(join(dir, 'host_key.pub'), 'utf8').trim().split(/\s+/).slice(0, 2).join(' ');
  writeFileSync(join(dir, 'known_hosts'), `[127.0.0.1]:${port} ${hostKeyLine}\n`);
  const config = [
    `Port ${port}`,
    'ListenAddress 127.0.0.1',
    `HostKey ${join(dir, 'host_key')}`,
    `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
    `PidFile ${join(dir, 'sshd.pid')}`,
    'UsePAM no',
    'StrictModes no',
    'PermitRootLogin yes',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'MaxSessions 20',
    'AllowTcpForwarding yes',
    ...(opts.sftp === false ? [] : ['Subsystem sftp internal-sftp']),
    opts.extraConfig ?? '',
  ].join('\n');
  writeFileSync(join(dir, 'sshd_config'), config + '\n');
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 }); // sshd's privilege separation folder
  let log = '';
  const child = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', join(dir, 'sshd_config')], { stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr?.on('data', (c: Buffer) => {
    log = (log + c.toString()).slice(-4000);
  });
  await waitForPort(port, child, () => log);
  const clientKeyPath = join(dir, 'client_key');
  const knownHostsPath = join(dir, 'known_hosts');
  return {
    dir,
    port,
    clientKeyPath,
    knownHostsPath,
    hostKeyLine,
    target: (overrides = {}) => ({
      host: 'sshd-test',
      address: '127.0.0.1',
      port,
      user: 'root',
      privateKeyFile: clientKeyPath,
      hostKeyChecking: 'strict',
      knownHostsFiles: [knownHostsPath],
      connectTimeoutMs: 5000,
      ...overrides,
    }),
    dropConnections: () => {
      if (!child.pid) return;
      const out = execFileSync('ps', ['-o', 'pid=', '--ppid', String(child.pid)]).toString();
      for (const pid of out.split(/\s+/).filter(Boolean)) {
        try {
          process.kill(Number(pid), 'SIGKILL');
        } catch {
          // already gone
        }
      }
    },
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
