import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectSsh } from '../../../src/connect/ssh.js';
import { AuthenticationError, HostKeyError } from '../../../src/connect/errors.js';
import { parseKnownHosts, checkHostKey } from '../../../src/connect/knownHosts.js';
import { sh } from '../../../src/core/sh.js';
import { startSshd, sshdAvailable, type LocalSshd } from './localSshd.js';

// Never skipped: scripts/test.mjs installs openssh-server and sudo first; without them these tests fail loudly.
const skip = false;
if (!sshdAvailable) throw new Error('the SSH transport tests need root and /usr/sbin/sshd (Debian: openssh-server)');
let sshd: LocalSshd;
let dir: string;

before(async () => {
  if (skip) return;
  sshd = await startSshd();
  dir = mkdtempSync(join(tmpdir(), 'rp-hostkeys-'));
});
after(async () => {
  if (skip) return;
  await sshd.stop();
  rmSync(dir, { recursive: true, force: true });
});

function otherKeyLine(): string {
  const f = join(dir, `other-${Math.random().toString(16).slice(2)}`);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', f]);
  return readFileSync(`${f}.pub`, 'utf8').trim().split(/\s+/).slice(0, 2).join(' ');
}

test('strict: an unknown host is refused with a message naming it and how to accept', { skip }, async () => {
  const empty = join(dir, 'empty_known_hosts');
  writeFileSync(empty, '');
  await assert.rejects(connectSsh(sshd.target({ knownHostsFiles: [empty] })), (e: unknown) => {
    assert.ok(e instanceof HostKeyError);
    assert.match(e.message, /host key for sshd-test \(\[127\.0\.0\.1\]:\d+\) is not known/);
    assert.match(e.message, /ssh-keyscan -p \d+ 127\.0\.0\.1/);
    assert.match(e.message, /--host-key-checking=accept-new/);
    return true;
  });
});

test('a changed key is refused naming the file and line of the recorded key, even with accept-new', { skip }, async () => {
  const file = join(dir, 'changed_known_hosts');
  writeFileSync(file, `# comment\nother.example ${otherKeyLine()}\n[127.0.0.1]:${sshd.port} ${otherKeyLine()}\n`);
  for (const checking of ['strict', 'accept-new'] as const) {
    await assert.rejects(connectSsh(sshd.target({ knownHostsFiles: [file], hostKeyChecking: checking })), (e: unknown) => {
      assert.ok(e instanceof HostKeyError);
      assert.match(e.message, /HOST KEY CHANGED/);
      assert.ok(e.message.includes(`${file}:3`), e.message);
      return true;
    });
  }
  assert.equal(readFileSync(file, 'utf8').split('\n').length, 4, 'nothing appended');
});

test('accept-new records an unknown key (hashed) and accepts it next time under strict', { skip }, async () => {
  const file = join(dir, 'new_known_hosts');
  const c = await connectSsh(sshd.target({ knownHostsFiles: [file], hostKeyChecking: 'accept-new' }));
  assert.equal((await c.run(sh`echo hi`)).stdout.toString(), 'hi\n');
  await c.close();
  const text = readFileSync(file, 'utf8');
  assert.match(text, /^\|1\|[^|]+\|[^ ]+ ssh-ed25519 /);
  const key = Buffer.from(sshd.hostKeyLine.split(' ')[1] ?? '', 'base64');
  assert.equal(checkHostKey(parseKnownHosts(text, file), `[127.0.0.1]:${sshd.port}`, key).kind, 'known');
  const again = await connectSsh(sshd.target({ knownHostsFiles: [file], hostKeyChecking: 'strict' }));
  await again.close();
});

test('off accepts any key', { skip }, async () => {
  const file = join(dir, 'off_known_hosts');
  writeFileSync(file, `[127.0.0.1]:${sshd.port} ${otherKeyLine()}\n`);
  const c = await connectSsh(sshd.target({ knownHostsFiles: [file], hostKeyChecking: 'off' }));
  await c.close();
});

test('a hashed known_hosts entry is honoured', { skip }, async () => {
  const file = join(dir, 'hashed_known_hosts');
  writeFileSync(file, `[127.0.0.1]:${sshd.port} ${sshd.hostKeyLine}\n`);
  execFileSync('ssh-keygen', ['-H', '-f', file], { stdio: 'ignore' });
  assert.match(readFileSync(file, 'utf8'), /^\|1\|/);
  const c = await connectSsh(sshd.target({ knownHostsFiles: [file] }));
  await c.close();
});

test('authentication failure lists what was tried', { skip }, async () => {
  const wrongKey = join(dir, 'wrong_key');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', wrongKey]);
  await assert.rejects(connectSsh(sshd.target({ privateKeyFile: wrongKey })), (e: unknown) => {
    assert.ok(e instanceof AuthenticationError);
    assert.equal(e.message, `authentication failed for root@127.0.0.1 (tried: key ${wrongKey})`);
    return true;
  });
});

test('a key with a passphrase: wrong passphrase named, right one works', { skip }, async () => {
  const key = join(dir, 'pp_key');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', 'sesame', '-f', key]);
  writeFileSync(join(sshd.dir, 'authorized_keys'), readFileSync(`${key}.pub`), { flag: 'a' });
  await assert.rejects(connectSsh(sshd.target({ privateKeyFile: key, passphrase: 'nope' })), /key .*pp_key not usable: wrong passphrase/);
  const c = await connectSsh(sshd.target({ privateKeyFile: key, passphrase: 'sesame' }));
  await c.close();
});

test('jump host: the target is reached through the bastion', { skip }, async () => {
  const inner = await startSshd();
  try {
    // the bastion reaches 127.0.0.1:<inner port> itself; the controller only talks to the bastion
    const c = await connectSsh(inner.target({ jump: sshd.target() }));
    const r = await c.run(sh`echo through`);
    assert.equal(r.stdout.toString(), 'through\n');
    await c.close();
  } finally {
    await inner.stop();
  }
});
