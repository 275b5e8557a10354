/**
 * Tasks ported straight from Ansible roles (geerlingguy-style redis/ufw/common roles): argument spellings and
 * edge cases that once behaved differently from Ansible. Plans are tables; the loader runs with the real registry.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, chmodSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPlaybook } from '../../../src/load/playbook.js';
import { coerceKvValue, decodeKvEscapes, parseKv } from '../../../src/load/kv.js';
import { createDefaultRegistry } from '../../../src/modules/index.js';
import { createTemplateEngine } from '../../../src/template/index.js';
import { SourceError } from '../../../src/core/errors.js';
import copy, { planCopy, type CopyState } from '../../../src/modules/copy.js';
import file from '../../../src/modules/file.js';
import { planTemplate } from '../../../src/modules/template.js';
import { digest } from '../../../src/modules/support/checksum.js';
import { listsChanged } from '../../../src/modules/apt.js';
import { parseStaleUnits, planReloadOnly } from '../../../src/modules/systemd.js';
import { waitCommand } from '../../../src/modules/wait_for.js';
import { desiredTuples, planUfw, ruleWords, type UfwCurrent } from '../../../src/modules/system/ufwPlan.js';
import { parseUserRules } from '../../../src/modules/system/ufwRules.js';
import { runModule, LocalShellConnection, makeContext } from './fakeConnection.js';

async function loadTasks(yaml: string): Promise<Record<string, unknown>[]> {
  const dir = mkdtempSync(join(tmpdir(), 'rp-ports-'));
  writeFileSync(join(dir, 'site.yml'), yaml);
  const pb = await loadPlaybook(join(dir, 'site.yml'), { registry: createDefaultRegistry(), templates: createTemplateEngine(), cwd: dir });
  const tasks = (pb.plays[0] as unknown as { tasks: { args?: Record<string, unknown> }[] }).tasks;
  return tasks.map((t) => t.args ?? {});
}

async function loadProblems(yaml: string): Promise<string[]> {
  try {
    await loadTasks(yaml);
  } catch (e) {
    if (e instanceof SourceError) return e.problems.map((p) => `${p.line}:${p.col}: ${p.message}${p.hint ? ` (${p.hint})` : ''}`);
    throw e;
  }
  return [];
}

test('k=v mode=0644 stays the octal string Ansible sees (as a number it was decimal 644, mode 01204)', async () => {
  const modeSchema = (copy.schema as { properties: Record<string, unknown> }).properties['mode'];
  assert.equal(coerceKvValue('0644', modeSchema), '0644');
  assert.equal(coerceKvValue('0750', modeSchema), '0750');
  const [a, b] = await loadTasks('- hosts: all\n  tasks:\n    - copy: content=x dest=/tmp/x mode=0644\n    - copy: src=/tmp/c dest=/tmp/d/ remote_src=yes directory_mode=0750\n');
  assert.equal(a!['mode'], '0644');
  assert.equal(b!['directory_mode'], '0750');
  // ports and counts are still numbers
  assert.equal(coerceKvValue('6379', { anyOf: [{ type: 'string' }, { type: 'integer' }] }), 6379);
});

test('k=v values decode escapes as Ansible parse_kv does; other backslashes stay', async () => {
  assert.equal(decodeKvEscapes('[Service]\\nExecStart=/bin/true\\n'), '[Service]\nExecStart=/bin/true\n');
  assert.equal(decodeKvEscapes('a\\tb \\u00e9 \\x41 \\\\n \\"q\\"'), 'a\tb é A \\n "q"');
  assert.equal(decodeKvEscapes('^\\s+bind \\d'), '^\\s+bind \\d');
  assert.deepEqual(parseKv('content="a\\nb" dest=/x').params, { content: 'a\nb', dest: '/x' });
});

test('include_vars, fail: their own arguments as k=v, not one free-form file name', async () => {
  const [iv, named] = await loadTasks('- hosts: all\n  tasks:\n    - include_vars: file=vars/main.yml\n    - include_vars: file=vars/main.yml name=rv\n    - include_vars: other.yml\n');
  assert.deepEqual(iv, { file: 'vars/main.yml' });
  assert.deepEqual(named, { file: 'vars/main.yml', name: 'rv' });
  const tasks = await loadTasks('- hosts: all\n  tasks:\n    - include_vars: other.yml\n    - command: echo a=b chdir=/tmp\n');
  assert.deepEqual(tasks[0], { file: 'other.yml' });
  assert.deepEqual(tasks[1], { cmd: 'echo a=b', chdir: '/tmp' });
});

test('apt: force_apt_get and default_release load; unknown state names the choices', async () => {
  assert.deepEqual(await loadProblems('- hosts: all\n  tasks:\n    - apt: name=tcl force_apt_get=yes default_release=bookworm-backports install_recommends=no\n'), []);
  const bad = await loadProblems('- hosts: all\n  tasks:\n    - apt: name=tcl default_release="x; reboot"\n');
  assert.equal(bad.length, 1);
});

test('apt: update_cache alone is no change when apt replaced no list file', () => {
  assert.deepEqual(listsChanged('Hit:1 http://deb bookworm InRelease\nReading package lists...\n@@apt-lists same\n'), { out: 'Hit:1 http://deb bookworm InRelease\nReading package lists...\n', changed: false });
  assert.equal(listsChanged('Get:1 ...\n@@apt-lists new\n').changed, true);
  assert.equal(listsChanged('no mark at all').changed, true);
});

const localTarget = (path: string, content: string, srcMode: number, remoteMode?: number): CopyState => ({
  kind: 'files', dest: path, dirs: [],
  targets: [{
    path, data: Buffer.from(content), checksum: digest(content), srcMode,
    state: remoteMode !== undefined ? { exists: true, type: 'file', mode: remoteMode, uid: 0, gid: 0, owner: 'root', group: 'root', size: content.length, mtime: 0, inode: 1, device: 1, checksum: digest(content) } : { exists: false },
  }],
});

test("copy/template mode: preserve takes the source file's mode", () => {
  assert.deepEqual(planCopy(localTarget('/d', 'x', 0o755, 0o644), { src: 'f', dest: '/d', mode: 'preserve' }).changes.map((c) => c.summary), ['/d: mode: 0644 → 0755']);
  assert.deepEqual(planCopy(localTarget('/d', 'x', 0o755, 0o755), { src: 'f', dest: '/d', mode: 'preserve' }).changes, []);
  const t = localTarget('/t', 'x', 0o600, 0o644).targets[0]!;
  assert.deepEqual(planTemplate(t, { src: 't.hbs', dest: '/t', mode: 'preserve' }).changes.map((c) => c.summary), ['/t: mode: 0644 → 0600']);
  const remote: CopyState = { kind: 'remote', src: '/a', dest: '/b', srcState: { exists: true, type: 'file', mode: 0o640, uid: 0, gid: 0, owner: 'root', group: 'root', size: 1, mtime: 0, inode: 1, device: 1, checksum: 'c' }, state: { exists: false } };
  assert.equal(planCopy(remote, { src: '/a', dest: '/b', remote_src: true, mode: 'preserve' }).result?.['mode'], '0640');
});

test('copy: a remote src only planned by an earlier task is a planned change under --check', () => {
  const plan = planCopy({ kind: 'remoteNotYet', src: '/tmp/a', dest: '/tmp/b' }, { src: '/tmp/a', dest: '/tmp/b', remote_src: true });
  assert.equal(plan.changes.length, 1);
  assert.match(plan.warnings?.[0] ?? '', /not on the host yet/);
});

test('copy: src folder with a trailing slash creates a missing dest (it was "cannot write dest/a.conf")', async () => {
  const src = mkdtempSync(join(tmpdir(), 'rp-src-'));
  writeFileSync(join(src, 'a.conf'), 'a\n');
  chmodSync(join(src, 'a.conf'), 0o640);
  const dest = join(mkdtempSync(join(tmpdir(), 'rp-dest-')), 'ee');
  const ctx = makeContext(new LocalShellConnection());
  const first = await runModule(copy, { src: `${src}/`, dest, mode: 'preserve' }, ctx);
  assert.equal(first.changed, true);
  assert.equal(readFileSync(join(dest, 'a.conf'), 'utf8'), 'a\n');
  assert.equal(statSync(join(dest, 'a.conf')).mode & 0o777, 0o640);
  const second = await runModule(copy, { src: `${src}/`, dest, mode: 'preserve' }, ctx);
  assert.equal(second.changed, false);
});

const ufwState = (rules: string, over: Partial<UfwCurrent> = {}): UfwCurrent => ({
  installed: true, enabled: false, logLevel: 'low',
  defaults: { incoming: 'deny', outgoing: 'allow', routed: 'deny', ipv6: true },
  rules: parseUserRules(rules, false), sshPort: 22, ...over,
});

test('ufw name: OpenSSH (application profile): ufw words, idempotent, and it counts for the lock-out guard', () => {
  assert.deepEqual(ruleWords({ rule: 'allow', name: 'OpenSSH' }, false), ['allow', 'in', 'from', 'any', 'to', 'any', 'app', 'OpenSSH']);
  assert.equal(desiredTuples({ rule: 'allow', name: 'OpenSSH' }, false)[0]!.dapp, 'OpenSSH');
  const recorded = '### tuple ### allow tcp 22 0.0.0.0/0 any 0.0.0.0/0 OpenSSH - in\n';
  assert.deepEqual(planUfw(ufwState(recorded, { defaults: { incoming: 'deny', outgoing: 'allow', routed: 'deny', ipv6: false } }), { rule: 'allow', name: 'OpenSSH' }).changes, []);
  assert.equal(planUfw(ufwState(''), { rule: 'allow', app: 'OpenSSH' }).changes.length, 1);
  // the common role: allow OpenSSH, then enable with incoming denied
  const enable = planUfw(ufwState(recorded), { state: 'enabled', policy: 'deny', direction: 'incoming' });
  assert.equal(enable.fail, undefined);
  assert.deepEqual(enable.changes.map((c) => c.summary), ['enable ufw']);
});

test('wait_for state: drained succeeds when no connection is established (it waited for one)', () => {
  assert.match(waitCommand({ port: 6399, state: 'drained' }, false).text, /want=yes/);
  assert.match(waitCommand({ port: 6399, state: 'stopped' }, false).text, /want=no/);
});

test('systemd daemon_reload alone: a change only when a unit file changed since the last load', () => {
  assert.deepEqual(parseStaleUnits('Id=ssh.service\nNeedDaemonReload=no\n\nId=redis.service\nNeedDaemonReload=yes\n/etc/systemd/system/new.service\n'), ['redis.service', '/etc/systemd/system/new.service']);
  assert.deepEqual(planReloadOnly({ kind: 'reload-only', stale: [] }, true).changes, []);
  assert.equal(planReloadOnly({ kind: 'reload-only', stale: ['redis.service'] }, true).changes.length, 1);
  assert.equal(planReloadOnly({ kind: 'reload-only', stale: undefined }, true).changes.length, 1, 'unknown: reload');
});

test('file state=directory: the missing parents it creates get owner/group/mode too, as in Ansible', async () => {
  const root = mkdtempSync(join(tmpdir(), 'rp-dirs-'));
  chmodSync(root, 0o755);
  const ctx = makeContext(new LocalShellConnection());
  const path = join(root, 'lib', 'redis', '6379');
  const first = await runModule(file, { path, state: 'directory', mode: '0750' }, ctx);
  assert.equal(first.changed, true);
  for (const d of [join(root, 'lib'), join(root, 'lib', 'redis'), path]) assert.equal(statSync(d).mode & 0o777, 0o750, d);
  assert.equal(statSync(root).mode & 0o777, 0o755, 'an existing parent is left alone');
  assert.equal((await runModule(file, { path, state: 'directory', mode: '0750' }, ctx)).changed, false);
  // symbolic modes and a name with shell syntax arrive as data
  const odd = join(root, 'a $(touch x); b', 'c');
  await runModule(file, { path: odd, state: 'directory', mode: 'u=rwx,g=rx,o=' }, ctx);
  assert.equal(statSync(join(root, 'a $(touch x); b')).mode & 0o777, 0o750);
});

test('file/copy mode on a folder inside a setgid folder (Debian\'s /etc/redis): set exactly, so the second run is ok', async () => {
  const parent = mkdtempSync(join(tmpdir(), 'rp-setgid-'));
  chmodSync(parent, 0o2770); // new folders inside inherit setgid, and GNU chmod 0750 would keep it
  const ctx = makeContext(new LocalShellConnection());
  const dir = join(parent, 'conf.d');
  const first = await runModule(file, { path: dir, state: 'directory', mode: '0750' }, ctx);
  assert.equal(first.changed, true);
  assert.equal(statSync(dir).mode & 0o7777, 0o750, 'the inherited setgid bit is cleared, as chmod(2) and Ansible do');
  assert.equal((await runModule(file, { path: dir, state: 'directory', mode: '0750' }, ctx)).changed, false);
  const existing = join(parent, 'later');
  await runModule(file, { path: existing, state: 'directory' }, ctx);
  assert.equal(statSync(existing).mode & 0o2000, 0o2000, 'inherited when no mode is asked');
  assert.equal((await runModule(file, { path: existing, state: 'directory', mode: 0o750 }, ctx)).changed, true);
  assert.equal(statSync(existing).mode & 0o7777, 0o750);
  assert.equal((await runModule(file, { path: existing, state: 'directory', mode: 0o750 }, ctx)).changed, false);
});
