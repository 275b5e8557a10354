import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { renderInventory } from '../../../src/lab/inventory.js';
import { renderKnownHosts } from '../../../src/lab/sshKeys.js';
import { renderLightSshdConfig } from '../../../src/lab/light.js';
import { findOrigTarball } from '../../../src/lab/redisSource.js';
import { parseLabArgs } from '../../../src/lab/cli.js';
import type { LabState } from '../../../src/lab/state.js';

function state(overrides: Partial<LabState> = {}): LabState {
  return {
    version: 1,
    createdAt: '2025-01-01T00:00:00Z',
    light: false,
    subnet: '10.213.37.0/24',
    bridge: 'rplab0',
    bridgeAddress: '10.213.37.1',
    bridgeCreated: true,
    iptablesRules: [],
    sudoUser: 'labadmin',
    sudoPassword: 's3cret',
    keyPath: '/var/cache/run-playbook/lab/ssh/id_ed25519',
    knownHostsPath: '/run/run-playbook-lab/known_hosts',
    inventoryPath: '/run/run-playbook-lab/inventory.yml',
    redis: { version: '7.0.15', file: '/x/redis_7.0.15.orig.tar.gz', url: 'http://10.213.37.1:18080/redis_7.0.15.orig.tar.gz' },
    hosts: [
      { name: 'redismaster', address: '10.213.37.10', port: 22, kind: 'full', netns: 'rplab-redismaster', veth: 'rplab-v10' },
      { name: 'redisslave1', address: '10.213.37.11', port: 22, kind: 'full', netns: 'rplab-redisslave1', veth: 'rplab-v11' },
    ],
    ready: true,
    ...overrides,
  };
}

test('the lab inventory is a normal YAML inventory with connection variables and the lab vars', () => {
  const inv = parse(renderInventory(state()));
  assert.deepEqual(inv.all.hosts.redismaster, { ansible_host: '10.213.37.10', ansible_port: 22 });
  assert.equal(inv.all.vars.ansible_user, 'root');
  assert.equal(inv.all.vars.ansible_ssh_private_key_file, '/var/cache/run-playbook/lab/ssh/id_ed25519');
  assert.equal(inv.all.vars.run_playbook_known_hosts, '/run/run-playbook-lab/known_hosts');
  assert.equal(inv.all.vars.lab_sudo_user, 'labadmin');
  assert.equal(inv.all.vars.lab_sudo_password, 's3cret');
  assert.equal(inv.all.vars.redis_download_url, 'http://10.213.37.1:18080/redis_7.0.15.orig.tar.gz');
  assert.match(inv.all.vars.ansible_ssh_common_args, /StrictHostKeyChecking=yes/);
  assert.deepEqual(Object.keys(inv.all.children.lab.hosts), ['redismaster', 'redisslave1']);
});

test('light labs have no sudo user in their inventory', () => {
  const inv = parse(renderInventory(state({ light: true, sudoUser: '', sudoPassword: '' })));
  assert.equal(inv.all.vars.lab_sudo_user, undefined);
});

test('known_hosts lists each host by address and name, bracketed when the port is not 22', () => {
  const text = renderKnownHosts([
    { name: 'a', address: '10.213.37.10', port: 22, hostKey: 'ssh-ed25519 AAAA1' },
    { name: 'b', address: '10.213.37.11', port: 2222, hostKey: 'ssh-ed25519 AAAA2' },
  ]);
  assert.equal(text, '10.213.37.10,a ssh-ed25519 AAAA1\n[10.213.37.11]:2222,[b]:2222 ssh-ed25519 AAAA2\n');
});

test("a light host's sshd listens only on its lab address, keys only, no PAM", () => {
  const conf = renderLightSshdConfig(
    { name: 'light1', address: '10.213.37.10', port: 22, kind: 'light', netns: 'rplab-light1', veth: 'rplab-v10' },
    '/run/run-playbook-lab/light/light1',
  );
  assert.match(conf, /^ListenAddress 10\.213\.37\.10:22$/m);
  assert.match(conf, /^PasswordAuthentication no$/m);
  assert.match(conf, /^UsePAM no$/m);
  assert.match(conf, /^HostKey \/run\/run-playbook-lab\/light\/light1\/ssh_host_ed25519_key$/m);
});

test('the upstream Redis tarball is found among the source package files, highest version first', () => {
  assert.deepEqual(findOrigTarball(['redis_7.0.15-1~deb12u7.dsc', 'redis_7.0.15.orig.tar.gz', 'redis_7.0.15-1~deb12u7.debian.tar.xz']), {
    name: 'redis_7.0.15.orig.tar.gz',
    version: '7.0.15',
  });
  assert.equal(findOrigTarball(['redis_7.0.9.orig.tar.gz', 'redis_7.0.15.orig.tar.gz'])?.version, '7.0.15');
  assert.equal(findOrigTarball(['redis_7.0.15-1.dsc']), undefined);
});

test('lab command line: counts, names, light, subnet; bad input is a clear error', () => {
  assert.deepEqual(parseLabArgs(['up', '--hosts', '50', '--light']), { command: 'up', hosts: 50, light: true });
  assert.deepEqual(parseLabArgs(['up', '--names=a,b', '--subnet', '10.9.9.0/24']), { command: 'up', hosts: ['a', 'b'], light: false, subnet: '10.9.9.0/24' });
  assert.throws(() => parseLabArgs(['up', '--hosts', 'x']), /needs a number/);
  assert.throws(() => parseLabArgs(['up', '--subnet']), /needs a value/);
  assert.throws(() => parseLabArgs(['up', '--bogus']), /unknown option/);
});
