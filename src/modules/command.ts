import { posix } from 'node:path';
import { ModuleError } from '../core/errors.js';
import { defineModule, type Plan, type ModuleContext, type FromSchema } from '../core/registry.js';
import { sh } from '../core/sh.js';
import { planGuarded, readGuards, runForResult, type Guards, type GuardState, commandReturns } from './support/runCommand.js';
import { splitWords } from '../core/shellWords.js';

const schema = {
  type: 'object',
  properties: {
    cmd: { type: 'string', minLength: 1, description: 'The command line; split into words like a shell would (quotes group words) but never run by a shell: no $VARS, globs, pipes or ;.' },
    argv: { type: 'array', items: { type: 'string' }, description: 'The command as a list of words (no splitting at all). Use either cmd or argv.' },
    chdir: { type: 'string', description: 'Run in this folder.' },
    creates: { type: 'string', description: 'Skip the command when this path exists (relative to chdir).' },
    removes: { type: 'string', description: 'Run the command only when this path exists (relative to chdir).' },
    stdin: { type: 'string', description: 'Text fed to the command on standard input.' },
    stdin_add_newline: { type: 'boolean', description: 'Add a newline after stdin (default true).' },
    strip_empty_ends: { type: 'boolean', description: 'Remove trailing newlines from stdout/stderr in the result (default true).' },
  },
  additionalProperties: false,
  // Something to run, written either way: a load error otherwise, as Ansible's "no command given".
  anyOf: [{ required: ['cmd'] }, { required: ['argv'] }],
} as const;
type Args = FromSchema<typeof schema>;

/** `creates`/`removes` are relative to chdir, as in Ansible. */
export function guardsFor(args: { chdir?: string | undefined; creates?: string | undefined; removes?: string | undefined }): Guards {
  const abs = (p: string | undefined): string | undefined =>
    p === undefined ? undefined : args.chdir && !posix.isAbsolute(p) ? posix.join(args.chdir, p) : p;
  return { creates: abs(args.creates), removes: abs(args.removes) };
}

/** The words to run: argv as given, or cmd split without expansion. */
export function commandWords(args: { cmd?: string | undefined; argv?: readonly string[] | undefined }): string[] {
  if (args.argv && args.cmd) throw new ModuleError('command: give either cmd (free form) or argv, not both');
  let words: string[];
  try {
    words = args.argv ? [...args.argv] : splitWords(args.cmd ?? '');
  } catch (e) {
    throw new ModuleError(`command: ${(e as Error).message}`);
  }
  if (words.length === 0) throw new ModuleError('command: nothing to run (cmd or argv is empty)');
  return words;
}

export const stdinText = (args: { stdin?: string | undefined; stdin_add_newline?: boolean | undefined }): string | undefined =>
  args.stdin === undefined ? undefined : args.stdin_add_newline === false ? args.stdin : `${args.stdin}\n`;

export default defineModule<typeof schema, GuardState>({
  name: 'command',
  schema,
  freeForm: 'cmd',
  meta: {
    description: 'Runs a program with arguments, without a shell: every word arrives as data. Changed unless creates/removes settle it.',
    ansible: 'ansible.builtin.command',
    example: '- name: Build Redis\n  command: make -j4 BUILD_TLS=yes\n  args:\n    chdir: /usr/local/src/redis\n    creates: /usr/local/src/redis/src/redis-server',
    returns: commandReturns('command'),
  },
  async read(ctx: ModuleContext, args: Args): Promise<GuardState> {
    commandWords(args);
    return readGuards(ctx, guardsFor(args));
  },
  plan(current: GuardState, args: Args) {
    return planGuarded(current, guardsFor(args), `run ${commandWords(args).join(' ')}`);
  },
  async apply(ctx: ModuleContext, _plan: Plan, args: Args) {
    // a subshell, so even a builtin word (cd, exit) cannot alter the connection's persistent shell
    const words = commandWords(args);
    const cmd = sh`(${words})`;
    return { result: { ...(await runForResult(ctx, cmd, { cwd: args.chdir, stdin: stdinText(args), strip: args.strip_empty_ends !== false, what: 'command', shown: words })) } };
  },
});
