import { defineModule, type FromSchema, type ModuleContext, type Plan } from '../core/registry.js';
import { sh, Raw, type Command } from '../core/sh.js';
import { guardsFor } from './command.js';
import { readGuards, runForResult } from './support/runCommand.js';

const schema = {
  type: 'object',
  properties: {
    chdir: { type: 'string', description: 'The folder with the Makefile.' },
    target: { type: 'string', description: 'The target to build (default: the first in the Makefile).' },
    params: { type: 'object', additionalProperties: { anyOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }] }, description: 'Variables passed as NAME=value words, e.g. {BUILD_TLS: "yes"}.' },
    jobs: { type: 'integer', minimum: 1, description: "Parallel jobs (make -j); default: the host's CPU count (nproc)." },
    file: { type: 'string', description: 'Use this makefile (make -f).' },
    make: { type: 'string', description: 'The make program to run (default make).' },
    creates: { type: 'string', description: 'Skip when this path exists (relative to chdir).' },
  },
  required: ['chdir'],
  additionalProperties: false,
} as const;
type Args = FromSchema<typeof schema>;

/** `params` → NAME=value words, in a stable order; each becomes one quoted word. */
export function paramWords(params: Record<string, unknown> | undefined): string[] {
  return Object.entries(params ?? {})
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${typeof v === 'boolean' ? (v ? 'yes' : 'no') : String(v)}`);
}

export function makeCommand(args: Args, question: boolean): Command {
  const prog = args.make ?? 'make';
  const file = args.file ? ['-f', args.file] : [];
  const target = args.target ? [args.target] : [];
  if (question) return sh`${prog} -q ${file} ${target} ${paramWords(args.params)}`;
  // the CPU count is the host's, so it is asked there, inside the same command
  const jobs = args.jobs !== undefined ? sh`-j ${args.jobs}` : sh`-j${new Raw('"$(nproc 2>/dev/null || echo 1)"')}`;
  return sh`${prog} ${jobs} ${file} ${target} ${paramWords(args.params)}`;
}

/** skip: creates exists; upToDate: `make -q` said there is nothing to do; unknown: make -q could not tell. */
export interface MakeState {
  skip?: string;
  upToDate: boolean | 'unknown';
}

export function planMake(current: MakeState, args: Args): Plan {
  if (current.skip) return { changes: [], result: { msg: current.skip, rc: 0 } };
  if (current.upToDate === true) return { changes: [], result: { msg: 'target is up to date', rc: 0, target: args.target ?? '' } };
  const summary = `make ${args.target ?? '(default target)'} in ${args.chdir}`;
  return { changes: [{ summary }], unpredictable: current.upToDate === 'unknown' };
}

async function question(ctx: ModuleContext, args: Args): Promise<boolean | 'unknown'> {
  // make -q exits 0 when up to date, 1 when something would be built, 2 on errors (no Makefile, no make, ...)
  const r = await ctx.run(makeCommand(args, true), { cwd: args.chdir });
  return r.code === 0 ? true : r.code === 1 ? false : 'unknown';
}

export default defineModule<typeof schema, MakeState>({
  name: 'make',
  schema,
  meta: {
    description: 'Runs make in a folder, with NAME=value params and -j set to the host CPU count; ok when creates exists or `make -q` says the target is up to date.',
    ansible: 'community.general.make',
    example: '- name: Build Redis\n  make:\n    chdir: /usr/local/src/redis-7.2.5\n    params:\n      BUILD_TLS: "yes"\n    creates: /usr/local/src/redis-7.2.5/src/redis-server',
    returns: { rc: 'Exit code of make.', stdout: 'Output of make.', stderr: 'Errors of make.', command: 'The command run.' },
  },
  async read(ctx: ModuleContext, args: Args): Promise<MakeState> {
    const guards = await readGuards(ctx, guardsFor({ chdir: args.chdir, creates: args.creates }));
    if (guards.skip) return { skip: guards.skip, upToDate: false };
    return { upToDate: await question(ctx, args) };
  },
  plan: (current: MakeState, args: Args) => planMake(current, args),
  async apply(ctx: ModuleContext, _plan: Plan, args: Args) {
    const out = await runForResult(ctx, makeCommand(args, false), { cwd: args.chdir, what: 'make', stream: true });
    return { result: { ...out, command: out.cmd } };
  },
});
