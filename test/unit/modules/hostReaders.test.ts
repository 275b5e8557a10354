import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import stat from '../../../src/modules/stat.js';
import slurp from '../../../src/modules/slurp.js';
import fetchModule, { localPathFor } from '../../../src/modules/fetch.js';
import getUrl, { downloadCommand, planGetUrl, type GetUrlState } from '../../../src/modules/get_url.js';
import unarchive from '../../../src/modules/unarchive.js';
import waitFor from '../../../src/modules/wait_for.js';
import { digest } from '../../../src/modules/support/checksum.js';
import { FakeConnection, LocalShellConnection, makeContext, runModule } from './fakeConnection.js';

const local = () => makeContext(new LocalShellConnection());

test('stat describes files, folders, links and missing paths like Ansible', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rp-st-'));
  const f = join(dir, "f 'x'");
  writeFileSync(f, 'abc', { mode: 0o640 });
  symlinkSync(f, join(dir, 'l'));
  const r = (await runModule(stat, { path: f, checksum_algorithm: 'sha256' }, local())).result.stat as Record<string, unknown>;
  assert.equal(r.exists, true);
  assert.equal(r.isreg, true);
  assert.equal(r.mode, '0640');
  assert.equal(r.size, 3);
  assert.equal(r.checksum, digest('abc', 'sha256'));
  const l = (await runModule(stat, { path: join(dir, 'l') }, local())).result.stat as Record<string, unknown>;
  assert.equal(l.islnk, true);
  assert.equal(l.lnk_target, f);
  const followed = (await runModule(stat, { path: join(dir, 'l'), follow: true }, local())).result.stat as Record<string, unknown>;
  assert.equal(followed.isreg, true);
  assert.deepEqual((await runModule(stat, { path: join(dir, 'nope') }, local())).result.stat, { exists: false });
  assert.equal((await runModule(stat, { path: dir }, local())).changed, false);
});

test('slurp returns base64 content and a clear error for a missing file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rp-sl-'));
  writeFileSync(join(dir, 'a b'), 'secret\n');
  const r = await runModule(slurp, { src: join(dir, 'a b') }, local());
  assert.equal(Buffer.from(String(r.result.content), 'base64').toString(), 'secret\n');
  assert.equal(r.result.encoding, 'base64');
  await assert.rejects(runModule(slurp, { src: join(dir, 'none') }, local()), /file not found/);
});

test('fetch copies host files to dest/<host>/<path>, then is ok; flat and fail_on_missing', async () => {
  assert.equal(localPathFor('redis-1', { src: '/etc/redis/redis.conf', dest: 'out' }), 'out/redis-1/etc/redis/redis.conf');
  assert.equal(localPathFor('h', { src: '/etc/a.conf', dest: 'out/', flat: true }), 'out/a.conf');
  // A host name (add_host can take one from host data) never walks out of dest.
  for (const evil of ['..', '../../home/u/.ssh', 'a/../..', '.', '']) {
    assert.throws(() => localPathFor(evil, { src: '/x', dest: 'out' }), /cannot be a folder under dest/, evil);
  }
  const dir = mkdtempSync(join(tmpdir(), 'rp-fe-'));
  const src = join(dir, 'remote.conf');
  writeFileSync(src, 'v1\n');
  const ctx = local();
  const first = await runModule(fetchModule, { src, dest: join(dir, 'out') }, ctx);
  assert.equal(first.changed, true);
  const landed = join(dir, 'out', 'localhost', src);
  assert.equal(readFileSync(landed, 'utf8'), 'v1\n');
  assert.equal((await runModule(fetchModule, { src, dest: join(dir, 'out') }, ctx)).changed, false);
  await assert.rejects(runModule(fetchModule, { src: join(dir, 'none'), dest: join(dir, 'out') }, ctx), /remote file does not exist/);
  assert.equal((await runModule(fetchModule, { src: join(dir, 'none'), dest: join(dir, 'out'), fail_on_missing: false }, ctx)).changed, false);
});

const gstate = (exists: boolean, checksum?: string): GetUrlState => ({
  dest: '/d', algorithm: 'sha256', ...(checksum ? { expected: checksum } : {}),
  state: exists ? { exists: true, type: 'file', mode: 0o644, uid: 0, gid: 0, owner: 'root', group: 'root', size: 1, mtime: 0, inode: 1, device: 1, checksum: 'aa' } : { exists: false },
});

test('get_url plan table and quoted download commands', () => {
  const args = { url: 'https://example.invalid/r.tgz', dest: '/d' };
  assert.deepEqual(planGetUrl(gstate(false), args).changes.map((c) => c.summary), ['download https://example.invalid/r.tgz to /d (missing)']);
  assert.equal(planGetUrl(gstate(true), args).changes.length, 0, 'exists, no checksum, no force: ok');
  assert.equal(planGetUrl(gstate(true, 'aa'), args).changes.length, 0, 'checksum matches: ok');
  assert.equal(planGetUrl(gstate(true, 'bb'), args).changes.length, 1, 'checksum differs: download');
  assert.equal(planGetUrl(gstate(true), { ...args, force: true }).changes.length, 1);
  // --check on a host without curl or wget: still a planned download, but the dry run says the real one would fail
  assert.match(planGetUrl({ ...gstate(false), noDownloader: true }, args).warnings?.join() ?? '', /neither curl nor wget is on the host: a real run fails unless an earlier task installs one/);
  assert.equal(planGetUrl({ ...gstate(true), noDownloader: true }, args).warnings, undefined, 'nothing to download: nothing to warn about');
  const hostile = { url: "http://127.0.0.1/a'b$(x)", dest: '/d', headers: { 'X-Token': `a"b'; rm -rf /` } };
  assert.equal(downloadCommand('curl', hostile, '/t').text, `curl -fsSL --max-time 10  -H 'X-Token: a"b'\\''; rm -rf /' -o /t -- 'http://127.0.0.1/a'\\''b$(x)'`);
  assert.equal(downloadCommand('wget', hostile, '/t').text, `wget -nv -T 10  '--header=X-Token: a"b'\\''; rm -rf /' -O /t -- 'http://127.0.0.1/a'\\''b$(x)'`);
});

