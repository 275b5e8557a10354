/**
 * The lab's safety checks that need no lab: each lab's sweep touches only its own firewall rules, the connect guard
 * reads the state of the lab the inventory names, an unreadable state is not reported as "down", and a host whose
 * namespace is gone is not counted as healthy.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { isLabRule } from '../../../src/lab/network.js';
import { assertLabTarget } from '../../../src/lab/operate.js';
import { labHealth } from '../../../src/lab/lifecycle.js';
import { renderInventory } from '../../../src/lab/inventory.js';
import { STATE_FILE } from '../../../src/lab/paths.js';
import type { LabState } from '../../../src/lab/state.js';

function fakeState(overrides: Partial<LabState> = {}): LabState {
  return {
    version: 1,
    createdAt: '2025-01-01T00:00:00Z',
    light: false,
    subnet: '10.213.99.0/24',
    bridge: 'lo', // exists on every machine, so the guard gets as far as the host's namespace
    bridgeAddress: '10.213.99.1',
    bridgeCreated: true,
    iptablesRules: [],
    sudoUser: '',
    sudoPassword: '',
    keyPath: '/nonexistent/key',
    knownHostsPath: '/nonexistent/known_hosts',
    inventoryPath: '/nonexistent/inventory.yml',
    hosts: [{ name: 'gone', address: '10.213.99.10', port: 22, kind: 'full', netns: 'rplq-no-such-namespace', veth: 'rplq-v10', pid: process.pid }],
    ready: true,
    ...overrides,
  };
}

test("the default lab's sweep does not match another lab's rules (its comment is a prefix of theirs)", () => {
  const lab4 = '-A POSTROUTING -s 10.213.41.0/24 ! -o rpl40 -m comment --comment run-playbook-lab-4 -j MASQUERADE';
  const dflt = '-A FORWARD -i rplab0 -m comment --comment run-playbook-lab -j ACCEPT';
  assert.equal(isLabRule(lab4, 'run-playbook-lab'), false);
  assert.equal(isLabRule(dflt, 'run-playbook-lab'), true);
  assert.equal(isLabRule(lab4, 'run-playbook-lab-4'), true);
  assert.equal(isLabRule(dflt, 'run-playbook-lab-4'), false);
  assert.equal(isLabRule('-A FORWARD -m comment --comment "run-playbook-lab-5" -j ACCEPT', 'run-playbook-lab-5'), true);
});

test('the lab inventory names its own state file, so the guard works without RUN_PLAYBOOK_LAB_ID', () => {
  const inv = parse(renderInventory(fakeState())) as { all: { vars: Record<string, unknown> } };
  assert.equal(inv.all.vars.run_playbook_lab_state, STATE_FILE);
});

test('the connect guard reads the state it is given, and refuses a path that is not a state file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rplab-guard-'));
  try {
    const statePath = join(dir, 'state.json');
    writeFileSync(statePath, JSON.stringify(fakeState()));
    assert.throws(() => assertLabTarget('10.213.99.10', statePath), /network namespace of gone is gone/);
    assert.throws(() => assertLabTarget('10.213.98.10', statePath), /outside the lab subnet 10\.213\.99\.0\/24/);
    assert.throws(() => assertLabTarget('10.213.99.10', '/etc/passwd'), /not a lab state file/);
    assert.throws(() => assertLabTarget('10.213.99.10', join(dir, 'missing', 'state.json')), /no lab is up/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a host whose network namespace is gone is not healthy, and is not probed', async () => {
  const [h] = await labHealth(fakeState());
  assert.deepEqual(h, { name: 'gone', address: '10.213.99.10', running: true, netns: false, reachable: false });
});

test('without root, lab status on a running lab says permission denied instead of "down"', { skip: process.getuid?.() !== 0 && 'needs root to make a root-only state' }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'rplab-perm-'));
  try {
    const runDir = join(dir, 'run');
    mkdirSync(runDir, { mode: 0o700 });
    writeFileSync(join(runDir, 'state.json'), JSON.stringify(fakeState()), { mode: 0o600 });
    writeFileSync(join(runDir, 'inventory.yml'), 'all: {}\n', { mode: 0o600 });
    chmodSync(dir, 0o755);
    const cli = fileURLToPath(new URL('../../../src/lab/main.ts', import.meta.url));
    const env = { ...process.env, RUN_PLAYBOOK_LAB_RUN_DIR: runDir };
    for (const command of ['status', 'inventory']) {
      const r = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, '--import', 'tsx', cli, command], { encoding: 'utf8', env });
      assert.equal(r.status, 2, `${command}: ${r.stdout}${r.stderr}`);
      assert.match(r.stderr, /permission denied \(the lab belongs to root; run this with sudo\)/);
      assert.doesNotMatch(r.stdout, /lab: down/);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
