import { ModuleError } from '../../core/errors.js';
import type { ModuleContext } from '../../core/registry.js';
import { Secret } from '../../core/sh.js';
import type { RedisTarget } from './args.js';

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

/** Where the forward goes, for messages: the port alone in the common case, as before. */
function place(target: RedisTarget): string {
  return target.host === '127.0.0.1' ? `port ${target.port}` : `${target.host}:${target.port}`;
}

export async function openRedis(ctx: ModuleContext, target: RedisTarget, what = 'Redis'): Promise<RedisSession> {
  const { port, password, username } = target;
  const where = place(target);
  const names = target.names ?? { host: 'host', password: 'password (or login_password)' };
  let forward: Awaited<ReturnType<ModuleContext['conn']['forward']>>;
  try {
    forward = await ctx.conn.forward(port, target.host);
  } catch (e) {
    throw new RedisUnreachable(`cannot reach ${what} on ${ctx.host} ${where} (SSH forward failed): ${(e as Error).message}`);
  }
  // ioredis is loaded by the first Redis module that runs: other runs never pay its start-up cost.
  const { Redis } = await import('ioredis');
  // The password is sent with our own AUTH, not ioredis' option: ioredis prints a console warning (outside the
  // reporters) when a server without requirepass is given one, which happens on the run that first sets it.
  const secret = reveal(password);
  const client = new Redis({
    host: forward.host ?? '127.0.0.1',
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
        await (username !== undefined ? client.call('auth', username, secret) : client.call('auth', secret));
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
    if (/NOAUTH/i.test(msg)) {
      throw new ModuleError(`${what} on ${ctx.host} ${where} asks for a password and none was given (${names.password}): ${msg}`);
    }
    if (/WRONGPASS|invalid password|AUTH/i.test(msg)) {
      throw new ModuleError(`${what} on ${ctx.host} ${where} refused the ${username !== undefined ? `user "${username}" or its ` : ''}password: ${msg}`);
    }
    // The forward's far end refused: nothing listens at that address. A `bind` without 127.0.0.1 is the usual cause.
    const hint = target.host === '127.0.0.1' && /Connection is closed|ECONNRESET|ECONNREFUSED/i.test(msg)
      ? `; nothing answers at 127.0.0.1:${port} on the host: if ${what} listens only on other addresses (its bind setting), give one as ${names.host}`
      : '';
    throw new RedisUnreachable(`cannot reach ${what} on ${ctx.host} ${where} (through the SSH forward): ${hint === "" ? msg : msg.replace(/\.$/, "")}${hint}`);
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
  target: RedisTarget,
  fn: (s: RedisSession) => Promise<T>,
  what = 'Redis',
): Promise<T> {
  const session = await openRedis(ctx, target, what);
  try {
    return await fn(session);
  } finally {
    await session.close();
  }
}
