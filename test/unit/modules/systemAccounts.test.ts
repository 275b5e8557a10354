import { test } from 'node:test';
import assert from 'node:assert/strict';
import user, { planUser } from '../../../src/modules/user.js';
import group, { planGroup } from '../../../src/modules/group.js';
import sysctl, { planSysctl } from '../../../src/modules/sysctl.js';
import { parsePasswd, parseGroup } from '../../../src/modules/system/accounts.js';
import { editSysctlFile, fileValue } from '../../../src/modules/system/sysctlFile.js';
import { fakeContext } from './fakeConnectionB.js';

const REDIS = parsePasswd('redis:x:999:998:Redis server:/var/lib/redis:/usr/sbin/nologin')!;

test('getent parsing', () => {
  assert.deepEqual(REDIS, { name: 'redis', uid: 999, gid: 998, comment: 'Redis server', home: '/var/lib/redis', shell: '/usr/sbin/nologin' });
  assert.deepEqual(parseGroup('redis:x:998:alice,bob'), { name: 'redis', gid: 998, members: ['alice', 'bob'] });
  assert.equal(parsePasswd(''), undefined);
});

const texts = (p: ReturnType<typeof planUser>) => p.changes.map((c) => (c.detail as { cmd?: { text: string }; kind: string }).cmd?.text ?? (c.detail as { kind: string }).kind);

test('user plan table', () => {
  const have = { user: REDIS, primaryGroup: 'redis', groups: ['adm'], missingGroups: [] };
  const none = { groups: [], missingGroups: [] };
  const table: [string, Parameters<typeof planUser>[0], Parameters<typeof planUser>[1], string[]][] = [
    ['create system user', none, { name: 'redis', system: true, shell: '/usr/sbin/nologin', home: '/var/lib/redis', create_home: false }, ['useradd -r -s /usr/sbin/nologin -d /var/lib/redis -M redis']],
    ['unchanged → ok', have, { name: 'redis', shell: '/usr/sbin/nologin', home: '/var/lib/redis', group: 'redis' }, []],
    ['shell differs', have, { name: 'redis', shell: '/bin/bash' }, ['usermod -s /bin/bash redis']],
    ['groups replace', have, { name: 'redis', groups: ['redis-data'] }, ['usermod -G redis-data redis']],
    ['groups append, already member → ok', have, { name: 'redis', groups: 'adm', append: true }, []],
    ['groups append', have, { name: 'redis', groups: ['adm', 'x'], append: true }, ['usermod -a -G adm,x redis']],
    ['absent', have, { name: 'redis', state: 'absent', remove: true }, ['userdel -r redis']],
    ['absent, not there → ok', none, { name: 'redis', state: 'absent' }, []],
    ['password differs', { ...have, passwordHash: '$6$old' }, { name: 'redis', password: '$6$new' }, ['password']],
    ['password same → ok', { ...have, passwordHash: '$6$same' }, { name: 'redis', password: '$6$same' }, []],
  ];
  for (const [name, cur, args, expected] of table) assert.deepEqual(texts(planUser(cur, args)), expected, name);
});

test('user: the password hash goes over stdin, never on the command line, and is masked', async () => {
  const fake = fakeContext();
  const plan = planUser({ user: REDIS, groups: [], missingGroups: [] }, { name: 'redis', password: '$6$abc' });
  assert.doesNotMatch(JSON.stringify(plan.changes), /\$6\$abc/);
  await user.apply!(fake.ctx, plan, { name: 'redis', password: '$6$abc' }, undefined);
  assert.equal(fake.texts()[0], 'chpasswd -e');
  assert.equal(String(fake.runs[0]!.opts?.stdin), 'redis:$6$abc\n');
  assert.deepEqual(user.secretArgs, ['password']);
});

test('user read: one round trip, supplementary groups without the primary one', async () => {
  const fake = fakeContext({ rules: [[/getent passwd/, { stdout: '@@passwd\nredis:x:999:998::/var/lib/redis:/usr/sbin/nologin\n@@primary\nredis\n@@groups\nredis adm\n@@shadow\n' }]] });
  const cur = await user.read(fake.ctx, { name: 'redis' });
  assert.equal(fake.commands.length, 1);
  assert.deepEqual(user.plan(cur, { name: 'redis', groups: ['adm'] }).changes, []);
});

