import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { lookupSshConfig, parseSshConfig } from '../../../src/connect/sshConfig.js';
import { parseJumpSpec, proxyJumpFromArgs, targetFromVars } from '../../../src/connect/target.js';
import { Secret } from '../../../src/core/sh.js';

const CONFIG = `
# global
User fallback
Host web? !web9
  HostName %h.internal
  Port 2222
  IdentityFile ~/.ssh/web_key
Host web1
  User ignored-because-first-wins-above-is-global
Host *.lab
  User=labuser
  ProxyJump bastion.lab
Match host foo
  User matchuser
Host *
  Port 22
  User late
`;

test('first obtained value wins per key, in file order', () => {
  const cfg = lookupSshConfig(parseSshConfig(CONFIG), 'web1', '/home/me');
  assert.deepEqual(cfg, { hostName: 'web1.internal', user: 'fallback', port: 2222, identityFile: '/home/me/.ssh/web_key' });
});

test('negated patterns exclude a host; ? and * match', () => {
  assert.equal(lookupSshConfig(parseSshConfig(CONFIG), 'web9').port, 22);
  assert.equal(lookupSshConfig(parseSshConfig(CONFIG), 'web12').hostName, undefined);
  assert.equal(lookupSshConfig(parseSshConfig(CONFIG), 'db.lab').proxyJump, 'bastion.lab');
});

test('Match blocks are skipped, not applied', () => {
  assert.equal(lookupSshConfig(parseSshConfig('Match host foo\n User m\nHost foo\n User h\n'), 'foo').user, 'h');
});

test('ProxyJump from ansible_ssh_common_args in its spellings', () => {
  assert.equal(proxyJumpFromArgs('-J bastion'), 'bastion');
  assert.equal(proxyJumpFromArgs('-Jadmin@bastion:2200'), 'admin@bastion:2200');
  assert.equal(proxyJumpFromArgs('-o StrictHostKeyChecking=no -o ProxyJump=b1,b2'), 'b1,b2');
  assert.equal(proxyJumpFromArgs(`-o 'ProxyJump bastion'`), 'bastion');
  assert.equal(proxyJumpFromArgs('-o ServerAliveInterval=5'), undefined);
  assert.deepEqual(parseJumpSpec('ops@[fe80::1]:2200'), { user: 'ops', host: 'fe80::1', port: 2200 });
});

const cfgDir = mkdtempSync(join(tmpdir(), 'rp-sshcfg-'));
after(() => rmSync(cfgDir, { recursive: true, force: true }));
let cfgCount = 0;
function configFile(text: string): string {
  const f = join(cfgDir, `config${cfgCount++}`);
  writeFileSync(f, text);
  return f;
}

test('targetFromVars: explicit variables win over CLI options, which win over ~/.ssh/config', () => {
  const sshConfigFile = configFile('Host 10.1.1.1\n User cfguser\n Port 2200\n IdentityFile ~/.ssh/cfg_key\n');
  const t = targetFromVars('redis1', { ansible_host: '10.1.1.1', ansible_user: 'varuser' }, { user: 'cliuser', sshConfigFile, knownHostsFiles: ['/kh'] });
  assert.equal(t.address, '10.1.1.1');
  assert.equal(t.user, 'varuser');
  assert.equal(t.port, 2200);
  assert.equal(t.privateKeyFile, `${homedir()}/.ssh/cfg_key`);
  const cli = targetFromVars('redis1', { ansible_host: '10.1.1.1', ansible_port: 22 }, { user: 'cliuser', privateKeyFile: '/k', sshConfigFile });
  assert.equal(cli.user, 'cliuser');
  assert.equal(cli.port, 22);
  assert.equal(cli.privateKeyFile, '/k');
});

test('targetFromVars: password, extra known_hosts, and jump hosts from variables', () => {
  const sshConfigFile = configFile('');
  const t = targetFromVars('db', { ansible_host: '10.0.0.5', ansible_password: 'pw', run_playbook_known_hosts: '/extra', jump_host: 'ops@bastion:2222' }, { sshConfigFile, knownHostsFiles: ['/kh'], user: 'root' });
  assert.ok(t.password instanceof Secret);
  assert.equal(t.password?.value, 'pw');
  assert.deepEqual(t.knownHostsFiles, ['/kh', '/extra']);
  assert.equal(t.jump?.address, 'bastion');
  assert.equal(t.jump?.user, 'ops');
  assert.equal(t.jump?.port, 2222);
  const chain = targetFromVars('db', { ansible_ssh_common_args: '-J a,b' }, { sshConfigFile, user: 'u' });
  assert.equal(chain.jump?.address, 'b');
  assert.equal(chain.jump?.jump?.address, 'a');
  assert.equal(chain.jump?.user, 'u', 'a jump host without its own user uses the target user');
});

