/**
 * Test helpers shared by module tests (group A and B):
 * - FakeConnection answers commands from a script and records every command, put and get.
 * - LocalShellConnection really runs commands with /bin/sh in this process's machine (use temp folders only),
 *   so quoting tests can prove hostile names arrive as data.
 * - makeContext/runModule drive a module like the executor does: read → plan → apply (skipped under check).
 */
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Readable } from 'node:stream';
import type { CommandResult, Connection, Forward, PutOptions, RunOptions } from '../../../src/core/connection.js';
import type { AnyModule, ApplyResult, ModuleContext, Plan } from '../../../src/core/registry.js';
import type { Command } from '../../../src/core/sh.js';

export interface ScriptedAnswer {
  /** Matches the command's text: a substring, a RegExp or a predicate. */
  match: string | RegExp | ((text: string) => boolean);
  code?: number;
  stdout?: string;
  stderr?: string;
}

export interface RecordedCommand {
  text: string;
  display: string;
  opts: RunOptions | undefined;
}

const toBuffer = async (data: Buffer | Readable): Promise<Buffer> => {
  if (Buffer.isBuffer(data)) return data;
  const chunks: Buffer[] = [];
  for await (const c of data) chunks.push(Buffer.from(c as Buffer));
  return Buffer.concat(chunks);
};

const result = (code: number, stdout = '', stderr = ''): CommandResult => ({
  code,
  signal: null,
  stdout: Buffer.from(stdout),
  stderr: Buffer.from(stderr),
  durationMs: 1,
});

export class FakeConnection implements Connection {
  readonly host: string;
  readonly commands: RecordedCommand[] = [];
  readonly puts: { path: string; data: Buffer; opts: PutOptions | undefined }[] = [];
  readonly gets: string[] = [];
  /** Files get() returns. */
  readonly files = new Map<string, Buffer>();

  constructor(private readonly answers: ScriptedAnswer[] = [], host = 'fakehost') {
    this.host = host;
  }

  /** Answers are tried in order; the first that matches wins. Unmatched commands succeed with no output. */
  answer(a: ScriptedAnswer): this {
    this.answers.push(a);
    return this;
  }

  async run(cmd: Command, opts?: RunOptions): Promise<CommandResult> {
    this.commands.push({ text: cmd.text, display: cmd.display, opts });
    const a = this.answers.find((x) =>
      typeof x.match === 'string' ? cmd.text.includes(x.match) : x.match instanceof RegExp ? x.match.test(cmd.text) : x.match(cmd.text),
    );
    return result(a?.code ?? 0, a?.stdout ?? '', a?.stderr ?? '');
  }

  async put(path: string, data: Buffer | Readable, opts?: PutOptions): Promise<void> {
    const buf = await toBuffer(data);
    this.puts.push({ path, data: buf, opts });
    this.files.set(path, buf);
  }

  async get(path: string): Promise<Buffer> {
    this.gets.push(path);
    const f = this.files.get(path);
    if (!f) throw new Error(`No such file: ${path}`);
    return f;
  }

  async forward(): Promise<Forward> {
    throw new Error('FakeConnection cannot forward ports');
  }

  async close(): Promise<void> {}
}

/** Runs commands for real with /bin/sh on this machine. Only point it at temp folders. */
export class LocalShellConnection implements Connection {
  readonly host = 'localhost';
  readonly commands: string[] = [];

  run(cmd: Command, opts: RunOptions = {}): Promise<CommandResult> {
    this.commands.push(cmd.text);
    const started = Date.now();
    return new Promise((resolve, reject) => {
      const child = spawn('/bin/sh', ['-c', cmd.text], { cwd: opts.cwd, env: { ...process.env, ...opts.env, LC_ALL: 'C' } });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on('data', (c: Buffer) => {
        out.push(c);
        opts.onOutput?.('stdout', c);
      });
      child.stderr.on('data', (c: Buffer) => {
        err.push(c);
        opts.onOutput?.('stderr', c);
      });
      child.on('error', reject);
      child.on('close', (code, signal) =>
        resolve({ code, signal, stdout: Buffer.concat(out), stderr: Buffer.concat(err), durationMs: Date.now() - started }),
      );
      child.stdin.on('error', () => {});
      if (opts.stdin && Buffer.isBuffer(opts.stdin)) child.stdin.end(opts.stdin);
      else if (opts.stdin) (opts.stdin as Readable).pipe(child.stdin);
      else child.stdin.end();
    });
  }

  async put(path: string, data: Buffer | Readable, opts: PutOptions = {}): Promise<void> {
    const buf = await toBuffer(data);
    const temp = `${dirname(path)}/.put-${process.pid}-${Math.random().toString(36).slice(2)}`;
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(temp, buf);
    if (opts.mode !== undefined) chmodSync(temp, opts.mode);
    renameSync(temp, path);
  }

  async get(path: string): Promise<Buffer> {
    return readFileSync(path);
  }

  async forward(): Promise<Forward> {
    throw new Error('LocalShellConnection cannot forward ports');
  }

  async close(): Promise<void> {}
}

export interface ContextOptions {
  check?: boolean;
  vars?: Record<string, unknown>;
  searchPaths?: { files: string[]; templates: string[] };
  render?: (source: string, file: string) => string;
  host?: string;
}

export function makeContext(conn: Connection, o: ContextOptions = {}): ModuleContext & { logs: string[] } {
  const logs: string[] = [];
  return {
    host: o.host ?? conn.host,
    conn,
    become: undefined,
    vars: o.vars ?? {},
    signal: new AbortController().signal,
    check: o.check ?? false,
    searchPaths: o.searchPaths ?? { files: [], templates: [] },
    sshPort: 22,
    run: (cmd, opts) => conn.run(cmd, opts),
    renderTemplate: o.render ?? ((source) => source),
    evaluate: () => true,
    log: (m) => logs.push(m),
    logs,
  };
}

export interface ModuleRun {
  current: unknown;
  plan: Plan;
  applied?: ApplyResult | void;
  changed: boolean;
  result: Record<string, unknown>;
}

/** What the executor does with a module: read, plan, then apply when there is something to do (and not --check). */
export async function runModule(module: AnyModule, args: Record<string, unknown>, ctx: ModuleContext): Promise<ModuleRun> {
  const current = await module.read(ctx, args);
  const plan = module.plan(current, args);
  const changed = plan.changes.length > 0;
  if (!changed || ctx.check || !module.apply) return { current, plan, changed, result: plan.result ?? {} };
  const applied = await module.apply(ctx, plan, args, current);
  return { current, plan, applied, changed, result: { ...plan.result, ...(applied?.result ?? {}) } };
}
