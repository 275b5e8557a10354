/**
 * Acting on a running lab from outside: its status, the safety check before connecting, and what fault tests need
 * (run a command inside a host, stop and start it, cut and restore its network).
 */
import { existsSync } from 'node:fs';
import { basename, isAbsolute } from 'node:path';
import { LabError } from '../core/errors.js';
import { parseSubnet, isInSubnet } from './addresses.js';
import type { ExecResult } from './exec.js';
import { execInFullHost, startFullHost, stopFullHost } from './host.js';
import { labHealth, type HostHealth } from './lifecycle.js';
import { execInLightHost, startLightHost, stopLightHost } from './light.js';
import { setHostLink } from './network.js';
import { INVENTORY_FILE } from './paths.js';
import { assertCanRunLab } from './preflight.js';
import { readState, saveState, type HostRecord, type LabState } from './state.js';
import { waitForSsh } from './wait.js';
import { isAlive } from './processes.js';

export interface LabStatus {
  up: boolean;
  state?: LabState;
  hosts: HostHealth[];
}

export async function labStatus(): Promise<LabStatus> {
  const state = readState();
  if (!state) return { up: false, hosts: [] };
  const hosts = await labHealth(state);
  return { up: state.ready && hosts.every((h) => h.reachable), state, hosts };
}

export function labInventoryPath(): string {
  return INVENTORY_FILE;
}

/**
 * Throws unless `address` is a lab host whose namespace and the lab bridge exist right now: a packet meant for a
 * lab host must never leave for a real network because the lab is gone and the address is routed elsewhere.
 * `statePath` is the lab's own state file (the inventory's `run_playbook_lab_state`); default: this process's lab.
 */
export function assertLabTarget(address: string, statePath?: string): void {
  if (statePath !== undefined && !(isAbsolute(statePath) && basename(statePath) === 'state.json')) {
    throw new LabError(`refusing to connect to ${address}: run_playbook_lab_state '${statePath}' is not a lab state file`);
  }
  const state = readState(statePath);
  if (!state) throw new LabError(`refusing to connect to ${address}: no lab is up (run \`run-playbook lab up\`)`);
  if (!isInSubnet(parseSubnet(state.subnet), address)) throw new LabError(`refusing to connect to ${address}: it is outside the lab subnet ${state.subnet}`);
  const host = state.hosts.find((h) => h.address === address);
  if (!host) throw new LabError(`refusing to connect to ${address}: no lab host has this address`);
  if (!existsSync(`/sys/class/net/${state.bridge}`)) throw new LabError(`refusing to connect to ${address}: the lab bridge ${state.bridge} is gone`);
  if (!existsSync(`/run/netns/${host.netns}`)) throw new LabError(`refusing to connect to ${address}: the network namespace of ${host.name} is gone`);
}

function findHost(state: LabState | undefined, name: string): { state: LabState; host: HostRecord } {
  if (!state) throw new LabError('no lab is up');
  const host = state.hosts.find((h) => h.name === name || h.address === name);
  if (!host) throw new LabError(`no lab host named '${name}' (hosts: ${state.hosts.map((h) => h.name).join(', ')})`);
  return { state, host };
}

export async function labExec(name: string, command: string, timeoutMs?: number): Promise<ExecResult> {
  assertCanRunLab();
  const { host } = findHost(readState(), name);
  return host.kind === 'full' ? execInFullHost(host, command, timeoutMs) : execInLightHost(host, command, timeoutMs);
}

export async function labStopHost(name: string): Promise<void> {
  assertCanRunLab();
  const { state, host } = findHost(readState(), name);
  const problem = host.kind === 'full' ? await stopFullHost(host) : await stopLightHost(host);
  saveState(state);
  if (problem) throw new LabError(problem);
}

export async function labStartHost(name: string): Promise<void> {
  assertCanRunLab();
  const { state, host } = findHost(readState(), name);
  if (host.pid !== undefined && isAlive(host.pid)) return;
  host.pid = host.kind === 'full' ? startFullHost(host) : await startLightHost(host);
  saveState(state);
  await waitForSsh(host.address, host.port, 90_000, `lab host ${host.name}`, () => host.pid !== undefined && isAlive(host.pid));
}

export async function labCutNetwork(name: string): Promise<void> {
  assertCanRunLab();
  await setHostLink(findHost(readState(), name).host, false);
}

export async function labRestoreNetwork(name: string): Promise<void> {
  assertCanRunLab();
  await setHostLink(findHost(readState(), name).host, true);
}
