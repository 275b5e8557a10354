import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { useLab } from './harness.js';
import { ensureCli, runCli } from './executor-support.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

test('the README\'s first command: the demo runs playbooks/site.yml on the three documented hosts', async () => {
  const lab = await useLab({ hosts: ['redismaster', 'redisslave1', 'redisslave2'] });
  ensureCli();
  const r = await runCli(['demo'], ROOT);
  assert.equal(r.code, 0, r.stderr + r.stdout);
  for (const h of lab.hosts) {
    assert.match(r.stdout, new RegExp(`${h.name}: Debian 12 .*address ${h.address.replace(/\./g, '\\.')}`));
    assert.match(r.stdout, new RegExp(`${h.name} +: ok=2 +changed=0 +unreachable=0 +failed=0`));
  }
  assert.match(r.stdout, /The lab stays up/);
});
