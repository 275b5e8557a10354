import { dirname, join } from 'node:path';
import type { Become, Connection, RunOptions } from '../core/connection.js';
import type { ModuleContext } from '../core/registry.js';
import type { Vars } from '../core/model.js';
import type { Command } from '../core/sh.js';
import type { Position } from '../core/position.js';
import { roleChain } from './vars.js';
import type { RunContext } from './context.js';
import type { Scope } from './scope.js';

export interface ContextInput {
  run: RunContext;
  host: string;
  conn: Connection;
  become: Become | undefined;
  vars: Vars;
  scope: Scope;
  check: boolean;
  env: Record<string, string>;
  pos: Position;
  sshPort: number | undefined;
  onLog(message: string): void;
  onOutput(stream: 'stdout' | 'stderr', chunk: Buffer): void;
}

/** Where a relative `src` is looked for: the role chain's folders (innermost first), then the playbook's. */
export function searchPaths(scope: Scope, taskFile: string, playbookDir: string): { files: string[]; templates: string[] } {
  const roles = roleChain(scope.role).reverse();
  const taskDir = dirname(taskFile);
  const under = (sub: string): string[] => [
    ...roles.flatMap((r) => [join(r.path, sub), r.path]),
    join(taskDir, sub),
    taskDir,
    join(playbookDir, sub),
    playbookDir,
  ];
  return { files: [...new Set(under('files'))], templates: [...new Set(under('templates'))] };
}

export function moduleContext(input: ContextInput): ModuleContext {
  const { run } = input;
  return {
    host: input.host,
    conn: input.conn,
    become: input.become,
    vars: input.vars,
    signal: run.killSignal,
    check: input.check,
    searchPaths: searchPaths(input.scope, input.pos.file, run.playbook.dir),
    sshPort: input.sshPort,
    run(cmd: Command, opts: RunOptions = {}) {
      return input.conn.run(cmd, {
        capture: true,
        ...(run.options.commandTimeoutMs ? { timeoutMs: run.options.commandTimeoutMs } : {}),
        ...opts,
        become: opts.become ?? input.become,
        env: { ...input.env, ...(opts.env ?? {}) },
        signal: opts.signal ?? run.killSignal,
        onOutput: (stream, chunk) => {
          input.onOutput(stream, chunk);
          opts.onOutput?.(stream, chunk);
        },
      });
    },
    renderTemplate(source: string, file: string) {
      return run.templates.renderString(source, input.vars, { file, line: 1, col: 1 });
    },
    evaluate(expression: string) {
      return run.templates.evaluate([{ expr: expression, pos: input.pos }], input.vars);
    },
    log: input.onLog,
  };
}
