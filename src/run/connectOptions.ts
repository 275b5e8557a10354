import type { Vars } from '../core/model.js';
import { Secret } from '../core/sh.js';
import type { ConnectOptions } from '../connect/index.js';
import type { RunPlaybookOptions } from './options.js';

export function connectOptionsFrom(options: RunPlaybookOptions): ConnectOptions {
  return {
    ...(options.user ? { user: options.user } : {}),
    ...(options.privateKeyFile ? { privateKeyFile: options.privateKeyFile } : {}),
    ...(options.privateKeyPassphrase !== undefined ? { passphrase: options.privateKeyPassphrase } : {}),
    ...(options.password !== undefined ? { password: new Secret(options.password) } : {}),
    ...hostKeyCheckingOption(options),
    ...(options.knownHostsFiles ? { knownHostsFiles: options.knownHostsFiles } : {}),
    ...(options.connectTimeoutMs ? { connectTimeoutMs: options.connectTimeoutMs } : {}),
    ...(options.commandTimeoutMs ? { commandTimeoutMs: options.commandTimeoutMs } : {}),
    ...((options.verbosity ?? 0) >= 1 ? { verbose: (msg: string) => options.onEvent?.({ type: 'warning', time: Date.now(), message: msg }) } : {}),
  };
}

/**
 * An explicit option, else Ansible's ANSIBLE_HOST_KEY_CHECKING=False (as ported CI jobs set it); left unset, the
 * inventory's StrictHostKeyChecking or the strict default decides per host.
 */
function hostKeyCheckingOption(options: RunPlaybookOptions): Pick<ConnectOptions, 'hostKeyChecking'> {
  if (options.hostKeyChecking) return { hostKeyChecking: options.hostKeyChecking };
  const env = process.env.ANSIBLE_HOST_KEY_CHECKING?.trim().toLowerCase();
  if (env && ['false', 'no', 'off', '0', 'n', 'f'].includes(env)) return { hostKeyChecking: 'off' };
  return {};
}

/**
 * Lab hosts live in network namespaces on this machine; before a packet is sent to one, the lab proves its bridge
 * and the host's namespace exist, so nothing meant for a lab host can leave for a real network.
 */
export async function labGuard(host: string, vars: Vars): Promise<void> {
  if (vars.run_playbook_lab !== true) return;
  const { assertLabTarget } = await import('../lab/operate.js');
  const statePath = typeof vars.run_playbook_lab_state === 'string' ? vars.run_playbook_lab_state : undefined;
  assertLabTarget(String(vars.ansible_host ?? host), statePath);
}
