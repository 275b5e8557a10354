import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import copy, { planCopy, type CopyState } from '../../../src/modules/copy.js';
import template from '../../../src/modules/template.js';
import { digest } from '../../../src/modules/support/checksum.js';
import { LocalShellConnection, FakeConnection, makeContext, runModule } from './fakeConnection.js';

const target = (path: string, content: string, remote?: { content: string; mode?: number }): CopyState => ({
  kind: 'files', dest: path, dirs: [],
  targets: [{
    path, data: Buffer.from(content), checksum: digest(content),
    state: remote ? { exists: true, type: 'file', mode: remote.mode ?? 0o644, uid: 0, gid: 0, owner: 'root', group: 'root', size: remote.content.length, mtime: 0, inode: 1, device: 1, checksum: digest(remote.content) } : { exists: false },
    ...(remote ? { before: remote.content } : {}),
  }],
});

test('copy plan table', () => {
  const cases: { name: string; current: CopyState; args: Record<string, unknown>; expect: string[] }[] = [
    { name: 'missing → create', current: target('/d', 'x'), args: { content: 'x', dest: '/d' }, expect: ['create /d'] },
    { name: 'same content → ok', current: target('/d', 'x', { content: 'x' }), args: { content: 'x', dest: '/d' }, expect: [] },
    { name: 'differs → update', current: target('/d', 'y', { content: 'x' }), args: { content: 'y', dest: '/d' }, expect: ['update /d'] },
    { name: 'force false keeps it', current: target('/d', 'y', { content: 'x' }), args: { content: 'y', dest: '/d', force: false }, expect: [] },
    { name: 'mode only', current: target('/d', 'x', { content: 'x', mode: 0o600 }), args: { content: 'x', dest: '/d', mode: '0644' }, expect: ['/d: mode: 0600 → 0644'] },
  ];
  for (const c of cases) assert.deepEqual(planCopy(c.current, c.args as never).changes.map((x) => x.summary), c.expect, c.name);
  const diff = planCopy(target('/d', 'new\n', { content: 'old\n' }), { content: 'new\n', dest: '/d' }).changes[0]!.diff;
  assert.deepEqual(diff, { path: '/d', before: 'old\n', after: 'new\n' });
});

test('template compares hashes before sending: an unchanged file is neither fetched nor sent', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rp-tpl-'));
  mkdirSync(join(dir, 'templates'));
  writeFileSync(join(dir, 'templates', 'r.conf.hbs'), 'port {{port}}\n');
  const rendered = 'port 6379\n';
  const stat = `E\nregular file\t644\t0\t0\troot\troot\t${rendered.length}\t1\t1\t1\n${digest(rendered)}\n\n`;
  const conn = new FakeConnection([{ match: 'stat', stdout: stat }]);
  const ctx = makeContext(conn, { searchPaths: { files: [], templates: [join(dir, 'templates')] }, render: (s) => s.replace('{{port}}', '6379') });
  const r = await runModule(template, { src: 'r.conf.hbs', dest: '/etc/redis.conf' }, ctx);
  assert.equal(r.changed, false);
  assert.equal(conn.puts.length, 0);
  assert.equal(conn.gets.length, 0);
  assert.equal(r.result.checksum, digest(rendered));
});