test('get_url without curl or wget says so', async () => {
  const conn = new FakeConnection([{ match: 'command -v curl', code: 1 }, { match: 'stat', stdout: 'N\n' }]);
  await assert.rejects(runModule(getUrl, { url: 'http://127.0.0.1:1/x', dest: '/tmp/x' }, makeContext(conn)), /neither curl nor wget on host; install one or use via: controller/);
});

test('get_url downloads from a loopback server on the host and via the controller, verifying checksums', async () => {
  const body = 'payload\n';
  const server = createHttpServer((req, res) => {
    if (req.headers['x-test'] !== 'yes') return void res.writeHead(403).end();
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  try {
    const dir = mkdtempSync(join(tmpdir(), 'rp-gu-'));
    const sum = `sha256:${digest(body, 'sha256')}`;
    for (const via of ['host', 'controller'] as const) {
      const dest = join(dir, `dl ${via}`);
      const args = { url: `http://127.0.0.1:${port}/f.txt`, dest, checksum: sum, headers: { 'X-Test': 'yes' }, mode: '0600', via };
      assert.equal((await runModule(getUrl, args, local())).changed, true, via);
      assert.equal(readFileSync(dest, 'utf8'), body);
      assert.equal(statSync(dest).mode & 0o777, 0o600);
      assert.equal((await runModule(getUrl, args, local())).changed, false, `${via} second run`);
    }
    const bad = { url: `http://127.0.0.1:${port}/f.txt`, dest: join(dir, 'bad'), checksum: `sha256:${'0'.repeat(64)}`, headers: { 'X-Test': 'yes' } };
    await assert.rejects(runModule(getUrl, bad, local()), /did not match/);
    assert.equal(existsSync(join(dir, 'bad')), false);
    await assert.rejects(runModule(getUrl, { url: `http://127.0.0.1:${port}/f.txt`, dest: join(dir, 'denied') }, local()), /download of .* failed/);
  } finally {
    server.close();
  }
});

test('unarchive: controller and host tarballs, idempotent by listing, creates, list_files', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rp-un-'));
  mkdirSync(join(dir, 'src', 'app dir'), { recursive: true });
  writeFileSync(join(dir, 'src', 'app dir', 'a.txt'), 'a');
  execFileSync('tar', ['-czf', join(dir, 'app.tar.gz'), '-C', join(dir, 'src'), 'app dir']);
  mkdirSync(join(dir, 'dest'));
  const ctx = makeContext(new LocalShellConnection(), { searchPaths: { files: [dir], templates: [] } });
  const first = await runModule(unarchive, { src: 'app.tar.gz', dest: join(dir, 'dest'), list_files: true }, ctx);
  assert.equal(first.changed, true);
  assert.deepEqual(first.result.files, ['app dir', 'app dir/a.txt']);
  assert.equal(readFileSync(join(dir, 'dest', 'app dir', 'a.txt'), 'utf8'), 'a');
  assert.equal((await runModule(unarchive, { src: 'app.tar.gz', dest: join(dir, 'dest') }, ctx)).changed, false);

  mkdirSync(join(dir, 'd2'));
  const remote = { src: join(dir, 'app.tar.gz'), dest: join(dir, 'd2'), remote_src: true, extra_opts: ['--strip-components=1'] };
  assert.equal((await runModule(unarchive, remote, ctx)).changed, true);
  assert.equal(readFileSync(join(dir, 'd2', 'a.txt'), 'utf8'), 'a');
  assert.equal((await runModule(unarchive, { ...remote, creates: join(dir, 'd2', 'a.txt') }, ctx)).changed, false);
  await assert.rejects(runModule(unarchive, { src: 'app.tar.gz', dest: join(dir, 'missing') }, ctx), /must be an existing directory/);
  await assert.rejects(runModule(unarchive, { src: 'x.rar', dest: dir }, ctx), /cannot tell the format/);
});

test('wait_for: a port that opens, a port that stays closed, a file with text, check mode looks once', async () => {
  const server = createServer((s) => {
    s.on('error', () => {}); // the probe hangs up as soon as it has connected
    s.end('+PONG\r\n');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  try {
    const ok = await runModule(waitFor, { port, timeout: 5 }, local());
    assert.equal(ok.changed, false);
    assert.equal(ok.result.port, port);
    assert.equal((await runModule(waitFor, { port, search_regex: 'PONG', timeout: 5 }, local())).changed, false);
  } finally {
    server.close();
  }
  await assert.rejects(runModule(waitFor, { port: 1, timeout: 1, connect_timeout: 1 }, local()), /Timeout when waiting for 127.0.0.1:1 to be started/);
  assert.equal((await runModule(waitFor, { port: 1, state: 'stopped', timeout: 2 }, local())).changed, false);
  const dir = mkdtempSync(join(tmpdir(), 'rp-wf-'));
  const log = join(dir, "redis 'log'");
  setTimeout(() => writeFileSync(log, 'Ready to accept connections\n'), 700);
  const found = await runModule(waitFor, { path: log, search_regex: 'Ready to accept', timeout: 10 }, local());
  assert.equal(found.changed, false);
  const dry = await runModule(waitFor, { path: join(dir, 'never'), timeout: 300 }, makeContext(new LocalShellConnection(), { check: true }));
  assert.match(dry.plan.warnings?.[0] ?? '', /check mode: would wait for/);
});
