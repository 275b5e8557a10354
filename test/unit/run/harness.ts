import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Connection, CommandResult, RunOptions } from '../../../src/core/connection.js';
import type { Command } from '../../../src/core/sh.js';
import type { RunEvent } from '../../../src/core/events.js';
import { runPlaybook } from '../../../src/run/playbook.js';
import type { RunPlaybookOptions, RunResult } from '../../../src/run/options.js';

/** A project folder with the given files (path → content), for one test. */
export function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'rp-run-'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

/**
 * A stand-in host: commands really run in a local `sh` (only harmless ones in tests), in the host's own folder,
 * and every command is recorded. `unreachable` hosts refuse to connect.
 */
export class FakeHost implements Connection {
  readonly commands: string[] = [];
  /** The become user each command asked for (undefined: none). */
  readonly becomeUsers: Array<string | undefined> = [];
  constructor(readonly host: string, readonly dir: string) {}
  run(cmd: Command, opts: RunOptions = {}): Promise<CommandResult> {
    this.commands.push(cmd.text);
    this.becomeUsers.push(opts.become?.user);
    const started = Date.now();
    return new Promise((resolve) => {
      const child = spawn('sh', ['-c', cmd.text], { cwd: opts.cwd ?? this.dir, env: { ...process.env, HOST_NAME: this.host, ...(opts.env ?? {}) } });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on('data', (c: Buffer) => { out.push(c); opts.onOutput?.('stdout', c); });
      child.stderr.on('data', (c: Buffer) => { err.push(c); opts.onOutput?.('stderr', c); });
      if (opts.stdin) child.stdin.end(opts.stdin as Buffer);
      else child.stdin.end();
      child.on('close', (code, signal) => resolve({ code, signal, stdout: Buffer.concat(out), stderr: Buffer.concat(err), durationMs: Date.now() - started }));
    });
  }
  async put(path: string, data: Buffer | NodeJS.ReadableStream): Promise<void> {
    const tmp = `${path}.tmp`;
    writeFileSync(tmp, data as Buffer);
    renameSync(tmp, path);
  }
  async get(path: string): Promise<Buffer> {
    return readFileSync(path);
  }
  async forward(remotePort: number): Promise<{ port: number; close(): Promise<void> }> {
    return { port: remotePort, close: async () => undefined };
  }
  async close(): Promise<void> {}
}

export interface Ran {
  result: RunResult;
  events: RunEvent[];
  hosts: Map<string, FakeHost>;
  /** host → task name → status, in order. */
  statuses(host: string): Array<[string, string]>;
}

/** Run a playbook of a project folder against fake hosts. */
export async function run(dir: string, opts: Partial<RunPlaybookOptions> & { unreachable?: string[]; playbook?: string } = {}): Promise<Ran> {
  const events: RunEvent[] = [];
  const hosts = new Map<string, FakeHost>();
  const result = await runPlaybook({
    playbooks: join(dir, opts.playbook ?? 'site.yml'),
    inventory: join(dir, 'inventory.yml'),
    cwd: dir,
    ...opts,
    onEvent: (e) => events.push(e),
    connect: async (host) => {
      if (opts.unreachable?.includes(host)) throw new Error(`connect ECONNREFUSED (${host})`);
      const hostDir = join(dir, 'hosts', host);
      mkdirSync(hostDir, { recursive: true });
      const h = hosts.get(host) ?? new FakeHost(host, hostDir);
      hosts.set(host, h);
      return h;
    },
  });
  return {
    result,
    events,
    hosts,
    statuses: (host) => events.flatMap((e) => (e.type === 'host:result' && e.host === host ? [[e.task.name, e.result.status] as [string, string]] : [])),
  };
}

export const inventory = (...names: string[]): string =>
  `all:\n  hosts:\n${names.map((n) => `    ${n}: {}`).join('\n')}\n`;
