import { test } from 'node:test';
import assert from 'node:assert/strict';
import { homedir } from 'node:os';
import { jumpFromProxyCommand, parseSshArgs, splitShellWords } from '../../../src/connect/sshArgs.js';
import { OptionsError } from '../../../src/core/errors.js';

test('shell words: quotes and backslashes group, nothing is expanded', () => {
  assert.deepEqual(splitShellWords(`-o "ProxyCommand=ssh -W %h:%p bastion" -o'User'=x a\\ b $HOME`), [
    '-o',
    'ProxyCommand=ssh -W %h:%p bastion',
    '-oUser=x',
    'a b',
    '$HOME',
  ]);
  assert.throws(() => splitShellWords(`-o "ProxyJump=x`), /unbalanced " quote/);
});

test('the host-key options Ansible inventories carry are honoured, first value wins as in OpenSSH', () => {
  assert.deepEqual(parseSshArgs('-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null'), {
    hostKeyChecking: 'off',
    knownHostsFiles: ['/dev/null'],
  });
  assert.equal(parseSshArgs('-oStrictHostKeyChecking=accept-new').hostKeyChecking, 'accept-new');
  assert.equal(parseSshArgs('-o "stricthostkeychecking yes" -o StrictHostKeyChecking=no').hostKeyChecking, 'strict');
  assert.deepEqual(parseSshArgs('-o "UserKnownHostsFile ~/.ssh/a /etc/b"').knownHostsFiles, [`${homedir()}/.ssh/a`, '/etc/b']);
  assert.throws(() => parseSshArgs('-o StrictHostKeyChecking=maybe'), OptionsError);
});

test('ProxyJump in all its spellings', () => {
  assert.equal(parseSshArgs('-J ops@gate:2222').proxyJump, 'ops@gate:2222');
  assert.equal(parseSshArgs('-Jgate').proxyJump, 'gate');
  assert.equal(parseSshArgs('-o ProxyJump=a,b').proxyJump, 'a,b');
  assert.equal(parseSshArgs('-o ProxyJump=none').proxyJump, undefined);
  assert.equal(parseSshArgs('-o ControlMaster=auto -o ControlPersist=60s').proxyJump, undefined, 'ssh process options are ignored');
});

test('a ProxyCommand that is ssh as a pipe becomes a jump through that bastion', () => {
  assert.equal(parseSshArgs(`-o ProxyCommand="ssh -W %h:%p -q ops@bastion"`).proxyJump, 'ops@bastion');
  assert.equal(jumpFromProxyCommand('ssh -q -i ~/.ssh/k -W [%h]:%p bastion -p 2200'), 'bastion:2200');
  assert.equal(jumpFromProxyCommand('/usr/bin/ssh -l ops bastion nc %h %p'), 'ops@bastion');
  assert.equal(jumpFromProxyCommand(`ssh bastion 'nc %h %p'`), 'bastion');
  assert.equal(jumpFromProxyCommand('none'), undefined);
});

test('a ProxyCommand we cannot run is refused with what to use instead', () => {
  for (const command of ['nc -X 5 -x proxy:1080 %h %p', 'ssh -W %h:%p', 'ssh bastion -W other:22', 'corkscrew proxy 8080 %h %p']) {
    assert.throws(() => jumpFromProxyCommand(command), (e: unknown) => e instanceof OptionsError && /is not supported.*ProxyJump/.test(e.message), command);
  }
});

test('identity, port, user and connect timeout', () => {
  assert.deepEqual(parseSshArgs('-i /k -p 2222 -l deploy -o ConnectTimeout=7'), { identityFile: '/k', port: 2222, user: 'deploy', connectTimeoutMs: 7000 });
  assert.throws(() => parseSshArgs('-p http'), /not a port number/);
  assert.throws(() => parseSshArgs('-o ConnectTimeout=soon'), /number of seconds/);
});
