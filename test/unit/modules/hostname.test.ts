import { test } from 'node:test';
import assert from 'node:assert/strict';
import hostname, { planHostname } from '../../../src/modules/hostname.js';
import packageModule, { packageToApt } from '../../../src/modules/package.js';
import { fakeContext } from './fakeConnectionB.js';

const steps = (p: ReturnType<typeof planHostname>) => p.changes.flatMap((c) => (c.detail as { kind: string; strategy: string }[]).map((s) => `${s.strategy}:${s.kind}`));

test('hostname plan table', () => {
  const ctl = { running: 'old', permanent: 'old', hostnamectl: true };
  const file = { running: 'old', permanent: 'old', hostnamectl: false };
  const table: [string, Parameters<typeof planHostname>[0], Parameters<typeof planHostname>[1], string[]][] = [
    ['systemd: both differ', ctl, { name: 'web1' }, ['systemd:permanent', 'systemd:running']],
    ['same → ok', { ...ctl, running: 'web1', permanent: 'web1' }, { name: 'web1' }, []],
    ['only running differs', { ...ctl, permanent: 'web1' }, { name: 'web1' }, ['systemd:running']],
    ['no hostnamectl: /etc/hostname and hostname', file, { name: 'web1' }, ['file:permanent', 'file:running']],
    ['use debian = systemd, as in Ansible', ctl, { name: 'web1', use: 'debian' }, ['systemd:permanent', 'systemd:running']],
  ];
  for (const [name, cur, args, expected] of table) assert.deepEqual(steps(planHostname(cur, args)), expected, name);
  const p = planHostname({ ...ctl, permanent: 'web1' }, { name: 'web1' });
  assert.deepEqual(p.changes[0]!.diff, { before: 'hostname = old\n', after: 'hostname = web1\n' });
});

test('hostname errors: use systemd without hostnamectl, an invalid (hostile) name', () => {
  assert.match(planHostname({ running: 'a', permanent: 'a', hostnamectl: false }, { name: 'b', use: 'systemd' }).fail ?? '', /needs hostnamectl.*leave use unset/);
  assert.match(planHostname({ running: 'a', permanent: 'a', hostnamectl: true }, { name: 'x$(touch /tmp/p)' }).fail ?? '', /not a valid host name/);
  assert.match(planHostname({ running: 'a', permanent: 'a', hostnamectl: true }, { name: 'a'.repeat(65) }).fail ?? '', /not a valid host name/);
});

test('hostname read: one round trip; a hostile templated name runs nothing', async () => {
  const fake = fakeContext({ rules: [[/hostnamectl/, { stdout: '@@static\nold\n@@ctl\n@@running\nold\n@@file\nold\n' }]] });
  assert.deepEqual(await hostname.read(fake.ctx, { name: 'web1' }), { running: 'old', permanent: 'old', hostnamectl: true });
  assert.equal(fake.commands.length, 1);
  const none = fakeContext();
  await hostname.read(none.ctx, { name: 'a;reboot' });
  assert.equal(none.commands.length, 0);
});

test('package maps onto apt; apt-specific arguments are refused with a pointer to apt', async () => {
  assert.deepEqual(packageToApt({ name: 'curl', state: 'installed' }), { apt: { name: 'curl', state: 'present' } });
  assert.deepEqual(packageToApt({ name: ['a', 'b'], state: 'removed' }), { apt: { name: ['a', 'b'], state: 'absent' } });
  assert.deepEqual(packageToApt({ name: 'a', state: 'latest' }), { apt: { name: 'a', state: 'latest' } });
  assert.deepEqual(packageToApt({ name: 'a', update_cache: true }), { fail: 'package: update_cache is apt-specific; use the apt module (ansible.builtin.apt) for it' });
  const fake = fakeContext();
  const cur = await packageModule.read(fake.ctx, { name: 'a', update_cache: true });
  assert.equal(fake.commands.length, 0, 'a refused task reads nothing');
  assert.match(packageModule.plan(cur, { name: 'a', update_cache: true }).fail ?? '', /use the apt module/);
});
