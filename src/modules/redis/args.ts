// Argument schemas shared by the Redis modules; each module spreads them into its own `as const` schema.
import { ModuleError } from '../../core/errors.js';
import { reveal, type Password } from './connect.js';

// No schema default on port: a default would always be present and hide a conflicting login_port.
export const portArg = { type: 'integer', minimum: 1, maximum: 65535, description: 'The Redis port on the host (reached through the SSH connection, never opened to the controller). Default 6379.' } as const;
export const passwordArg = { type: 'string', description: 'The password (requirepass, or the ACL user\'s with username) of the Redis on the host; masked in all output.' } as const;
export const sentinelPortArg = { type: 'integer', minimum: 1, maximum: 65535, default: 26379, description: 'The Sentinel port on the host.' } as const;
export const sentinelPasswordArg = { type: 'string', description: 'The Sentinel\'s own password (its requirepass), if it has one; masked in all output.' } as const;
export const masterNameArg = { type: 'string', minLength: 1, default: 'mymaster', description: 'The name of the monitored master group.' } as const;
const addressArg = (what: string) => ({
  type: 'string', minLength: 1,
  description: `The address ${what} listens on, as seen from the host itself (the SSH forward goes there). Default 127.0.0.1; set it when its \`bind\` leaves out 127.0.0.1.`,
}) as const;
export const hostArg = addressArg('Redis');
export const sentinelHostArg = addressArg('the Sentinel');
export const usernameArg = { type: 'string', minLength: 1, description: 'The ACL user to log in as (AUTH username password, Redis 6+). Default: the default user.' } as const;

/** Ansible's community.general.redis/redis_info spellings, accepted beside ours. */
export const loginArgs = {
  login_host: { ...hostArg, description: 'Ansible\'s name for host.' },
  login_port: { ...portArg, description: 'Ansible\'s name for port.' },
  login_password: { ...passwordArg, description: 'Ansible\'s name for password; masked in all output.' },
  login_user: { ...usernameArg, description: 'Ansible\'s name for username.' },
} as const;

/** The arguments that say which Redis to log in to, in our spelling and Ansible's: one block for every Redis module. */
export const redisLoginArgs = {
  host: hostArg,
  port: portArg,
  password: passwordArg,
  username: usernameArg,
  ...loginArgs,
} as const;

/** Where and how to log in to a Redis or a Sentinel on the host. */
export interface RedisTarget {
  host: string;
  port: number;
  password: Password;
  username?: string;
  /** The module's argument names, for messages that say what to set. Default: host, password (or login_password). */
  names?: { host: string; password: string };
}

interface TargetArgs {
  host?: string; login_host?: string;
  port?: number; login_port?: number;
  password?: unknown; login_password?: unknown;
  username?: string; login_user?: string;
}

/** Our name or Ansible's; both given and different is an error rather than a silent pick. */
function either<T>(ours: string, oursValue: T | undefined, ansible: string, ansibleValue: T | undefined, module: string): T | undefined {
  if (oursValue !== undefined && ansibleValue !== undefined && String(oursValue) !== String(ansibleValue)) {
    throw new ModuleError(`${module}: ${ours} and ${ansible} (its Ansible name) are both given and differ; give one`);
  }
  return oursValue ?? ansibleValue;
}

/** The Redis a module talks to, from host/port/password/username or their login_* names. */
export function redisTarget(args: TargetArgs, module: string, defaultPort = 6379): RedisTarget {
  const username = either('username', args.username, 'login_user', args.login_user, module);
  const password = (args.password ?? args.login_password) as Password;
  const a = reveal(args.password as Password);
  const b = reveal(args.login_password as Password);
  if (a !== undefined && b !== undefined && a !== b) throw new ModuleError(`${module}: password and login_password (its Ansible name) are both given and differ; give one`);
  return {
    host: either('host', args.host, 'login_host', args.login_host, module) ?? '127.0.0.1',
    port: either('port', args.port, 'login_port', args.login_port, module) ?? defaultPort,
    password,
    ...(username !== undefined ? { username } : {}),
  };
}

/** The planned change a read-only Redis module reports under --check when its target is not running yet. */
export function notRunningYet(what: string, port: number): { summary: string } {
  return { summary: `${what} on port ${port} is not running: assumed to be started by an earlier task; it would be queried once it runs` };
}
