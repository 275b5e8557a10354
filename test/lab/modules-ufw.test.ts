/**
 * The ufw module on a real host: rules compared as ufw's own tuples (a re-run is ok), policies, logging, the lock-out
 * guard, reload and delete — and the machine running the tests keeps its own firewall untouched.
 */
import { spawnSync } from 'node:child_process';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { useLab, type LabHandle } from './harness.js';
import { onHost, play, twice } from './modules-run.js';

let lab: LabHandle;
let machineBefore: string;
let subnet: string;
const H = 'redisslave2';

function machineFirewall(): string {
  const dump = spawnSync('iptables-save', [], { encoding: 'utf8' }).stdout;
  return dump.split('\n').filter((l) => !l.startsWith('#')).map((l) => l.replace(/\[\d+:\d+\]/g, '')).join('\n');
}

const userRules = (): Promise<string> => onHost(lab, H, 'cat /etc/ufw/user.rules');
const tuples = async (): Promise<string[]> => (await userRules()).split('\n').filter((l) => l.startsWith('### tuple ###'));
const active = async (): Promise<boolean> => /Status: active/.test(await onHost(lab, H, 'ufw status'));

before(async () => {
  lab = await useLab({ hosts: 3 });
  machineBefore = machineFirewall();
  subnet = lab.hosts[0]!.address.replace(/\.\d+$/, '.0/24');
  const install = await play(lab, [{ name: 'ufw', apt: { name: 'ufw' } }], { hosts: H });
  assert.equal(install.run.exitCode, 0, install.human);
  await onHost(lab, H, 'ufw --force reset >/dev/null || { sleep 1; ufw --force reset >/dev/null; }');
});

after(async () => {
  await lab.exec(H, 'ufw --force reset >/dev/null 2>&1 || { sleep 1; ufw --force reset >/dev/null 2>&1; }; apt-get purge -y -qq ufw >/dev/null 2>&1; rm -rf /etc/ufw /tmp/rp-pwned*');
});

test('ufw rules: added once, compared by tuple, check and diff, comment updates, delete', async () => {
  const rules = [
    { name: 'ssh', ufw: { rule: 'allow', port: 22, proto: 'tcp', comment: 'ssh' } },
    { name: 'redis', ufw: { rule: 'allow', port: '6379', proto: 'tcp', from_ip: subnet, comment: 'redis from the lab' } },
    { name: 'udp', ufw: { rule: 'deny', port: '8080', proto: 'udp' } },
  ];
  const checked = await play(lab, rules, { hosts: H, check: true, diff: true });
  assert.deepEqual(checked.statuses('redis'), { [H]: 'changed' });
  assert.deepEqual(checked.on('redis', H).diffs.map((d) => [d.before, d.after]), [['rule absent\n', 'rule present\n']]);
  assert.deepEqual(await tuples(), [], '--check added a rule');

  const [first, second] = await twice(lab, rules, { hosts: H });
  for (const t of ['ssh', 'redis', 'udp']) assert.equal(first.on(t, H).status, 'changed', t);
  const added = await tuples();
  assert.ok(added.some((l) => l.startsWith(`### tuple ### allow tcp 6379 0.0.0.0/0 any ${subnet} in comment=`)), added.join('\n'));
  assert.ok(added.some((l) => l.startsWith('### tuple ### deny udp 8080 0.0.0.0/0 any 0.0.0.0/0 in')), added.join('\n'));
  // ssh and udp apply to IPv6 too; the redis rule names an IPv4 network.
  assert.equal(added.length, 3);
  assert.equal((await onHost(lab, H, 'grep -c "^### tuple" /etc/ufw/user6.rules')).trim(), '2');
  for (const t of ['ssh', 'redis', 'udp']) assert.equal(second.on(t, H).status, 'ok', t);

  const recomment = await play(lab, [{ name: 'redis', ufw: { rule: 'allow', port: '6379', proto: 'tcp', from_ip: subnet, comment: 'redis, renamed' } }], { hosts: H });
  assert.equal(recomment.on('redis', H).status, 'changed');
  assert.match(await userRules(), new RegExp(`comment=${Buffer.from('redis, renamed').toString('hex')}`));

  const del = [{ name: 'del', ufw: { rule: 'deny', port: '8080', proto: 'udp', delete: true } }];
  const [deleted, deletedAgain] = await twice(lab, del, { hosts: H });
  assert.equal(deleted.on('del', H).status, 'changed');
  assert.ok(!(await tuples()).some((l) => l.includes('deny udp 8080')), 'the rule is still there');
  assert.equal(deletedAgain.on('del', H).status, 'ok');
});

