import { test } from 'node:test';
import assert from 'node:assert/strict';
import authorizedKey, { editAuthorizedKeys, parseKey, planAuthorizedKey, wantedKeys, type AuthorizedKeyState } from '../../../src/modules/authorized_key.js';
import { ModuleRegistry } from '../../../src/core/registry.js';
import { fileModules } from '../../../src/modules/fileModules.js';
import { FakeConnection, makeContext, runModule } from './fakeConnection.js';

const A = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKeyA';
const B = 'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABKeyB';

test('parseKey: options, type, blob and comment as Ansible splits them', () => {
  assert.deepEqual(parseKey(`${A} me@laptop`), { type: 'ssh-ed25519', blob: 'AAAAC3NzaC1lZDI1NTE5AAAAIKeyA', options: [], comment: 'me@laptop' });
  assert.deepEqual(parseKey(`from="a,b",no-pty ${B} two words`), { type: 'ssh-rsa', blob: 'AAAAB3NzaC1yc2EAAAADAQABKeyB', options: ['from="a,b"', 'no-pty'], comment: 'two words' });
  assert.equal(parseKey('# a comment'), undefined);
  assert.equal(parseKey('not a key'), undefined);
  assert.equal(parseKey('ssh-rsa'), undefined, 'a type without its key data');
});

type E = { state?: 'present' | 'absent'; exclusive?: boolean };
// args, what the file holds now, what it should hold afterwards
const cases: { name: string; key: string; opts?: { key_options?: string; comment?: string }; e: E; before: string; after: string }[] = [
  { name: 'add to a missing/empty file', key: `${A} me`, e: {}, before: '', after: `${A} me\n` },
  { name: 'append after other keys', key: `${A} me`, e: {}, before: `${B} x\n`, after: `${B} x\n${A} me\n` },
  { name: 'already there: nothing', key: `${A} me`, e: {}, before: `# keys\n${A} me\n`, after: `# keys\n${A} me\n` },
  { name: 'same blob, other comment: rewritten, not duplicated', key: `${A} new`, e: {}, before: `${A} old\n${B} x\n`, after: `${B} x\n${A} new\n` },
  { name: 'comment argument overrides the key text', key: `${A} me`, opts: { comment: 'ci' }, e: {}, before: `${A} ci\n`, after: `${A} ci\n` },
  { name: 'key_options set', key: A, opts: { key_options: 'no-pty,from="10.0.0.1"' }, e: {}, before: `${A}\n`, after: `no-pty,from="10.0.0.1" ${A}\n` },
  { name: 'several keys at once', key: `${A} a\n\n# skip me\n${B} b\n`, e: {}, before: '', after: `${A} a\n${B} b\n` },
  { name: 'absent by blob, whatever comment and options', key: `${A} whatever`, e: { state: 'absent' }, before: `no-pty ${A} old\n${B} x\n`, after: `${B} x\n` },
  { name: 'absent when not there', key: A, e: { state: 'absent' }, before: `${B} x\n`, after: `${B} x\n` },
  { name: 'exclusive drops every other line', key: `${A} me`, e: { exclusive: true }, before: `# c\n${B} x\n${A} me\n`, after: `${A} me\n` },
  { name: 'last line without newline', key: `${A} me`, e: {}, before: `${B} x`, after: `${B} x\n${A} me\n` },
];

test('authorized_keys editing table (Ansible semantics: keys compared by type+blob)', () => {
  for (const c of cases) {
    const out = editAuthorizedKeys(c.before, wantedKeys({ key: c.key, ...c.opts }), c.e);
    assert.equal(out.content, c.after, c.name);
    assert.equal(out.changed, c.before !== c.after, c.name);
  }
});

