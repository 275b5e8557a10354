/** The lab's own entry, for scripts and CI without a build: `node --import tsx src/lab/main.ts up|down|…`. */
import { labMain } from './cli.js';

// `lab up | head` closes stdout early; that is the reader's choice, not a lab failure.
process.stdout.on('error', () => {});
labMain(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`lab: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 70;
  },
);
