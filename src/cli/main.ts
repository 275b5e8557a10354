import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { playbookCommand, type Io } from './playbookCommand.js';

const pkg = JSON.parse(readFileSync(join(dirname(fileURLToPath(import.meta.url)), '../../package.json'), 'utf8')) as { version: string };

/** Subcommands first (lab, recap-merge, demo); anything else is a playbook run, as `ansible-playbook` reads it. */
export async function main(argv: string[], io: Io): Promise<number> {
  const [first, ...rest] = argv;
  switch (first) {
    case 'lab': {
      const { labMain } = await import('../lab/cli.js');
      return labMain(rest);
    }
    case 'recap-merge': {
      const { recapMergeCommand } = await import('./recapMerge.js');
      return recapMergeCommand(rest, io);
    }
    case 'demo': {
      const { demoCommand } = await import('./demo.js');
      return demoCommand(rest, io);
    }
    default:
      return playbookCommand(argv, pkg.version, io);
  }
}

/**
 * A reader that went away (`| head`, a closed log pipe) must not kill the run with an EPIPE stack trace halfway
 * through a host's changes: as ansible-playbook, the run goes on, what it would print is dropped, and the exit
 * code still tells the result.
 */
const closed = { stdout: false, stderr: false };
for (const name of ['stdout', 'stderr'] as const) {
  process[name].on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    closed[name] = true;
  });
}

const io: Io = {
  stdout: (t) => void (closed.stdout || process.stdout.write(t)),
  stderr: (t) => void (closed.stderr || process.stderr.write(t)),
  cwd: process.cwd(),
  env: process.env,
  stdoutTty: process.stdout.isTTY === true,
  ...(process.stdout.columns ? { columns: process.stdout.columns } : {}),
};

main(process.argv.slice(2), io).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`run-playbook: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  },
);
