import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { labPrepare, labUp, labDown } from '../lab/index.js';
import { colorEnabled, createHumanReporter } from '../report/index.js';
import { runPlaybook } from '../run/playbook.js';
import type { Io } from './playbookCommand.js';

const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * `run-playbook demo [--down]`: the documented setup on the local lab in one command — installs what the lab
 * needs, builds the three hosts, runs playbooks/site.yml on them with the lab's Redis source URL, shows the result.
 */
export async function demoCommand(argv: string[], io: Io): Promise<number> {
  const teardown = argv.includes('--down');
  const log = (line: string): void => io.stderr(`[lab] ${line}\n`);
  await labPrepare(log);
  const state = await labUp({ hosts: ['redismaster', 'redisslave1', 'redisslave2'], log });
  const reporter = createHumanReporter({ write: io.stdout, verbosity: 0, color: colorEnabled({ isTTY: io.stdoutTty }, io.env), tty: io.stdoutTty, diff: false, check: false });
  try {
    const result = await runPlaybook({
      playbooks: join(packageRoot, 'playbooks/site.yml'),
      inventory: state.inventoryPath,
      cwd: packageRoot,
      extraVars: state.redis ? { redis_download_url: state.redis.url } : {},
      onEvent: reporter.listener,
    });
    reporter.close();
    io.stdout(`\nThe lab: ${state.hosts.map((h) => `${h.name} ${h.address}`).join(', ')} (inventory ${state.inventoryPath}).\n`);
    io.stdout(teardown ? 'Tearing the lab down.\n' : 'The lab stays up: `run-playbook lab status`, `run-playbook lab down` when done.\n');
    return result.exitCode;
  } finally {
    if (teardown) await labDown();
  }
}
