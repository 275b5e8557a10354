/**
 * The lab as a normal inventory file (YAML, Ansible's connection variables), so the lab is used like any hosts:
 * by run-playbook, by Ansible in the benchmarks, and by the tests.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { stringify } from 'yaml';
import { STATE_FILE } from './paths.js';
import type { LabState } from './state.js';

export function renderInventory(state: LabState): string {
  const hosts: Record<string, Record<string, string | number>> = {};
  for (const h of state.hosts) hosts[h.name] = { ansible_host: h.address, ansible_port: h.port };
  const vars: Record<string, string | number | boolean> = {
    // run-playbook checks the lab's bridge and the host's namespace exist before it connects to a host marked so.
    run_playbook_lab: true,
    // Which lab: the guard reads this state, not the one RUN_PLAYBOOK_LAB_ID names in the caller's environment
    // (without it, lab 5's inventory run from a shell without the variable was refused as "no lab is up").
    run_playbook_lab_state: STATE_FILE,
    ansible_user: 'root',
    ansible_ssh_private_key_file: state.keyPath,
    run_playbook_known_hosts: state.knownHostsPath,
    // For Ansible itself (benchmarks): the same strict host-key checking against the lab's own known_hosts.
    ansible_ssh_common_args: `-o UserKnownHostsFile=${state.knownHostsPath} -o StrictHostKeyChecking=yes`,
  };
  if (state.sudoUser) {
    vars.lab_sudo_user = state.sudoUser;
    vars.lab_sudo_password = state.sudoPassword;
  }
  if (state.redis) {
    vars.redis_download_url = state.redis.url;
    vars.redis_version = state.redis.version;
  }
  const header =
    `# run-playbook lab inventory (${state.light ? 'light' : 'full'} hosts on ${state.subnet}, bridge ${state.bridge}).\n` +
    '# Written by `run-playbook lab up`; removed by `lab down`. Every address here is inside the lab.\n';
  return header + stringify({ all: { vars, hosts, children: { lab: { hosts: Object.fromEntries(state.hosts.map((h) => [h.name, null])) } } } }, { lineWidth: 0 });
}

export function writeInventory(state: LabState): void {
  mkdirSync(dirname(state.inventoryPath), { recursive: true });
  writeFileSync(state.inventoryPath, renderInventory(state), { mode: 0o600 });
}