test('targetFromVars: ProxyJump from ~/.ssh/config, and a bad port is an OptionsError', () => {
  const sshConfigFile = configFile('Host gate.lab\n ProxyJump none\nHost *.lab\n ProxyJump gate.lab\n');
  const t = targetFromVars('x.lab', {}, { sshConfigFile, user: 'u' });
  assert.equal(t.jump?.address, 'gate.lab');
  assert.equal(t.jump?.jump, undefined);
  const selfRef = targetFromVars('x.lab', {}, { sshConfigFile: configFile('Host *.lab\n ProxyJump gate.lab\n'), user: 'u' });
  assert.equal(selfRef.jump?.address, 'gate.lab');
  assert.equal(selfRef.jump?.jump, undefined, 'the jump host does not jump through itself');
  assert.throws(() => targetFromVars('x', { ansible_port: 'abc' }, { sshConfigFile }), /ansible_port must be a port number/);
});

test('ansible_ssh_common_args: UserKnownHostsFile and StrictHostKeyChecking are honoured, as ssh would', () => {
  const common = "-o UserKnownHostsFile=/lab/known_hosts -o 'StrictHostKeyChecking=yes'";
  const t = targetFromVars('h', { ansible_host: '10.1.1.1', ansible_ssh_common_args: common }, { hostKeyChecking: 'strict', sshConfigFile: '/nonexistent' });
  assert.deepEqual(t.knownHostsFiles, ['/lab/known_hosts']);
  assert.equal(t.hostKeyChecking, 'strict');
  // the lab inventory names its file both ways: a changed key must cite it once, not "f:2, f:2"
  const twice = targetFromVars('h', { ansible_ssh_common_args: common, run_playbook_known_hosts: '/lab/known_hosts' }, { sshConfigFile: '/nonexistent' });
  assert.deepEqual(twice.knownHostsFiles, ['/lab/known_hosts']);
  const off = targetFromVars('h', { ansible_ssh_common_args: '-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null' }, { hostKeyChecking: 'strict', sshConfigFile: '/nonexistent' });
  assert.equal(off.hostKeyChecking, 'off');
  const acceptNew = targetFromVars('h', { ansible_ssh_extra_args: '-oStrictHostKeyChecking=accept-new' }, { sshConfigFile: '/nonexistent' });
  assert.equal(acceptNew.hostKeyChecking, 'accept-new');
  // --host-key-checking=off comes first on Ansible's ssh command line and wins; explicit --known-hosts too.
  const cliOff = targetFromVars('h', { ansible_ssh_common_args: common }, { hostKeyChecking: 'off', knownHostsFiles: ['/cli'], sshConfigFile: '/nonexistent' });
  assert.equal(cliOff.hostKeyChecking, 'off');
  assert.deepEqual(cliOff.knownHostsFiles, ['/cli']);
});

test('common and extra ssh args both count: a -J in ansible_ssh_extra_args is not lost behind common args', () => {
  const t = targetFromVars('h', { ansible_ssh_common_args: '-o ServerAliveInterval=5', ansible_ssh_extra_args: '-J admin@gate:2200' }, { sshConfigFile: '/nonexistent' });
  assert.equal(t.jump?.address, 'gate');
  assert.equal(t.jump?.port, 2200);
  assert.equal(t.jump?.user, 'admin');
});

test('ProxyCommand "ssh -W %h:%p bastion" is a jump host; any other ProxyCommand is an error, never a direct connection', () => {
  const t = targetFromVars('h', { ansible_ssh_common_args: `-o ProxyCommand="ssh -W %h:%p -q -p 2222 ops@bastion.example"` }, { sshConfigFile: '/nonexistent' });
  assert.equal(t.jump?.address, 'bastion.example');
  assert.equal(t.jump?.port, 2222);
  assert.equal(t.jump?.user, 'ops');
  assert.throws(() => targetFromVars('h', { ansible_ssh_common_args: `-o ProxyCommand="nc -X connect -x proxy:3128 %h %p"` }, { sshConfigFile: '/nonexistent' }), /ProxyCommand .* is not supported/);
});
