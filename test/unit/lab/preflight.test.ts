import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../../../src/lab/main.ts', import.meta.url));

test('without root, lab up says it needs root and changes nothing', () => {
  const node = [process.execPath, '--import', 'tsx', cli, 'up'];
  // As root, drop to nobody for this one command; otherwise we already are the user this is about.
  const [program, ...args] = process.getuid?.() === 0 ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', ...node] : node;
  const r = spawnSync(program, args, { encoding: 'utf8' });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /the lab needs root/);
  assert.doesNotMatch(r.stderr, /at .*\.ts:\d+/, 'a user error, not a stack trace');
});
