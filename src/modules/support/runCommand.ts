import { ModuleError, trimOutput } from '../../core/errors.js';
import type { ModuleContext, Plan } from '../../core/registry.js';
import { sh, type Command } from '../../core/sh.js';

/** What command/shell/make learn before running: whether `creates`/`removes` already settle it. */
export interface GuardState {
  /** Why the command will not run ("skipped, since /x exists"), or undefined when it will. */
  skip?: string;
}

export interface Guards {
  creates?: string | undefined;
  removes?: string | undefined;
}

/** One round trip for both guards: prints `c` when creates exists and `r` when removes exists. */
export function guardCommand(g: Guards): Command {
  return sh`if [ -e ${g.creates ?? ''} ]; then printf c; fi; if [ -e ${g.removes ?? ''} ]; then printf r; fi`;
}

/** Pure: `c`/`r` flags → the reason to skip, if any (Ansible's creates/removes semantics). */
export function guardDecision(g: Guards, flags: string): GuardState {
  if (g.creates && flags.includes('c')) return { skip: `skipped, since ${g.creates} exists` };
  if (g.removes && !flags.includes('r')) return { skip: `skipped, since ${g.removes} does not exist` };
  return {};
}

export async function readGuards(ctx: ModuleContext, g: Guards): Promise<GuardState> {
  if (!g.creates && !g.removes) return {};
  const r = await ctx.run(guardCommand(g));
  return guardDecision(g, r.stdout.toString('utf8'));
}

/** Pure plan shared by command/shell/make: skipped → no change; guarded → a predictable change; else unpredictable. */
export function planGuarded(state: GuardState, g: Guards, summary: string): Plan {
  if (state.skip) {
    return { changes: [], result: { msg: state.skip, stdout: state.skip, stdout_lines: [state.skip], stderr: '', stderr_lines: [], rc: 0 } };
  }
  return { changes: [{ summary }], unpredictable: !g.creates && !g.removes };
}

/** Ansible's strip_empty_ends: trailing newlines go, inner blank lines stay. */
/** The result fields command and shell share (documented once; `what` names the thing that ran). */
export function commandReturns(what: 'command' | 'script'): Record<string, string> {
  return {
    rc: `Exit code of the ${what}.`,
    stdout: 'Standard output (trailing newlines removed).',
    stderr: 'Standard error (trailing newlines removed).',
    stdout_lines: 'stdout split into lines.',
    stderr_lines: 'stderr split into lines.',
    cmd: what === 'command' ? 'The command as a list of words, as Ansible shows it.' : 'The script as run.',
    changed: `True when the ${what} ran, also when it failed (as in Ansible), unless changed_when says otherwise.`,
    delta: `How long the ${what} ran.`,
  };
}

export const stripEnds = (text: string): string => text.replace(/[\r\n]+$/, '');
export const toLines = (text: string): string[] => (text === '' ? [] : text.split(/\r?\n/));

export interface CommandOutcome {
  rc: number | null;
  stdout: string;
  stderr: string;
  stdout_lines: string[];
  stderr_lines: string[];
  /** As Ansible shows it: command's words as a list, shell's script as text. */
  cmd: string | string[];
  delta: string;
}

/**
 * Run and collect the Ansible result fields. A non-zero rc throws ModuleError carrying the same fields as data,
 * so failed_when/ignore_errors/register in the executor still see rc, stdout and stderr.
 */
export async function runForResult(
  ctx: ModuleContext,
  cmd: Command,
  opts: { cwd?: string | undefined; stdin?: string | undefined; strip?: boolean; what: string; stream?: boolean; shown?: string | string[] },
): Promise<CommandOutcome> {
  const r = await ctx.run(cmd, {
    ...(opts.cwd ? { cwd: opts.cwd } : {}),
    ...(opts.stdin !== undefined ? { stdin: Buffer.from(opts.stdin) } : {}),
    ...(opts.stream ? { onOutput: (_s: 'stdout' | 'stderr', chunk: Buffer) => ctx.log(chunk.toString('utf8').trimEnd()) } : {}),
  });
  const strip = opts.strip ?? true;
  const stdout = strip ? stripEnds(r.stdout.toString('utf8')) : r.stdout.toString('utf8');
  const stderr = strip ? stripEnds(r.stderr.toString('utf8')) : r.stderr.toString('utf8');
  const outcome: CommandOutcome = {
    rc: r.code,
    stdout,
    stderr,
    stdout_lines: toLines(stdout),
    stderr_lines: toLines(stderr),
    cmd: opts.shown ?? cmd.display,
    delta: `${(r.durationMs / 1000).toFixed(3)}s`,
  };
  if (r.code !== 0) {
    const why = r.code === null ? `killed by ${r.signal ?? 'a signal'}` : `rc ${r.code}`;
    const output = trimOutput(stderr || stdout);
    // The command ran, so as in Ansible the failed result still says it changed (changed_when may say otherwise).
    throw new ModuleError(`${opts.what} failed (${why})${output ? `: ${output}` : ''}`, { ...outcome, changed: true });
  }
  return outcome;
}
