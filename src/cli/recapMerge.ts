import { readFileSync } from 'node:fs';
import { mergeRecaps } from '../report/index.js';
import type { Io } from './playbookCommand.js';

/** `run-playbook recap-merge slice1.jsonl slice2.jsonl …`: one recap and one exit code for a run spread over controllers. */
export async function recapMergeCommand(files: string[], io: Io): Promise<number> {
  if (files.length === 0) {
    io.stderr('usage: run-playbook recap-merge FILE... (the --json output of each --slice run)\n');
    return 5;
  }
  const inputs: string[][] = [];
  for (const f of files) {
    try {
      inputs.push(readFileSync(f, 'utf8').split('\n').filter((l) => l.trim() !== ''));
    } catch (e) {
      io.stderr(`run-playbook recap-merge: cannot read ${f}: ${e instanceof Error ? e.message : String(e)}\n`);
      return 5;
    }
  }
  const merged = mergeRecaps(inputs, files);
  if (merged.error !== undefined) {
    io.stderr(`run-playbook recap-merge: ${merged.error}\n`);
    return merged.exitCode;
  }
  io.stdout(merged.text);
  return merged.exitCode;
}
