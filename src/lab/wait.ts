/** Waiting for a lab service to answer: every wait has a deadline, and a failure names what did not come up. */
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { LabError } from '../core/errors.js';

/** Resolves with the first bytes the server sends (empty when it sends nothing within a moment), or undefined. */
export function probe(address: string, port: number, timeoutMs: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = connect({ host: address, port });
    let greeting = '';
    const done = (value: string | undefined): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(value);
    };
    const timer = setTimeout(() => done(greeting || undefined), timeoutMs);
    socket.on('data', (c: Buffer) => {
      greeting += c.toString('latin1');
      if (greeting.includes('\n')) done(greeting);
    });
    socket.on('error', () => done(undefined));
  });
}

export async function waitForPort(address: string, port: number, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const connected = await new Promise<boolean>((resolve) => {
      const s = connect({ host: address, port });
      s.setTimeout(1000, () => {
        s.destroy();
        resolve(false);
      });
      s.on('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (connected) return;
    await sleep(100);
  }
  throw new LabError(`${what} did not answer on ${address}:${port} within ${Math.round(timeoutMs / 1000)} s`);
}

/** An sshd is ready when it sends its `SSH-2.0-` banner, not merely when the port accepts. */
export async function waitForSsh(address: string, port: number, timeoutMs: number, what: string, alive?: () => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const greeting = await probe(address, port, 1500);
    if (greeting?.startsWith('SSH-')) return;
    if (alive && !alive()) throw new LabError(`${what} stopped before its sshd answered`);
    await sleep(150);
  }
  throw new LabError(`${what}: sshd did not answer on ${address}:${port} within ${Math.round(timeoutMs / 1000)} s`);
}