test('template on a real file: render, write atomically, backup, validate, idempotent, check mode', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rp-tpl2-'));
  mkdirSync(join(dir, 'role-templates'));
  mkdirSync(join(dir, 'play-templates'));
  writeFileSync(join(dir, 'play-templates', 'a.hbs'), 'from play\n');
  writeFileSync(join(dir, 'role-templates', 'a.hbs'), 'from role {{x}}\n');
  const conn = new LocalShellConnection();
  const opts = { searchPaths: { files: [], templates: [join(dir, 'role-templates'), join(dir, 'play-templates')] }, render: (s: string) => s.replace('{{x}}', "'$(id)'") };
  const dest = join(dir, `out file;'$(touch PWNED)'.conf`);
  writeFileSync(dest, 'old\n', { mode: 0o600 });
  const args = { src: 'a.hbs', dest, backup: true, validate: 'grep -q role %s' };

  const dry = await runModule(template, args, makeContext(conn, { ...opts, check: true }));
  assert.equal(dry.changed, true);
  assert.deepEqual(dry.plan.changes[0]!.diff, { path: dest, before: 'old\n', after: "from role '$(id)'\n" });
  assert.equal(readFileSync(dest, 'utf8'), 'old\n', 'check mode wrote the file');

  const first = await runModule(template, args, makeContext(conn, opts));
  assert.equal(first.changed, true);
  assert.equal(readFileSync(dest, 'utf8'), "from role '$(id)'\n");
  assert.equal(statSync(dest).mode & 0o777, 0o600, 'the mode of the replaced file is kept');
  assert.match(String(first.result.backup_file), /\.conf\.\d+\.\d{4}-\d\d-\d\d@\d\d:\d\d:\d\d~$/);
  assert.equal(readFileSync(String(first.result.backup_file), 'utf8'), 'old\n');
  assert.equal((await runModule(template, args, makeContext(conn, opts))).changed, false);
  assert.equal(existsSync(join(dir, 'PWNED')), false);

  writeFileSync(dest, 'old\n');
  await assert.rejects(runModule(template, { ...args, validate: 'grep -q nomatch %s' }, makeContext(conn, opts)), /failed to validate/);
  assert.equal(readFileSync(dest, 'utf8'), 'old\n', 'a file that fails validation never replaces dest');
  assert.deepEqual(readdirSync(dir).filter((n) => n.includes('rp-tmp')), [], 'the temp file is removed');

  await assert.rejects(runModule(template, { src: 'nope.hbs', dest }, makeContext(conn, opts)), /template nope.hbs not found; looked in: .*role-templates/);
});

test('copy on a real filesystem: content, file into folder, folder with and without trailing slash, remote_src', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rp-copy-'));
  const files = join(dir, 'files');
  mkdirSync(join(files, 'conf', 'sub'), { recursive: true });
  writeFileSync(join(files, 'conf', 'a.conf'), 'a\n');
  writeFileSync(join(files, 'conf', 'sub', 'b.conf'), 'b\n');
  writeFileSync(join(files, 'tool.sh'), '#!/bin/sh\n');
  const host = join(dir, 'host');
  mkdirSync(host);
  const conn = new LocalShellConnection();
  const ctx = makeContext(conn, { searchPaths: { files: [files], templates: [] } });

  const c1 = await runModule(copy, { content: 'hello\n', dest: join(host, 'greeting'), mode: '0640' }, ctx);
  assert.equal(c1.changed, true);
  assert.equal(statSync(join(host, 'greeting')).mode & 0o777, 0o640);
  assert.equal(c1.result.checksum, digest('hello\n'));
  assert.equal((await runModule(copy, { content: 'hello\n', dest: join(host, 'greeting'), mode: '0640' }, ctx)).changed, false);

  await runModule(copy, { src: 'tool.sh', dest: host + '/', mode: 'a+x' }, ctx);
  assert.equal(statSync(join(host, 'tool.sh')).mode & 0o111, 0o111);

  await runModule(copy, { src: 'conf', dest: host }, ctx);
  assert.equal(readFileSync(join(host, 'conf', 'sub', 'b.conf'), 'utf8'), 'b\n');
  await runModule(copy, { src: 'conf/', dest: join(host, 'flat') }, ctx);
  assert.equal(readFileSync(join(host, 'flat', 'a.conf'), 'utf8'), 'a\n');
  assert.equal((await runModule(copy, { src: 'conf/', dest: join(host, 'flat') }, ctx)).changed, false);

  const remote = await runModule(copy, { src: join(host, 'greeting'), remote_src: true, dest: join(host, 'copy of greeting') }, ctx);
  assert.equal(remote.changed, true);
  assert.equal(readFileSync(join(host, 'copy of greeting'), 'utf8'), 'hello\n');
  assert.equal((await runModule(copy, { src: join(host, 'greeting'), remote_src: true, dest: join(host, 'copy of greeting') }, ctx)).changed, false);
});
