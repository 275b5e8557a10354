import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { authMethods, keyNeedsPassphrase } from '../../../src/connect/sshAuth.js';
import type { SshTarget } from '../../../src/connect/target.js';

test('an encrypted --private-key is recognised (the CLI then asks on a terminal); without its passphrase the note says what to do', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rp-sshauth-'));
  try {
    const locked = join(dir, 'locked');
    const open = join(dir, 'open');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', 'secret words', '-f', locked]);
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', open]);
    assert.equal(keyNeedsPassphrase(locked), true);
    assert.equal(keyNeedsPassphrase(open), false);
    assert.equal(keyNeedsPassphrase(join(dir, 'missing')), false);
    const base: SshTarget = { host: 'h', address: '10.0.0.1', port: 22, user: 'u', hostKeyChecking: 'strict', knownHostsFiles: [], privateKeyFile: locked };
    const without = authMethods(base);
    assert.equal(without.methods.length, 0);
    assert.match(without.notes.join(), /needs a passphrase \(add it to ssh-agent with ssh-add, or run on a terminal to be asked\)/);
    assert.equal(authMethods({ ...base, passphrase: 'secret words' }).methods.length, 1);
    assert.match(authMethods({ ...base, passphrase: 'wrong' }).notes.join(), /wrong passphrase/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