const user = { name: 'deploy', uid: 1001, gid: 1001, comment: '', home: '/home/deploy', shell: '/bin/sh' };
const file = (size: number) => ({ exists: true as const, type: 'file' as const, mode: 0o600, uid: 1001, gid: 1001, owner: 'deploy', group: 'deploy', size, mtime: 0, inode: 1, device: 1 });
const state = (content: string, o: Partial<AuthorizedKeyState> = {}): AuthorizedKeyState => ({
  user, keyfile: '/home/deploy/.ssh/authorized_keys', dir: { exists: false }, file: content ? file(content.length) : { exists: false }, content, check: false, ...o,
});

test('authorized_key plan: diff, result fields, unknown user, --check, bad keys', () => {
  const plan = planAuthorizedKey(state(''), { user: 'deploy', key: A });
  assert.equal(plan.changes.length, 1);
  assert.deepEqual(plan.changes[0]!.diff, { path: '/home/deploy/.ssh/authorized_keys', before: '', after: `${A}\n` });
  assert.deepEqual(plan.result, { user: 'deploy', keyfile: '/home/deploy/.ssh/authorized_keys', state: 'present', exclusive: false, manage_dir: true });
  assert.equal(planAuthorizedKey(state(`${A}\n`), { user: 'deploy', key: A }).changes.length, 0);
  const noUser = state('', { user: undefined });
  delete noUser.user;
  assert.throws(() => planAuthorizedKey(noUser, { user: 'deploy', key: A }), /^ModuleError: Failed to lookup user deploy/);
  assert.equal(planAuthorizedKey({ ...noUser, check: true }, { user: 'deploy', key: A }).changes.length, 1, 'check mode: the user may come from an earlier task');
  assert.throws(() => planAuthorizedKey(state(''), { user: 'deploy', key: 'ssh-foo AAAA' }), /invalid key specified: ssh-foo AAAA/);
  assert.throws(() => wantedKeys({ key: 'https://github.com/me.keys' }), /key URL is not supported/);
  assert.throws(() => wantedKeys({ key: '\n# only a comment\n' }), /key is empty/);
});

test('authorized_key reads the home from getent, quotes every value, writes 0600 as the user, 0700 folder', async () => {
  const conn = new FakeConnection([
    { match: 'getent passwd', stdout: 'deploy:x:1001:1002::/srv/deploy home:/bin/sh\n' },
    { match: 'stat', stdout: 'N\nN\n' },
  ]);
  const ctx = makeContext(conn);
  const run = await runModule(authorizedKey, { user: "deploy", key: `${A} it's $(x)` }, ctx);
  assert.equal(run.changed, true);
  assert.equal(run.result.keyfile, '/srv/deploy home/.ssh/authorized_keys');
  const texts = conn.commands.map((c) => c.text);
  assert.ok(texts.some((t) => t.includes("getent passwd -- deploy")), texts.join('\n'));
  assert.ok(texts.some((t) => t.includes("mkdir -p -m 0700 -- '/srv/deploy home/.ssh' && chown -- 1001:1002 '/srv/deploy home/.ssh' && chmod 0700 -- '/srv/deploy home/.ssh'")), texts.join('\n'));
  assert.equal(conn.puts.length, 1);
  assert.equal(conn.puts[0]!.path, '/srv/deploy home/.ssh/authorized_keys');
  assert.equal(conn.puts[0]!.data.toString(), `${A} it's $(x)\n`);
  assert.deepEqual({ mode: conn.puts[0]!.opts?.mode, owner: conn.puts[0]!.opts?.owner, group: conn.puts[0]!.opts?.group }, { mode: 0o600, owner: '1001', group: '1002' });

  const unknown = new FakeConnection([{ match: 'getent passwd', code: 2 }]);
  await assert.rejects(runModule(authorizedKey, { user: 'ghost', key: A }, makeContext(unknown)), /Failed to lookup user ghost/);
});

test('authorized_key answers to ansible.posix.authorized_key', () => {
  const reg = new ModuleRegistry(fileModules);
  assert.equal(reg.get('ansible.posix.authorized_key'), authorizedKey);
  assert.equal(reg.get('authorized_key'), authorizedKey);
});
