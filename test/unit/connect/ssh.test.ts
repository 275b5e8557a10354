import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { createServer, connect, type Server } from 'node:net';
import { execFileSync } from 'node:child_process';
import { connectSsh } from '../../../src/connect/ssh.js';
import { sh, shellText } from '../../../src/core/sh.js';
import { UnreachableError } from '../../../src/core/errors.js';
import { CommandTimeoutError } from '../../../src/connect/errors.js';
import type { Connection } from '../../../src/core/connection.js';
import { startSshd, sshdAvailable, type LocalSshd } from './localSshd.js';

// Never skipped: scripts/test.mjs installs openssh-server and sudo first; without them these tests fail loudly.
const skip = false;
if (!sshdAvailable) throw new Error('the SSH transport tests need root and /usr/sbin/sshd (Debian: openssh-server)');
let sshd: LocalSshd;
let shellConn: Connection;
let execConn: Connection;
const verboseLog: string[] = [];

before(async () => {
  if (skip) return;
  sshd = await startSshd();
  shellConn = await connectSsh(sshd.target());
  execConn = await connectSsh(sshd.target({ execChannelPerCommand: true, verbose: (m) => verboseLog.push(m) }));
});
after(async () => {
  if (skip) return;
  await shellConn.close();
  await execConn.close();
  await sshd.stop();
});

/** Both paths (persistent shell, one exec channel per command) must give the same results. */
function both(name: string, fn: (conn: Connection) => Promise<void>, skipAlso: string | false = false): void {
  test(`${name} (persistent shell)`, { skip: skip || skipAlso }, () => fn(shellConn));
  test(`${name} (exec channel per command)`, { skip: skip || skipAlso }, () => fn(execConn));
}
const noSudo = false;
if (execFileSync('sh', ['-c', 'command -v sudo || true']).length === 0) throw new Error('the become tests need sudo (Debian: sudo)');

both('stdout, stderr and exit code come back separately', async (c) => {
  const r = await c.run(sh`echo out; echo err >&2; exit 3`);
  assert.equal(r.code, 3);
  assert.equal(r.stdout.toString(), 'out\n');
  assert.equal(r.stderr.toString(), 'err\n');
});

both('output without a final newline and output that looks like a marker', async (c) => {
  const r = await c.run(shellText(`printf '<RPEND-%s>0\\n' 0123456789abcdef0123456789abcdef; printf '<RPEND-' >&2; printf 'tail'`));
  assert.equal(r.code, 0);
  assert.equal(r.stdout.toString(), '<RPEND-0123456789abcdef0123456789abcdef>0\ntail');
  assert.equal(r.stderr.toString(), '<RPEND-');
});

both('binary bytes (NUL, high bytes) pass through exactly', async (c) => {
  const data = randomBytes(300_000);
  data[0] = 0;
  const r = await c.run(sh`cat`, { stdin: data });
  assert.equal(r.code, 0);
  assert.ok(r.stdout.equals(data));
});

both('env, cwd and stdin reach the command, quoted', async (c) => {
  const r = await c.run(shellText('printf "%s|" "$A" "$(pwd)"; cat'), { env: { A: `it's "$HOME" ;x` }, cwd: '/tmp', stdin: Buffer.from('from stdin') });
  assert.equal(r.stdout.toString(), `it's "$HOME" ;x|/tmp|from stdin`);
});

both('a command reading stdin gets EOF, not the protocol stream', async (c) => {
  const r = await c.run(sh`cat`);
  assert.equal(r.stdout.length, 0);
  const after = await c.run(sh`echo still here`);
  assert.equal(after.stdout.toString(), 'still here\n');
});

both('50 MB of stdout, streamed to onOutput and captured', async (c) => {
  let streamed = 0;
  const hash = createHash('sha256');
  const r = await c.run(sh`head -c 52428800 /dev/urandom`, { onOutput: (s, chunk) => s === 'stdout' && (streamed += chunk.length, hash.update(chunk)) });
  assert.equal(r.code, 0);
  assert.equal(r.stdout.length, 52428800);
  assert.equal(streamed, 52428800);
  assert.equal(createHash('sha256').update(r.stdout).digest('hex'), hash.digest('hex'));
});

both('capture: false keeps output out of the result but streams it', async (c) => {
  let seen = '';
  const r = await c.run(sh`echo hidden`, { capture: false, onOutput: (_s, chunk) => (seen += chunk.toString()) });
  assert.equal(r.stdout.length, 0);
  assert.equal(seen, 'hidden\n');
});

both('a timeout kills the whole process group and the connection goes on', async (c) => {
  const mark = `rp-timeout-${randomBytes(4).toString('hex')}`;
  const t0 = Date.now();
  await assert.rejects(c.run(shellText(`sleep 30 & sleep 31; echo ${mark}`), { timeoutMs: 500 }), (e: unknown) => e instanceof CommandTimeoutError && /timed out after 0.5 s/.test(e.message));
  assert.ok(Date.now() - t0 < 6000, 'timeout honoured');
  await new Promise((r) => setTimeout(r, 200));
  const ps = execFileSync('ps', ['-eo', 'args']).toString();
  assert.ok(!ps.includes('sleep 31'), 'the group was killed');
  const r = await c.run(sh`echo ok`);
  assert.equal(r.stdout.toString(), 'ok\n');
});

both('an AbortSignal stops a running command', async (c) => {
  const ac = new AbortController();
  setTimeout(() => ac.abort(new Error('stop now')), 300);
  await assert.rejects(c.run(sh`sleep 20`, { signal: ac.signal }), /stop now/);
  assert.equal((await c.run(sh`echo alive`)).stdout.toString(), 'alive\n');
});

