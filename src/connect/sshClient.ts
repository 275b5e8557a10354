import type { Duplex } from 'node:stream';
import ssh2, { type Client, type ConnectConfig, type ServerHostKeyAlgorithm } from 'ssh2';
import { UnreachableError } from '../core/errors.js';
import { AuthenticationError, HostKeyError, abortError, formatSeconds } from './errors.js';
import { preferredHostKeyAlgorithms, verifyHostKey, type HostKeyPolicy } from './hostKeyCheck.js';
import { authFailureMessage, authHandler, authMethods } from './sshAuth.js';
import type { SshTarget } from './target.js';

export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
export const DEFAULT_KEEPALIVE_MS = 15_000;

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
      client.end();
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
      if (hostKeyProblem) return fail(new HostKeyError(`ssh ${where}: ${hostKeyProblem}`));
      if (err.level === 'client-authentication') return fail(new AuthenticationError(authFailureMessage(target, tried, notes)));
      if (err.level === 'client-timeout' || /timed out/i.test(err.message)) {
        return fail(new UnreachableError(`ssh ${where}: timed out connecting after ${formatSeconds(timeoutMs)}`));
      }
      fail(new UnreachableError(`ssh ${where}: ${err.code ?? err.message}${err.code && err.message && !err.message.includes(err.code) ? ` (${err.message})` : ''}`));
    });
    client.once('close', () =>
      fail(hostKeyProblem ? new HostKeyError(`ssh ${where}: ${hostKeyProblem}`) : new UnreachableError(`ssh ${where}: connection closed during the handshake`)),
    );
    client.connect(config);
  });
}
