import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BecomeModes } from '../../../src/connect/commandScript.js';
import { Secret } from '../../../src/core/sh.js';

test('each become call uses its own password; only whether sudo needs one is remembered per user', async () => {
  let probes = 0;
  const modes = new BecomeModes('deploy', async () => {
    probes++;
    return false; // sudo asks for a password
  });
  assert.deepEqual(await modes.for({ user: 'root', password: new Secret('wrong') }), { kind: 'password', user: 'root', password: 'wrong' });
  // a later task with the right password must not inherit the first task's (wrong) one, nor the reverse
  assert.deepEqual(await modes.for({ user: 'root', password: new Secret('right') }), { kind: 'password', user: 'root', password: 'right' });
  assert.deepEqual(await modes.for({ user: 'root' }), { kind: 'nopasswd', user: 'root' }, 'no password: sudo -n, which fails clearly');
  assert.equal(probes, 1, 'one sudo probe per user and connection');
  await modes.for({ user: 'postgres', password: new Secret('x') });
  assert.equal(probes, 2);
});
