/** The CLI's output plumbing as a process: what happens to a run when its reader goes away. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = resolve(import.meta.dirname, '../../..');
const cli = join(root, 'src/cli/main.ts');
// By path: the playbook's folder is outside the project, where a bare `tsx` would not resolve.
const tsx = pathToFileURL(join(root, 'node_modules/tsx/dist/esm/index.mjs')).href;

test('a reader that closes the pipe early (`| head`) does not crash the run with EPIPE; the exit code stays the result', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rp-epipe-'));
  // Far more than a pipe buffer (64 KiB), so the run must write after the reader is gone.
  const tasks = Array.from({ length: 150 }, (_, i) => `    - name: say ${i}\n      debug: { msg: "${'x'.repeat(1000)}" }\n`).join('');
  writeFileSync(join(dir, 'big.yml'), `- hosts: localhost\n  gather_facts: false\n  tasks:\n${tasks}    - fail: { msg: the last task fails }\n`);
  const child = spawn(process.execPath, ['--import', tsx, cli, 'big.yml'], { cwd: dir, env: { ...process.env, NO_COLOR: '1' } });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  child.stdout.once('data', () => child.stdout.destroy());
  const code = await new Promise<number | null>((done) => child.on('close', (c) => done(c)));
  assert.doesNotMatch(stderr, /EPIPE|at .*\.ts:\d+/);
  assert.equal(code, 2, `the run went on to its failing last task: ${stderr}`);
});
