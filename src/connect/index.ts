import type { Connection } from '../core/connection.js';
import { LocalConnection } from './local.js';
import { targetFromVars, type ConnectOptions } from './target.js';
import { LOCAL_CONNECTIONS, SSH_CONNECTIONS, connectionKindProblem } from './connectionKind.js';
import { OptionsError } from '../core/errors.js';

export { LocalConnection } from './local.js';
export type { SshConnection } from './ssh.js';
export { targetFromVars, type ConnectOptions, type SshTarget } from './target.js';
export type { HostKeyChecking } from './hostKeyCheck.js';
export { AuthenticationError, BecomeError, CommandTimeoutError, HostKeyError } from './errors.js';

const LOCAL_NAMES = new Set(['localhost', '127.0.0.1', '::1']);

/** Local for `ansible_connection: local`, or localhost without an explicit `ansible_connection: ssh`; SSH otherwise. */
export function isLocalHost(host: string, vars: Record<string, unknown>): boolean {
  const kind = vars.ansible_connection;
  if (typeof kind === 'string' && LOCAL_CONNECTIONS.has(kind)) return true;
  if (typeof kind === 'string' && SSH_CONNECTIONS.has(kind)) return false;
  return LOCAL_NAMES.has(host) && (vars.ansible_host === undefined || LOCAL_NAMES.has(String(vars.ansible_host)));
}

export async function openConnection(host: string, vars: Record<string, unknown>, opts: ConnectOptions = {}, signal?: AbortSignal): Promise<Connection> {
  const unsupported = connectionKindProblem(vars.ansible_connection);
  if (unsupported) throw new OptionsError(`${host}: ${unsupported}`);
  if (isLocalHost(host, vars)) return new LocalConnection(host);
  // ssh2 is loaded on the first SSH connection only: --syntax-check and local runs never pay for it.
  const { connectSsh } = await import('./ssh.js');
  return connectSsh(targetFromVars(host, vars, opts), signal);
}
