import type { Connection } from '../core/connection.js';
import type { Vars } from '../core/model.js';
import { UnreachableError } from '../core/errors.js';
import { openConnection, type ConnectOptions } from '../connect/index.js';

/**
 * One connection per host for the whole run, opened on first use. A host that could not be reached stays
 * unreachable for the rest of the run instead of being retried by every task.
 */
export class ConnectionPool {
  private readonly open = new Map<string, Promise<Connection>>();

  constructor(
    private readonly options: ConnectOptions,
    private readonly beforeConnect?: (host: string, vars: Vars) => Promise<void>,
    private readonly connector?: (host: string, vars: Vars) => Promise<Connection>,
  ) {}

  get(host: string, vars: Vars): Promise<Connection> {
    let conn = this.open.get(host);
    if (!conn) {
      conn = (async () => {
        try {
          await this.beforeConnect?.(host, vars);
          return await (this.connector ? this.connector(host, vars) : openConnection(host, vars, this.options));
        } catch (e) {
          if (e instanceof UnreachableError) throw e;
          throw new UnreachableError(e instanceof Error ? e.message : String(e));
        }
      })();
      conn.catch(() => undefined);
      this.open.set(host, conn);
    }
    return conn;
  }

  /** Forget a host's connection (meta: reset_connection, or after it dropped) so the next use reconnects. */
  async reset(host: string): Promise<void> {
    const conn = this.open.get(host);
    this.open.delete(host);
    if (conn) await conn.then((c) => c.close()).catch(() => undefined);
  }

  async closeAll(): Promise<void> {
    const all = [...this.open.values()];
    this.open.clear();
    await Promise.all(all.map((p) => p.then((c) => c.close()).catch(() => undefined)));
  }
}
