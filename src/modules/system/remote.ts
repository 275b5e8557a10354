import { ModuleError, trimOutput } from '../../core/errors.js';
import type { ModuleContext } from '../../core/registry.js';
import type { RunOptions, CommandResult } from '../../core/connection.js';
import type { Command } from '../../core/sh.js';

/** Output as text; hosts speak UTF-8 to us. */
export function text(buf: Buffer | undefined): string {
  return buf ? buf.toString('utf8') : '';
}

/** Run a command whose failure is the module's failure: the message names what failed and carries stderr, trimmed. */
export async function runChecked(ctx: ModuleContext, cmd: Command, what: string, opts?: RunOptions): Promise<string> {
  const r = await ctx.run(cmd, { capture: true, signal: ctx.signal, ...opts });
  if (r.code !== 0) throw failure(what, cmd, r);
  return text(r.stdout);
}

export function failure(what: string, cmd: Command, r: CommandResult, extra = ''): ModuleError {
  const stderr = trimOutput(text(r.stderr) || text(r.stdout));
  const why = r.signal ? `killed by ${r.signal}` : `exit code ${r.code}`;
  const message = `${what} failed (${why})${stderr ? `:\n${stderr}` : ''}${extra ? `\n${extra}` : ''}`;
  return new ModuleError(message, { cmd: cmd.display, rc: r.code, stderr: trimOutput(text(r.stderr)) });
}

/** A wait that ends early (with an error) when the run is aborted; never a busy loop. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new ModuleError('aborted'));
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new ModuleError('aborted'));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Split one round trip's output into the sections a script marked with `echo @@name`. */
export function splitSections(out: string): Record<string, string> {
  const sections: Record<string, string> = {};
  let name = '';
  let lines: string[] = [];
  for (const line of out.split('\n')) {
    const m = /^@@([a-z_0-9]+)$/.exec(line);
    if (m) {
      if (name) sections[name] = lines.join('\n');
      name = m[1]!;
      lines = [];
    } else if (name) lines.push(line);
  }
  if (name) sections[name] = lines.join('\n');
  return sections;
}

/** A list argument that Ansible also accepts as a comma-separated string. */
export function asList(value: string | readonly string[] | undefined): string[] {
  if (value === undefined) return [];
  if (typeof value === 'string') return value.split(',').map((s) => s.trim()).filter((s) => s !== '');
  return [...value];
}
