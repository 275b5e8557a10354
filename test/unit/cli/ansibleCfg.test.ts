import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SourceError } from '../../../src/core/errors.js';
import { findAnsibleCfg, loadAnsibleCfg } from '../../../src/cli/ansibleCfg.js';

const CLI = fileURLToPath(new URL('../../../src/cli/main.ts', import.meta.url));
// By URL: the project runs outside this repository, where a bare `tsx` would not resolve.
const TSX = new URL('../../../node_modules/tsx/dist/esm/index.mjs', import.meta.url).href;

test("an Ansible repository's ansible.cfg [defaults] are read, paths relative to the file", () => {
  const dir = mkdtempSync(join(tmpdir(), 'rp-cfg-'));
  writeFileSync(join(dir, 'ansible.cfg'), [
    '# comment', '[defaults]', 'inventory = ./hosts.ini, more/', 'roles_path = roles:~/shared-roles', 'remote_user=deploy',
    'host_key_checking = False ; not for production', 'forks = 7', 'timeout = 20', 'retry_files_enabled = False',
    '[ssh_connection]', 'pipelining = True', 'forks = not-read-here',
  ].join('\n'));
  assert.equal(findAnsibleCfg(dir, {}), join(dir, 'ansible.cfg'));
  assert.equal(findAnsibleCfg(dir, { ANSIBLE_CONFIG: 'other.cfg' }), join(dir, 'other.cfg'), 'ANSIBLE_CONFIG wins');
  mkdirSync(join(dir, 'cfgdir'));
  assert.equal(findAnsibleCfg(dir, { ANSIBLE_CONFIG: 'cfgdir' }), join(dir, 'cfgdir', 'ansible.cfg'), 'a folder holds the ansible.cfg');
  assert.deepEqual(loadAnsibleCfg(join(dir, 'ansible.cfg')), {
    file: join(dir, 'ansible.cfg'),
    inventory: [join(dir, 'hosts.ini'), join(dir, 'more')],
    rolesPath: [join(dir, 'roles'), join(homedir(), 'shared-roles')],
    remoteUser: 'deploy',
    hostKeyChecking: 'off',
    forks: 7,
    timeoutSeconds: 20,
  });
});

test('a bad value in ansible.cfg is invalid input at its line and column', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rp-cfg-'));
  // `or` also occurs inside the key "forks": the column is the value's, not the first occurrence's
  writeFileSync(join(dir, 'ansible.cfg'), '[defaults]\nforks = many\nhost_key_checking = maybe\n  forks = or\ntimeout=\n');
  assert.throws(() => loadAnsibleCfg(join(dir, 'ansible.cfg')), (e: unknown) => {
    assert.ok(e instanceof SourceError);
    assert.deepEqual(e.problems.map((p) => `${p.line}:${p.col}`), ['2:9', '3:21', '4:11', '5:9']);
    return true;
  });
});

test('run-playbook in an Ansible repository finds the inventory its ansible.cfg names', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rp-cfg-'));
  writeFileSync(join(dir, 'ansible.cfg'), '[defaults]\ninventory = inv/hosts.ini\n');
  writeFileSync(join(dir, 'site.yml'), '- hosts: web\n  tasks: []\n');
  mkdirSync(join(dir, 'inv'));
  writeFileSync(join(dir, 'inv/hosts.ini'), '[web]\nweb1 ansible_host=192.0.2.1\n');
  const r = spawnSync(process.execPath, ['--import', TSX, CLI, 'site.yml', '--list-hosts'], { cwd: dir, encoding: 'utf8', env: { ...process.env, ANSIBLE_CONFIG: '' } });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /hosts \(1\):\s+web1/);
});
