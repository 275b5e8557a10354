import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { LocalConnection } from '../../../src/connect/local.js';
import { isLocalHost, openConnection } from '../../../src/connect/index.js';
import { CommandTimeoutError } from '../../../src/connect/errors.js';
import { sh, shellText } from '../../../src/core/sh.js';

const conn = new LocalConnection('localhost');
const noSudo = false;
if (execFileSync('sh', ['-c', 'command -v sudo || true']).length === 0 || process.getuid?.() !== 0) throw new Error('the become test needs root and sudo (Debian: sudo)');

test('localhost and ansible_connection: local choose the local connection; ssh wins when asked', async () => {
  assert.ok(isLocalHost('localhost', {}));
  assert.ok(isLocalHost('web1', { ansible_connection: 'local' }));
  assert.ok(!isLocalHost('localhost', { ansible_connection: 'ssh' }));
  assert.ok(!isLocalHost('web1', {}));
  assert.ok((await openConnection('127.0.0.1', {})) instanceof LocalConnection);
});

test('stdout, stderr, exit code, env, cwd, stdin', async () => {
  const r = await conn.run(shellText('printf "%s|%s|" "$K" "$(pwd)"; cat; echo e >&2; exit 4'), { env: { K: 'v w' }, cwd: '/tmp', stdin: Buffer.from('in') });
  assert.equal(r.code, 4);
  assert.equal(r.stdout.toString(), 'v w|/tmp|in');
  assert.equal(r.stderr.toString(), 'e\n');
});

test('a timeout kills the process group', async () => {
  await assert.rejects(conn.run(shellText('sleep 25 & sleep 26'), { timeoutMs: 300 }), CommandTimeoutError);
  await new Promise((r) => setTimeout(r, 100));
  assert.ok(!execFileSync('ps', ['-eo', 'args']).toString().includes('sleep 26'));
});

test('abort stops a command', async () => {
  const ac = new AbortController();
  setTimeout(() => ac.abort(new Error('stopped')), 100);
  await assert.rejects(conn.run(sh`sleep 20`, { signal: ac.signal }), /stopped/);
});

test('put replaces atomically, keeps the mode of the file it replaces, leaves no temp file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rp-local-'));
  const path = join(dir, 'f');
  writeFileSync(path, 'old', { mode: 0o640 });
  const data = randomBytes(100_000);
  await conn.put(path, data);
  assert.ok(readFileSync(path).equals(data));
  assert.equal(statSync(path).mode & 0o777, 0o640);
  await conn.put(join(dir, 'g'), Buffer.from('x'), { mode: 0o600 });
  assert.equal(statSync(join(dir, 'g')).mode & 0o777, 0o600);
  assert.deepEqual(readdirSync(dir).sort(), ['f', 'g']);
  assert.ok((await conn.get(path)).equals(data));
  rmSync(dir, { recursive: true });
});

test('become another user through sudo', { skip: noSudo }, async () => {
  const r = await conn.run(sh`id -un`, { become: { user: 'nobody' } });
  assert.equal(r.stdout.toString().trim(), 'nobody');
  const dir = mkdtempSync(join(tmpdir(), 'rp-local-'));
  execFileSync('chmod', ['777', dir]);
  await conn.put(join(dir, 'n'), Buffer.from('hi'), { become: { user: 'nobody' }, mode: 0o644 });
  assert.equal(execFileSync('stat', ['-c', '%U', join(dir, 'n')]).toString().trim(), 'nobody');
  rmSync(dir, { recursive: true });
});

test('forward on the local machine is the port itself', async () => {
  const f = await conn.forward(6379);
  assert.equal(f.port, 6379);
  await f.close();
});