test('group plan and read', async () => {
  assert.deepEqual(planGroup({}, { name: 'redis', system: true }).changes.map((c) => (c.detail as { text: string }).text), ['groupadd -r redis']);
  assert.deepEqual(planGroup({ group: { name: 'redis', gid: 998, members: [] } }, { name: 'redis', gid: 998 }).changes, []);
  assert.deepEqual(planGroup({ group: { name: 'redis', gid: 998, members: [] } }, { name: 'redis', gid: 1001 }).changes.map((c) => (c.detail as { text: string }).text), ['groupmod -g 1001 redis']);
  assert.deepEqual(planGroup({ group: { name: 'redis', gid: 998, members: [] } }, { name: 'redis', state: 'absent' }).changes.map((c) => (c.detail as { text: string }).text), ['groupdel redis']);
  const fake = fakeContext({ rules: [[/getent group/, { stdout: 'redis:x:998:\n' }]] });
  assert.deepEqual(group.plan(await group.read(fake.ctx, { name: 'redis' }), { name: 'redis' }).changes, []);
});

test('sysctl file editing follows Ansible: replace the first, drop duplicates, append when missing', () => {
  const conf = '# kernel\nvm.swappiness = 60\nnet.core.somaxconn=128\nvm.swappiness=10\n';
  assert.equal(editSysctlFile(conf, 'vm.swappiness', '1'), '# kernel\nvm.swappiness=1\nnet.core.somaxconn=128\n');
  assert.equal(editSysctlFile(conf, 'vm.overcommit_memory', '1'), conf + 'vm.overcommit_memory=1\n');
  assert.equal(editSysctlFile(conf, 'vm.swappiness', undefined), '# kernel\nnet.core.somaxconn=128\n');
  assert.equal(fileValue(conf, 'vm.swappiness'), '10');
  assert.equal(editSysctlFile('', 'a.b', '1'), 'a.b=1\n');
});

const sc = (over: Partial<Parameters<typeof planSysctl>[0]> = {}) => ({ kernel: '0', writable: true, file: 'vm.overcommit_memory=1\n', fileExists: true, mode: 0o644, ...over });

test('sysctl plan table, including a read-only /proc/sys', () => {
  const s = (cur: ReturnType<typeof sc>, args: Parameters<typeof planSysctl>[1]) => planSysctl(cur, args);
  assert.deepEqual(s(sc({ kernel: '1' }), { name: 'vm.overcommit_memory', value: 1 }).changes, []);
  assert.deepEqual(s(sc(), { name: 'vm.overcommit_memory', value: '1', sysctl_set: true }).changes.map((c) => c.summary), ['set vm.overcommit_memory = 1 in the running kernel']);
  assert.deepEqual(s(sc({ file: '' }), { name: 'vm.overcommit_memory', value: '1' }).changes.map((c) => c.summary), ['set vm.overcommit_memory in /etc/sysctl.conf', 'set vm.overcommit_memory = 1 in the running kernel']);
  assert.deepEqual(s(sc({ kernel: '4096\t87380\t6291456', file: '' }), { name: 'net.ipv4.tcp_rmem', value: '4096 87380 6291456' }).changes.length, 1, 'tabs equal spaces');
  const ro = s(sc({ writable: false, file: '' }), { name: 'vm.overcommit_memory', value: '1' });
  assert.match(ro.fail ?? '', /read-only.*ignore_unwritable: true/);
  const roOk = s(sc({ writable: false, file: '' }), { name: 'vm.overcommit_memory', value: '1', ignore_unwritable: true });
  assert.equal(roOk.fail, undefined);
  assert.deepEqual(roOk.changes.map((c) => c.summary), ['set vm.overcommit_memory in /etc/sysctl.conf']);
  assert.match(roOk.warnings?.[0] ?? '', /read-only/);
  assert.equal(s(sc(), { name: 'x.y' }).fail, 'sysctl x.y: value is required with state present');
});

test('sysctl read and apply: one round trip; file written atomically keeping its mode; value set with sysctl -w', async () => {
  const fake = fakeContext({ rules: [[/@@kernel/, { stdout: '@@kernel\n0\n@@writable\n@@mode\n600\n@@file\n@@exists\n' }]] });
  const cur = await sysctl.read(fake.ctx, { name: 'vm.overcommit_memory', value: 1 });
  const plan = sysctl.plan(cur, { name: 'vm.overcommit_memory', value: 1 });
  await sysctl.apply!(fake.ctx, plan, { name: 'vm.overcommit_memory', value: 1 }, cur);
  assert.deepEqual(fake.puts.map((p) => [p.path, p.data, p.opts?.mode]), [['/etc/sysctl.conf', 'vm.overcommit_memory=1\n', 0o600]]);
  assert.equal(fake.texts()[1], 'sysctl -q -w vm.overcommit_memory=1');
  await assert.rejects(sysctl.read(fakeContext().ctx, { name: 'kernel/../../etc', value: 1 }), /not a kernel setting name/);
});
