import { ModuleError } from '../../core/errors.js';
import type { ModuleContext } from '../../core/registry.js';
import { Secret } from '../../core/sh.js';

export type Password = string | Secret | undefined;

/** The clear value of a password argument, whether the executor passed it as a string or as a Secret. */
export function reveal(password: Password): string | undefined {
  if (password === undefined || password === null || password === '') return undefined;
  return typeof password === 'string' ? password : password.value;
}

/** A Redis (or Sentinel) client on the far end of an SSH forward: no port is opened to the controller. */
export interface RedisSession {
  /** A Secret argument is sent as its value and shown masked in error messages. */
  call(command: string, ...args: (string | number | Secret)[]): Promise<unknown>;
  close(): Promise<void>;
}

/** Connection failures that mean "nothing listens there (yet)", as opposed to a command error or a wrong password. */
export class RedisUnreachable extends ModuleError {}

export async function openRedis(ctx: ModuleContext, port: number, password: Password, what = 'Redis'): Promise<RedisSession> {
  let forward: Awaited<ReturnType<ModuleContext['conn']['forward']>>;
  try {
    forward = await ctx.conn.forward(port);
  } catch (e) {
    throw new RedisUnreachable(`cannot reach ${what} on ${ctx.host} port ${port} (SSH forward failed): ${(e as Error).message}`);
  }
  // ioredis is loaded by the first Redis module that runs: other runs never pay its start-up cost.
  const { Redis } = await import('ioredis');
  // The password is sent with our own AUTH, not ioredis' option: ioredis prints a console warning (outside the
  // reporters) when a server without requirepass is given one, which happens on the run that first sets it.
  const secret = reveal(password);
  const client = new Redis({
    host: '127.0.0.1',
    port: forward.port,
    lazyConnect: true,
    // No CLIENT SETINFO round trip before our AUTH: each module opens a short-lived connection.
    disableClientInfo: true,
    enableReadyCheck: false,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: 5000,
    commandTimeout: 10000,
  });
  // ioredis emits 'error' events besides rejecting; an unhandled one would crash the run.
  client.on('error', () => {});
  const close = async (): Promise<void> => {
    client.disconnect();
    await forward.close().catch(() => {});
  };
  try {
    await client.connect();
    if (secret !== undefined) {
      try {
        await client.call('auth', secret);
      } catch (e) {
        // A Redis without a password accepts the connection anyway (as ioredis' option did).
        if (!/without any password configured|no password is set/i.test((e as Error).message)) throw e;
      }
    }
    // The forward may accept and then close if nothing listens on the host's side; a PING proves a live server.
    await client.call('PING');
  } catch (e) {
    await close();
    const msg = (e as Error).message;
    if (/NOAUTH|WRONGPASS|invalid password|AUTH/i.test(msg)) {
      throw new ModuleError(`${what} on ${ctx.host}:${port} refused the password: ${msg}`);
    }
    throw new RedisUnreachable(`cannot reach ${what} on ${ctx.host} port ${port} (through the SSH forward): ${msg}`);
  }
  return {
    async call(command, ...args) {
      try {
        // ioredis would send String(secret), which is the mask: the real value goes over the wire instead.
        return await client.call(command, ...args.map((a) => (a instanceof Secret ? a.value : a)));
      } catch (e) {
        const message = (e as Error).message;
        const text = `${what} on ${ctx.host}:${port}: ${command} ${args.slice(0, 2).join(' ')} failed: ${message}`;
        // A server that drops its clients (as Redis does when it becomes a replica in a failover) is a lost
        // connection, which redis_wait reconnects after, not a failed command.
        if (client.status !== 'ready' || /Connection is closed|ECONNRESET|EPIPE|Stream isn't writeable/i.test(message)) {
          throw new RedisUnreachable(text);
        }
        throw new ModuleError(text, { redisError: message });
      }
    },
    close,
  };
}

/** Open, use, always close (the forward too). */
export async function withRedis<T>(
  ctx: ModuleContext,
  port: number,
  password: Password,
  fn: (s: RedisSession) => Promise<T>,
  what = 'Redis',
): Promise<T> {
  const session = await openRedis(ctx, port, password, what);
  try {
    return await fn(session);
  } finally {
    await session.close();
  }
}
