import { ModuleError } from '../core/errors.js';
import { defineModule, type Plan, type ModuleContext, type FromSchema } from '../core/registry.js';
import { sh } from '../core/sh.js';
import { guardsFor, stdinText } from './command.js';
import { planGuarded, readGuards, runForResult, type GuardState, commandReturns } from './support/runCommand.js';

const schema = {
  type: 'object',
  properties: {
    cmd: { type: 'string', minLength: 1, description: 'Shell text, run as written by the shell (pipes, redirects, $VARS work). Quote variables yourself.' },
    executable: { type: 'string', description: 'The shell to run it with (default /bin/sh).' },
    chdir: { type: 'string', description: 'Run in this folder.' },
    creates: { type: 'string', description: 'Skip when this path exists (relative to chdir).' },
    removes: { type: 'string', description: 'Run only when this path exists (relative to chdir).' },
    stdin: { type: 'string', description: 'Text fed to the script on standard input.' },
    stdin_add_newline: { type: 'boolean', description: 'Add a newline after stdin (default true).' },
    strip_empty_ends: { type: 'boolean', description: 'Remove trailing newlines from stdout/stderr in the result (default true).' },
  },
  additionalProperties: false,
  required: ['cmd'],
} as const;
type Args = FromSchema<typeof schema>;

function script(args: { cmd?: string | undefined }): string {
  if (!args.cmd || args.cmd.trim() === '') throw new ModuleError('shell: nothing to run (cmd is empty)');
  return args.cmd;
}

export default defineModule<typeof schema, GuardState>({
  name: 'shell',
  schema,
  freeForm: 'cmd',
  meta: {
    description: 'Runs shell text through /bin/sh (or `executable`). Changed unless creates/removes settle it.',
    ansible: 'ansible.builtin.shell',
    example: '- name: Count listening sockets\n  shell: ss -ltn | wc -l\n  register: sockets\n  changed_when: false',
    returns: commandReturns('script'),
  },
  async read(ctx: ModuleContext, args: Args): Promise<GuardState> {
    script(args);
    return readGuards(ctx, guardsFor(args));
  },
  plan(current: GuardState, args: Args) {
    return planGuarded(current, guardsFor(args), `run ${script(args)}`);
  },
  async apply(ctx: ModuleContext, _plan: Plan, args: Args) {
    // The script is one quoted argument of its own shell: `exit`, `cd` or `set -e` in it stay inside that process.
    const cmd = sh`${args.executable ?? '/bin/sh'} -c ${script(args)}`;
    const out = await runForResult(ctx, cmd, { cwd: args.chdir, stdin: stdinText(args), strip: args.strip_empty_ends !== false, what: 'shell', shown: script(args) });
    return { result: { ...out } };
  },
});
