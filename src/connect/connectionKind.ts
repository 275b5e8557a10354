/** What `ansible_connection` may say: SSH under its Ansible names, or this machine. Nothing else is run. */
export const SSH_CONNECTIONS: ReadonlySet<string> = new Set(['ssh', 'smart', 'paramiko', 'ansible.builtin.ssh', 'ansible.legacy.ssh', 'ansible.builtin.paramiko_ssh']);
export const LOCAL_CONNECTIONS: ReadonlySet<string> = new Set(['local', 'ansible.builtin.local', 'ansible.legacy.local']);

/** Why a literal `ansible_connection` cannot be used, or undefined (templated values are judged once rendered). */
export function connectionKindProblem(kind: unknown): string | undefined {
  if (typeof kind !== 'string' || kind.includes('{{')) return undefined;
  if (SSH_CONNECTIONS.has(kind) || LOCAL_CONNECTIONS.has(kind)) return undefined;
  return `ansible_connection "${kind}" is not supported: run-playbook connects over SSH or locally (ssh, local)`;
}
