// A recording fake of the host side for group-B module tests: every command is kept, replies are scripted by pattern.
import type { Connection, CommandResult, RunOptions, PutOptions, Forward } from '../../../src/core/connection.js';
import type { ModuleContext } from '../../../src/core/registry.js';
import type { Command } from '../../../src/core/sh.js';

export interface Reply {
  code?: number;
  stdout?: string;
  stderr?: string;
}

/** First matching rule answers; a RegExp/string is matched against the command text sent to the host. */
export type Rule = [RegExp | string, Reply | ((text: string) => Reply)];

export interface FakeOptions {
  rules?: Rule[];
  check?: boolean;
  sshPort?: number;
  vars?: Record<string, unknown>;
  evaluate?: (expr: string) => boolean;
  searchPaths?: { files: string[]; templates: string[] };
  forward?: (remotePort: number) => Promise<Forward>;
}

export interface Fake {
  ctx: ModuleContext;
  commands: Command[];
  runs: { cmd: Command; opts: RunOptions | undefined }[];
  puts: { path: string; data: string; opts: PutOptions | undefined }[];
  logs: string[];
  /** Command texts, for compact assertions. */
  texts(): string[];
}

export function fakeContext(options: FakeOptions = {}): Fake {
  const commands: Command[] = [];
  const runs: Fake['runs'] = [];
  const puts: Fake['puts'] = [];
  const logs: string[] = [];
  const rules = options.rules ?? [];

  const answer = (cmd: Command): CommandResult => {
    for (const [pattern, reply] of rules) {
      const hit = typeof pattern === 'string' ? cmd.text.includes(pattern) : pattern.test(cmd.text);
      if (!hit) continue;
      const r = typeof reply === 'function' ? reply(cmd.text) : reply;
      return {
        code: r.code ?? 0,
        signal: null,
        stdout: Buffer.from(r.stdout ?? ''),
        stderr: Buffer.from(r.stderr ?? ''),
        durationMs: 1,
      };
    }
    return { code: 0, signal: null, stdout: Buffer.alloc(0), stderr: Buffer.alloc(0), durationMs: 1 };
  };

  const conn: Connection = {
    host: 'fake',
    async run(cmd, opts) {
      commands.push(cmd);
      runs.push({ cmd, opts });
      return answer(cmd);
    },
    async put(path, data, opts) {
      puts.push({ path, data: Buffer.isBuffer(data) ? data.toString('utf8') : '<stream>', opts });
    },
    async get() {
      return Buffer.alloc(0);
    },
    forward: options.forward ?? (async () => ({ port: 1, close: async () => {} })),
    async close() {},
  };

  const ctx: ModuleContext = {
    host: 'fake',
    conn,
    become: undefined,
    vars: options.vars ?? {},
    signal: new AbortController().signal,
    check: options.check ?? false,
    searchPaths: options.searchPaths ?? { files: [], templates: [] },
    sshPort: options.sshPort,
    run: (cmd, opts) => conn.run(cmd, opts),
    renderTemplate: (source) => source,
    evaluate: options.evaluate ?? (() => true),
    log: (m) => logs.push(m),
  };
  return { ctx, commands, runs, puts, logs, texts: () => commands.map((c) => c.text) };
}
