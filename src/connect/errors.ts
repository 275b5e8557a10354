import { ModuleError, UnreachableError } from '../core/errors.js';

/** A command ran past its timeout; its process group was killed. */
export class CommandTimeoutError extends ModuleError {
  override name = 'CommandTimeoutError';
  constructor(readonly command: string, readonly timeoutMs: number, host: string) {
    super(`command timed out after ${formatSeconds(timeoutMs)} on ${host} (killed with everything it started): ${command}`, { timeoutMs });
  }
}

/** sudo refused: no password given where one is needed, or a wrong one. */
export class BecomeError extends ModuleError {
  override name = 'BecomeError';
}

/** The server's host key is unknown, changed or revoked. The host is unreachable for this run. */
export class HostKeyError extends UnreachableError {
  override name = 'HostKeyError';
}

/** Every authentication method was refused. */
export class AuthenticationError extends UnreachableError {
  override name = 'AuthenticationError';
}

export function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}

/** The error a run() rejects with when its signal aborts: the signal's reason when it is an Error. */
export function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof Error) return reason;
  const err = new Error(typeof reason === 'string' ? reason : 'The operation was aborted');
  err.name = 'AbortError';
  return err;
}
