import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { OptionsError } from '../../../src/core/errors.js';
import { project, run } from '../run/harness.js';

/** The msg of each debug result, per host, in order. */
function debugMessages(events: Awaited<ReturnType<typeof run>>['events'], host: string): string[] {
  return events.flatMap((e) => (e.type === 'host:result' && e.host === host && e.task.module === 'debug' ? [String('data' in e.result ? e.result.data['msg'] : e.result.msg)] : []));
}

test('inventory_file / inventory_dir: the file that named the host and its folder, not the source path', async () => {
  const dir = project({
    'inv/hosts.ini': '[web]\nw1\n',
    'inv/more.yml': 'all:\n  hosts:\n    w2:\n',
    'site.yml': `
- hosts: all
  gather_facts: false
  tasks:
    - debug: { msg: "{{inventory_dir}}|{{inventory_file}}" }
`,
  });
  const ran = await run(dir, { inventory: join(dir, 'inv') });
  assert.equal(ran.result.exitCode, 0);
  assert.deepEqual(debugMessages(ran.events, 'w1'), [`${join(dir, 'inv')}|${join(dir, 'inv', 'hosts.ini')}`]);
  assert.deepEqual(debugMessages(ran.events, 'w2'), [`${join(dir, 'inv')}|${join(dir, 'inv', 'more.yml')}`]);
});

test('ansible_play_hosts is every active host of the play; ansible_play_batch and play_hosts only the serial batch', async () => {
  const dir = project({
    'inventory.yml': 'all:\n  hosts:\n    a:\n    b:\n    c:\n',
    'site.yml': `
- hosts: all
  gather_facts: false
  serial: 1
  tasks:
    - debug: { msg: "{{join ansible_play_hosts ','}}|{{join ansible_play_batch ','}}|{{join play_hosts ','}}" }
`,
  });
  const ran = await run(dir);
  assert.equal(ran.result.exitCode, 0);
  assert.deepEqual(debugMessages(ran.events, 'b'), ['a,b,c|b|b']);
});

test('--limit that matches no host of the inventory is invalid input (nothing runs); a partly unmatched one warns', async () => {
  const dir = project({
    'inventory.yml': 'all:\n  hosts:\n    web1:\n    web2:\n',
    'site.yml': '- hosts: all\n  gather_facts: false\n  tasks:\n    - command: "true"\n',
  });
  await assert.rejects(run(dir, { limit: 'webb1' }), (e: unknown) => e instanceof OptionsError && /--limit "webb1" matches no host/.test(e.message));
  const ran = await run(dir, { limit: 'web1:nosuch' });
  assert.equal(ran.result.exitCode, 0);
  assert.ok(ran.events.some((e) => e.type === 'warning' && /--limit: Could not match supplied host pattern, ignoring: nosuch/.test(e.message)));
  assert.deepEqual([...ran.hosts.keys()], ['web1']);
});

test('-i "w1,w2," is Ansible\'s host list: host names as written, not paths under the working directory', async () => {
  const dir = project({ 'site.yml': '- hosts: all\n  gather_facts: false\n  tasks:\n    - debug: { msg: "{{inventory_hostname}}" }\n' });
  const ran = await run(dir, { inventory: 'w1,w2,' });
  assert.equal(ran.result.exitCode, 0);
  assert.deepEqual([...ran.hosts.keys()].sort(), []); // debug never connects
  assert.deepEqual(debugMessages(ran.events, 'w1'), ['w1']);
  assert.deepEqual(debugMessages(ran.events, 'w2'), ['w2']);
});