test('ufw default policy and logging: changed once, then ok; a hostile comment is stored as text', async () => {
  const tasks = [
    { name: 'policy', ufw: { default: 'deny', direction: 'outgoing' } },
    { name: 'logging', ufw: { logging: 'medium' } },
  ];
  const [first, second] = await twice(lab, tasks, { hosts: H, diff: true });
  assert.deepEqual(first.on('policy', H).diffs.map((d) => [d.before, d.after]), [['default outgoing: allow\n', 'default outgoing: deny\n']]);
  assert.equal(first.on('logging', H).status, 'changed');
  assert.match(await onHost(lab, H, 'cat /etc/default/ufw'), /^DEFAULT_OUTPUT_POLICY="DROP"$/m);
  assert.match(await onHost(lab, H, 'cat /etc/ufw/ufw.conf'), /^LOGLEVEL=medium$/m);
  assert.deepEqual([second.on('policy', H).status, second.on('logging', H).status], ['ok', 'ok']);
  const back = await play(lab, [{ name: 'policy', ufw: { default: 'allow', direction: 'outgoing' } }], { hosts: H });
  assert.equal(back.on('policy', H).status, 'changed');

  const hostile = 'it is "quoted" $(touch /tmp/rp-pwned-ufw); `id`';
  const r = await play(lab, [{ name: 'c', ufw: { rule: 'allow', port: '7000', proto: 'tcp', comment: hostile } }], { hosts: H });
  assert.equal(r.on('c', H).status, 'changed', r.on('c', H).msg);
  assert.match(await userRules(), new RegExp(`allow tcp 7000 .* comment=${Buffer.from(hostile).toString('hex')}$`, 'm'));
  assert.equal((await lab.exec(H, 'ls /tmp/rp-pwned* 2>/dev/null')).stdout, '', 'a comment ran as shell');
  await play(lab, [{ name: 'c', ufw: { rule: 'allow', port: '7000', proto: 'tcp', delete: true } }], { hosts: H });
});

test('ufw enable: refuses to lock out SSH, allow_lockout overrides, works with an SSH rule; SSH still answers', async () => {
  await onHost(lab, H, 'ufw --force reset >/dev/null || { sleep 1; ufw --force reset >/dev/null; }');
  const enable = { name: 'enable', ufw: { state: 'enabled' } };
  const refused = (await play(lab, [enable], { hosts: H })).on('enable', H);
  assert.equal(refused.status, 'failed');
  assert.match(refused.msg, /^refusing to change ufw: it would be enabled with incoming traffic denied and no allow rule for port 22, the port this SSH connection uses/);
  assert.equal(await active(), false, 'the refused task enabled ufw');

  const forced = (await play(lab, [{ name: 'enable', ufw: { state: 'enabled', allow_lockout: true } }], { hosts: H })).on('enable', H);
  assert.equal(forced.status, 'changed', forced.msg);
  assert.equal(await active(), true);
  await onHost(lab, H, 'ufw disable >/dev/null');

  const safe = [{ name: 'ssh', ufw: { rule: 'allow', port: 22, proto: 'tcp' } }, enable, { name: 'reload', ufw: { state: 'reloaded' } }];
  const checked = await play(lab, safe, { hosts: H, check: true });
  // Under --check the SSH rule is only planned: the guard warns instead of failing (the real run re-checks).
  assert.equal(checked.on('enable', H).status, 'changed', checked.on('enable', H).msg);
  assert.match(checked.on('enable', H).warnings.join('\n'), /a real run would refuse this unless an earlier task allows port 22/);
  assert.equal(await active(), false, '--check enabled ufw');
  const [first, second] = await twice(lab, safe, { hosts: H });
  assert.equal(first.on('enable', H).status, 'changed', first.human);
  assert.equal(await active(), true);
  assert.match(await onHost(lab, H, 'iptables -S INPUT'), /-P INPUT DROP/);
  // The second run opened a fresh SSH connection through the enabled firewall.
  assert.equal(second.run.exitCode, 0, second.human);
  assert.deepEqual([second.on('ssh', H).status, second.on('enable', H).status, second.on('reload', H).status], ['ok', 'ok', 'changed']);

  // Deleting the SSH rule while enabled would lock us out too.
  const cut = (await play(lab, [{ name: 'cut', ufw: { rule: 'allow', port: 22, proto: 'tcp', delete: true } }], { hosts: H })).on('cut', H);
  assert.equal(cut.status, 'failed');
  assert.match(cut.msg, /refusing to change ufw/);
  assert.equal(machineFirewall(), machineBefore, "the machine's own iptables changed");
});
