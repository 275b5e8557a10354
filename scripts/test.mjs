#!/usr/bin/env node
// Runs the suites with node's own test runner: unit tests in parallel, then lab tests one file at a time against one
// shared lab that this script brings up first and always tears down (also on failure or Ctrl-C).
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const which = process.argv[2] ?? 'all';
const root = new URL('..', import.meta.url).pathname;

function testFiles(dir) {
  const out = [];
  const walk = (d) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.test.ts')) out.push(p);
    }
  };
  try { walk(join(root, dir)); } catch { /* folder absent */ }
  return out;
}

function runNode(args, env = {}) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', ...args], { stdio: 'inherit', cwd: root, env: { ...process.env, ...env } });
  return r.status ?? 1;
}

/**
 * Lab test files one at a time on the shared lab. A file that fails is run once more: these tests drive real
 * containers on a busy 2-core machine, and a host that misses one beat should not sink the suite. Every such
 * retry is reported by name at the end, and a file that fails twice fails the suite.
 */
function runLabFiles(files) {
  const env = { RUN_PLAYBOOK_LAB_SHARED: '1' };
  const failedOnce = files.filter((f) => runNode(['--test', f], env) !== 0);
  const failedTwice = failedOnce.filter((f) => {
    console.error(`\n=== ${f} failed; running it once more ===`);
    return runNode(['--test', f], env) !== 0;
  });
  const flaky = failedOnce.filter((f) => !failedTwice.includes(f));
  console.error(`\nlab test files: ${files.length - failedOnce.length} passed, ${flaky.length} passed only when run again, ${failedTwice.length} failed`);
  for (const f of flaky) console.error(`  FLAKY (failed once, then passed): ${f}`);
  for (const f of failedTwice) console.error(`  FAILED twice: ${f}`);
  return failedTwice.length === 0;
}

let failed = false;
const labCli = join(root, 'src/lab/main.ts');
// The unit tests of the SSH transport start a private sshd on loopback and use sudo: install them first.
if (runNode([labCli, 'deps']) !== 0) {
  console.error('installing the Debian packages the tests need failed');
  process.exit(1);
}
if (which === 'all' || which === 'unit') {
  const files = testFiles('test/unit');
  if (files.length === 0) { console.error('no unit tests found'); process.exit(1); }
  if (runNode(['--test', '--test-concurrency=2', ...files]) !== 0) failed = true;
}
if (which === 'all' || which === 'lab') {
  const files = testFiles('test/lab');
  if (files.length > 0) {
    const down = () => runNode([labCli, 'down']);
    const onSignal = () => { down(); process.exit(99); };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    try {
      if (runNode([labCli, 'prepare']) !== 0) throw new Error('lab prepare failed: the lab tests cannot run');
      if (!runLabFiles(files)) failed = true;
    } catch (e) {
      console.error(String(e instanceof Error ? e.message : e));
      failed = true;
    } finally {
      if (down() !== 0) failed = true;
    }
  }
}
process.exit(failed ? 1 : 0);
