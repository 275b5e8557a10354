/**
 * Tasks ported from real Ansible roles (common/ufw/redis roles), in Ansible's own spellings, on a real host: each
 * once behaved differently from ansible-playbook on the same lab. Kept to one play per case so the file stays fast.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { useLab, type LabHandle } from './harness.js';
import { onHost, play, twice } from './modules-run.js';

let lab: LabHandle;
const H = 'redisslave2';

before(async () => {
  lab = await useLab({ hosts: 3 });
});

after(async () => {
  await lab.exec(H, [
    'if command -v ufw >/dev/null; then ufw --force reset >/dev/null; ufw disable >/dev/null; fi',
    'rm -rf /tmp/rp-ports',
  ].join('; '));
});

test('copy/file in k=v form: mode=0644 is octal, src dir/ fills a missing dest, second run ok', async () => {
  const tasks = [
    { name: 'tree', copy: 'src=conf.d/ dest=/tmp/rp-ports/ee directory_mode=0750' },
    { name: 'content', copy: 'content="a\\nb" dest=/tmp/rp-ports/c mode=0640' },
  ];
  const files = { 'conf.d/a.conf': 'a\n' };
  const [first, second] = await twice(lab, tasks, { hosts: H, files });
  assert.equal(first.on('tree', H).status, 'changed', first.on('tree', H).msg);
  assert.equal(await onHost(lab, H, 'stat -c %a /tmp/rp-ports/c /tmp/rp-ports/ee; cat /tmp/rp-ports/ee/a.conf /tmp/rp-ports/c'), '640\n750\na\na\nb');
  assert.deepEqual([second.on('content', H).status, second.on('tree', H).status], ['ok', 'ok']);
});

test('ufw: allow the OpenSSH profile, then enable with incoming denied (no lock-out refusal); second run ok', async () => {
  const tasks = [
    { name: 'install', apt: { name: 'ufw', state: 'present' } },
    { name: 'ssh', ufw: 'rule=allow name=OpenSSH' },
    { name: 'enable', ufw: { state: 'enabled', policy: 'deny', direction: 'incoming' } },
  ];
  const [first, second] = await twice(lab, tasks, { hosts: H });
  assert.equal(first.on('ssh', H).status, 'changed', first.on('ssh', H).msg);
  assert.equal(first.on('enable', H).status, 'changed', first.on('enable', H).msg);
  assert.match(await onHost(lab, H, 'ufw status'), /OpenSSH\s+ALLOW/);
  assert.deepEqual([second.on('ssh', H).status, second.on('enable', H).status], ['ok', 'ok']);
});

test('update_cache alone, daemon_reload alone, wait_for drained: ok when there is nothing to do', async () => {
  const tasks = [
    { name: 'cache', apt: { update_cache: true } },
    { name: 'reload', systemd: { daemon_reload: true } },
    { name: 'drained', wait_for: { port: 6399, state: 'drained', timeout: 5 } },
  ];
  const [, second] = await twice(lab, tasks, { hosts: H });
  assert.equal(second.on('cache', H).status, 'ok');
  assert.equal(second.on('cache', H).data['cache_updated'], false);
  assert.equal(second.on('reload', H).status, 'ok');
  assert.equal(second.on('drained', H).status, 'ok', second.on('drained', H).msg);
  // a unit file written since the last load is a reason to reload
  await onHost(lab, H, 'mkdir -p /etc/systemd/system && printf "[Service]\\nExecStart=/bin/true\\n" > /etc/systemd/system/rp-ports.service');
  const after1 = await play(lab, [tasks[1]!], { hosts: H });
  await onHost(lab, H, 'rm -f /etc/systemd/system/rp-ports.service; systemctl daemon-reload');
  assert.equal(after1.on('reload', H).status, 'changed');
});
