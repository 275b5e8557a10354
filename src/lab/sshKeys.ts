/**
 * SSH identities: one lab client key (made once, cached), one host key per host per `up` (never shared through the
 * base image), and a known_hosts file the lab owns, so strict host-key checking is exercised for real.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { must } from './exec.js';
import { SSH_KEY_DIR, SSH_KEY_FILE } from './paths.js';

export async function ensureLabKey(): Promise<{ privateKeyPath: string; publicKey: string }> {
  if (!existsSync(SSH_KEY_FILE) || !existsSync(`${SSH_KEY_FILE}.pub`)) {
    mkdirSync(SSH_KEY_DIR, { recursive: true, mode: 0o700 });
    rmSync(SSH_KEY_FILE, { force: true });
    rmSync(`${SSH_KEY_FILE}.pub`, { force: true });
    await must('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'run-playbook-lab', '-f', SSH_KEY_FILE]);
  }
  return { privateKeyPath: SSH_KEY_FILE, publicKey: readFileSync(`${SSH_KEY_FILE}.pub`, 'utf8').trim() };
}

/** Writes `<dir>/ssh_host_ed25519_key{,.pub}` and returns the public line without its comment. */
export async function makeHostKey(dir: string, hostName: string): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'ssh_host_ed25519_key');
  rmSync(file, { force: true });
  rmSync(`${file}.pub`, { force: true });
  await must('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `root@${hostName}`, '-f', file]);
  const [type, key] = readFileSync(`${file}.pub`, 'utf8').trim().split(/\s+/);
  return `${type} ${key}`;
}

export interface KnownHost {
  name: string;
  address: string;
  port: number;
  hostKey: string;
}

/** One line per host, matching both its name and its address (`[addr]:port` when the port is not 22). */
export function renderKnownHosts(hosts: readonly KnownHost[]): string {
  const at = (h: string, port: number): string => (port === 22 ? h : `[${h}]:${port}`);
  return hosts.map((h) => `${at(h.address, h.port)},${at(h.name, h.port)} ${h.hostKey}\n`).join('');
}

export function writeKnownHosts(path: string, hosts: readonly KnownHost[]): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, renderKnownHosts(hosts), { mode: 0o644 });
}
