import type { Connection } from '../core/connection.js';
import type { Vars } from '../core/model.js';
import { UnreachableError } from '../core/errors.js';
import { openConnection, type ConnectOptions } from '../connect/index.js';

/** The variables that decide where and as whom a connection logs in. */
const IDENTITY_VARS = [
  'ansible_connection', 'ansible_host', 'ansible_ssh_host', 'ansible_port', 'ansible_ssh_port', 'ansible_user', 'ansible_ssh_user',
  'ansible_ssh_private_key_file', 'ansible_private_key_file', 'ansible_ssh_common_args', 'ansible_ssh_extra_args', 'jump_host',
];

/**
 * A play that sets another ansible_user (or port, key, jump host) gets its own connection, as Ansible reconnects;
 * reusing the first one would run the play's commands as the wrong user.
 */
function identityKey(host: string, vars: Vars): string {
  return `${host}\0${JSON.stringify(IDENTITY_VARS.map((k) => (typeof vars[k] === 'object' && vars[k] !== null ? String(vars[k]) : vars[k]) ?? null))}`;
}

/**
 * One connection per host (and login identity) for the whole run, opened on first use. A host that could not
 * be reached stays unreachable for the rest of the run instead of being retried by every task.
 */
export class ConnectionPool {
  private readonly open = new Map<string, Promise<Connection>>();

  constructor(
    private readonly options: ConnectOptions,
    private readonly beforeConnect?: (host: string, vars: Vars) => Promise<void>,
    private readonly connector?: (host: string, vars: Vars) => Promise<Connection>,
    /** The run's kill signal (a second Ctrl-C): a connect still waiting for a silent host gives up at once. */
    private readonly signal?: AbortSignal,
  ) {}

  get(host: string, vars: Vars): Promise<Connection> {
    const key = identityKey(host, vars);
    let conn = this.open.get(key);
    if (!conn) {
      conn = (async () => {
        try {
          await this.beforeConnect?.(host, vars);
          return await (this.connector ? this.connector(host, vars) : openConnection(host, vars, this.options, this.signal));
        } catch (e) {
          if (this.signal?.aborted && !(e instanceof UnreachableError)) throw new UnreachableError('interrupted while connecting');
          if (e instanceof UnreachableError) throw e;
          throw new UnreachableError(e instanceof Error ? e.message : String(e));
        }
      })();
      conn.catch(() => undefined);
      this.open.set(key, conn);
    }
    return conn;
  }

  /** Forget a host's connection (meta: reset_connection, or after it dropped) so the next use reconnects. */
  async reset(host: string): Promise<void> {
    const mine = [...this.open.entries()].filter(([key]) => key.startsWith(`${host}\0`));
    for (const [key] of mine) this.open.delete(key);
    await Promise.all(mine.map(([, conn]) => conn.then((c) => c.close()).catch(() => undefined)));
  }

  async closeAll(): Promise<void> {
    const all = [...this.open.values()];
    this.open.clear();
    await Promise.all(all.map((p) => p.then((c) => c.close()).catch(() => undefined)));
  }
}
