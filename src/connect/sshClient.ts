import type { Duplex } from 'node:stream';
import ssh2, { type Client, type ConnectConfig, type ServerHostKeyAlgorithm } from 'ssh2';
import { UnreachableError } from '../core/errors.js';
import { AuthenticationError, HostKeyError, abortError, formatSeconds } from './errors.js';
import { preferredHostKeyAlgorithms, verifyHostKey, type HostKeyPolicy } from './hostKeyCheck.js';
import { authFailureMessage, authHandler, authMethods } from './sshAuth.js';
import type { SshTarget } from './target.js';

export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
export const DEFAULT_KEEPALIVE_MS = 15_000;

/** The errno names an operator meets most, said in words (the code stays, for searching). */
const SOCKET_ERRORS: Record<string, string> = {
  ECONNREFUSED: 'connection refused (is sshd running and listening on that port?)',
  EHOSTUNREACH: 'no route to host',
  ENETUNREACH: 'network unreachable',
  ECONNRESET: 'connection reset by the remote side',
  ENOTFOUND: 'unknown host name (DNS lookup failed)',
  EAI_AGAIN: 'host name lookup failed for now (DNS not answering)',
  ETIMEDOUT: 'timed out connecting',
};

/** Open and authenticate one ssh2 Client; `sock` is a tunnel through a jump host when there is one. */
export function openClient(target: SshTarget, sock?: Duplex, signal?: AbortSignal): Promise<Client> {
  const client = new ssh2.Client(); // ssh2 is CommonJS: named exports are not visible to ESM
  const policy: HostKeyPolicy = {
    host: target.host,
    address: target.address,
    port: target.port,
    checking: target.hostKeyChecking,
    knownHostsFiles: target.knownHostsFiles,
  };
  const { methods, notes } = authMethods(target);
  const tried: string[] = [];
  let hostKeyProblem: string | null = null;
  const timeoutMs = target.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const preferred = target.hostKeyChecking === 'off' ? undefined : preferredHostKeyAlgorithms(policy);
  const where = `${target.user}@${target.address}:${target.port}${target.jump ? ` via ${target.jump.address}` : ''}`;

  const config: ConnectConfig = {
    host: target.address,
    port: target.port,
    username: target.user,
    readyTimeout: timeoutMs,
    keepaliveInterval: target.keepaliveIntervalMs ?? DEFAULT_KEEPALIVE_MS,
    keepaliveCountMax: 3,
    hostVerifier: (key: Buffer): boolean => {
      hostKeyProblem = verifyHostKey(policy, key);
      return hostKeyProblem === null;
    },
    authHandler: authHandler(methods, tried),
    ...(sock ? { sock } : {}),
    ...(preferred ? { algorithms: { serverHostKey: preferred as ServerHostKeyAlgorithm[] } } : {}),
  };

  return new Promise<Client>((resolve, reject) => {
    let settled = false;
    // ssh2's readyTimeout does not cover a TCP connect that hangs (dropped SYNs), so the whole attempt has one clock
    const timer = setTimeout(() => fail(new UnreachableError(`ssh ${where}: timed out connecting after ${formatSeconds(timeoutMs)}`)), timeoutMs + 500);
    const onAbort = (): void => fail(abortError(signal as AbortSignal));
    function done(): void {
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
    function fail(err: Error): void {
      if (settled) return;
      done();
      // destroy only: ssh2's end() on a socket still connecting half-closes it, after which its destroy() skips it,
      // and that socket then keeps the process alive until ssh2's own readyTimeout (a Ctrl-C that does not exit)
      client.destroy();
      reject(err);
    }
    if (signal?.aborted) return fail(abortError(signal));
    signal?.addEventListener('abort', onAbort, { once: true });
    client.once('ready', () => {
      if (settled) return;
      done();
      client.setNoDelay(true); // commands are small round trips: never wait for Nagle on our side
      resolve(client);
    });
    client.on('error', (err: Error & { level?: string; code?: string }) => {
      if (settled) return;
      // ssh2 reports an agent it cannot reach (a stale SSH_AUTH_SOCK) and then goes on to the next method itself,
      // as OpenSSH does: noted for the failure message, not a reason to give up on the host
      if (err.level === 'agent') {
        notes.push(`agent ${target.agentSocket ?? ''} not usable: ${err.message}`);
        return;
      }
      if (hostKeyProblem) return fail(new HostKeyError(`ssh ${where}: ${hostKeyProblem}`));
      if (err.level === 'client-authentication') return fail(new AuthenticationError(authFailureMessage(target, tried, notes)));
      if (err.level === 'client-timeout' || /timed out/i.test(err.message)) {
        return fail(new UnreachableError(`ssh ${where}: timed out connecting after ${formatSeconds(timeoutMs)}`));
      }
      const plain = err.code ? SOCKET_ERRORS[err.code] : undefined;
      if (plain) return fail(new UnreachableError(`ssh ${where}: ${plain} (${err.code})`));
      fail(new UnreachableError(`ssh ${where}: ${err.code ?? err.message}${err.code && err.message && !err.message.includes(err.code) ? ` (${err.message})` : ''}`));
    });
    client.once('close', () =>
      fail(hostKeyProblem ? new HostKeyError(`ssh ${where}: ${hostKeyProblem}`) : new UnreachableError(`ssh ${where}: connection closed during the handshake`)),
    );
    client.connect(config);
  });
}
