/**
 * The lab's record of everything it made, written after every step (not at the end) so that `down` — or the
 * stale-state cleanup at the start of `up` after a crash — removes exactly what exists, and nothing else.
 */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { LabError } from '../core/errors.js';
import { STATE_FILE } from './paths.js';

export type HostKind = 'full' | 'light';

export interface HostRecord {
  name: string;
  address: string;
  port: number;
  kind: HostKind;
  netns: string;
  veth: string;
  /** Full hosts: the per-host folder holding the overlay's upper, work and merged root. */
  hostDir?: string;
  rootDir?: string;
  mounted?: boolean;
  /** Full hosts: the systemd-nspawn process; light hosts: the host's sshd. */
  pid?: number;
  /** Light hosts: the sshd configuration folder. */
  configDir?: string;
  /** The host's public SSH host key line (`ssh-ed25519 AAAA...`). */
  hostKey?: string;
}

export interface ServiceRecord {
  pid: number;
  url: string;
}

export interface RedisSourceRecord {
  version: string;
  file: string;
  url: string;
}

export interface LabState {
  version: 1;
  createdAt: string;
  light: boolean;
  subnet: string;
  bridge: string;
  bridgeAddress: string;
  bridgeCreated: boolean;
  /** iptables rules added, each as [table, chain, ...rule] so `-D` can remove that exact rule. */
  iptablesRules: string[][];
  /** Value of net.ipv4.ip_forward before the lab set it to 1; absent when the lab did not change it. */
  ipForwardBefore?: string;
  /** /run/sshd created for light hosts' sshd (privilege separation dir), removed again by `down`. */
  createdSshdRunDir?: boolean;
  aptCache?: ServiceRecord;
  http?: ServiceRecord;
  redis?: RedisSourceRecord;
  sudoUser: string;
  sudoPassword: string;
  keyPath: string;
  knownHostsPath: string;
  inventoryPath: string;
  hosts: HostRecord[];
  /** True once every host answered on SSH; a state with ready=false is a crashed or running `up`. */
  ready: boolean;
}

export function readState(path: string = STATE_FILE): LabState | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    // Unreadable is not absent: a non-root `lab status` used to say "down" about a running lab.
    if ((e as NodeJS.ErrnoException).code === 'EACCES') throw new LabError(`cannot read the lab's state ${path}: permission denied (the lab belongs to root; run this with sudo)`);
    return undefined;
  }
  try {
    const parsed = JSON.parse(text) as LabState;
    return parsed.version === 1 ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** Atomic write: a crash mid-write leaves the previous complete record, never half a file. */
export function saveState(state: LabState, path: string = STATE_FILE): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(state, null, 2) + '\n', { mode: 0o600 });
  renameSync(tmp, path);
}

export function removeState(path: string = STATE_FILE): void {
  rmSync(path, { force: true });
}