both('concurrent runs each get their own output', async (c) => {
  const results = await Promise.all(Array.from({ length: 12 }, (_, i) => c.run(shellText(`sleep 0.0${i % 3}; echo ${i}; echo e${i} >&2`))));
  results.forEach((r, i) => {
    assert.equal(r.stdout.toString(), `${i}\n`);
    assert.equal(r.stderr.toString(), `e${i}\n`);
  });
});

both('put is atomic, sets the mode and get reads back binary content', async (c) => {
  const dir = (await c.run(sh`mktemp -d`)).stdout.toString().trim();
  const data = randomBytes(20 * 1024 * 1024);
  await c.put(`${dir}/big.bin`, data, { mode: 0o640 });
  const back = await c.get(`${dir}/big.bin`);
  assert.ok(back.equals(data));
  const st = await c.run(sh`stat -c %a ${`${dir}/big.bin`}`);
  assert.equal(st.stdout.toString().trim(), '640');
  const left = await c.run(sh`ls -A ${dir}`);
  assert.equal(left.stdout.toString().trim(), 'big.bin', 'no temp file left behind');
  await c.run(sh`rm -rf ${dir}`);
});

both('put into a missing folder fails with a message naming the path', async (c) => {
  await assert.rejects(c.put('/nonexistent-dir-rp/x', Buffer.from('x')), /cannot write \/nonexistent-dir-rp\/x on sshd-test/);
});

both('become to another user through sudo -n', async (c) => {
  const r = await c.run(sh`id -un`, { become: { user: 'nobody' } });
  assert.equal(r.stdout.toString().trim(), 'nobody');
  const env = await c.run(shellText('echo "$X"; pwd'), { become: { user: 'nobody' }, env: { X: 'kept' }, cwd: '/' });
  assert.equal(env.stdout.toString(), 'kept\n/\n');
}, noSudo);

test('the exec-channel fallback says so under verbose', { skip }, () => {
  assert.ok(verboseLog.some((m) => /one exec channel per command/.test(m)));
});

test('forward reaches a TCP server on the host, many sockets at once', { skip }, async () => {
  const echo: Server = createServer((s) => s.pipe(s));
  await new Promise<void>((r) => echo.listen(0, '127.0.0.1', () => r()));
  const remotePort = (echo.address() as { port: number }).port;
  const fwd = await shellConn.forward(remotePort);
  try {
    const replies = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        new Promise<string>((resolve, reject) => {
          const s = connect(fwd.port, '127.0.0.1', () => s.end(`ping ${i}`));
          let got = '';
          s.on('data', (d) => (got += d.toString()));
          s.on('close', () => resolve(got));
          s.on('error', reject);
        }),
      ),
    );
    replies.forEach((r, i) => assert.equal(r, `ping ${i}`));
  } finally {
    await fwd.close();
    echo.close();
  }
});

test('put without an SFTP subsystem goes through the shell', { skip }, async () => {
  const noSftp = await startSshd({ sftp: false });
  const log: string[] = [];
  const c = await connectSsh(noSftp.target({ verbose: (m) => log.push(m) }));
  try {
    const dir = (await c.run(sh`mktemp -d`)).stdout.toString().trim();
    const data = randomBytes(1_000_000);
    await c.put(`${dir}/f`, data);
    assert.ok((await c.get(`${dir}/f`)).equals(data));
    assert.ok(log.some((m) => /SFTP unavailable/.test(m)));
    await c.run(sh`rm -rf ${dir}`);
  } finally {
    await c.close();
    await noSftp.stop();
  }
});

test('a dropped connection rejects pending and later runs with UnreachableError', { skip }, async () => {
  const own = await startSshd();
  const c = await connectSsh(own.target({ keepaliveIntervalMs: 1000 }));
  try {
    const pending = c.run(sh`sleep 20`);
    await new Promise((r) => setTimeout(r, 300));
    own.dropConnections();
    await assert.rejects(pending, (e: unknown) => e instanceof UnreachableError && /connection lost/.test(e.message));
    await assert.rejects(c.run(sh`true`), UnreachableError);
  } finally {
    await c.close();
    await own.stop();
  }
});

test('nothing listening: UnreachableError naming the address', { skip }, async () => {
  await assert.rejects(connectSsh(sshd.target({ port: 1 })), (e: unknown) => e instanceof UnreachableError && /127\.0\.0\.1:1: connection refused \(is sshd running and listening on that port\?\) \(ECONNREFUSED\)/.test(e.message));
});

both('a shell syntax error fails only that command; the connection goes on', async (c) => {
  const r = await c.run(shellText('if then fi ('));
  assert.notEqual(r.code, 0);
  assert.match(r.stderr.toString(), /syntax|unexpected/i);
  const next = await c.run(sh`echo still here`);
  assert.equal(next.stdout.toString(), 'still here\n');
});

both('nothing a command can read shows the end marker (set, env, its own argv)', async (c) => {
  const r = await c.run(shellText('set; env; cat /proc/$$/cmdline 2>/dev/null | tr "\\0" " "'));
  assert.equal(r.code, 0);
  assert.doesNotMatch(r.stdout.toString(), /RPEND-[0-9a-f]{32}/);
});

both('a timeout also kills grandchildren started through another shell', async (c) => {
  const mark = `rp-grandchild-${randomBytes(4).toString('hex')}`;
  await assert.rejects(c.run(shellText(`sh -c 'sleep 40; echo ${mark}' & wait`), { timeoutMs: 400 }), CommandTimeoutError);
  await new Promise((r) => setTimeout(r, 300));
  const left = execFileSync('sh', ['-c', `ps -eo args | grep -c "[e]cho ${mark}" || true`]).toString().trim();
  assert.equal(left, '0', 'a grandchild survived the timeout');
});
