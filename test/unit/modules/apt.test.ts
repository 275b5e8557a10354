import { test } from 'node:test';
import assert from 'node:assert/strict';
import apt from '../../../src/modules/apt.js';
import { ModuleError } from '../../../src/core/errors.js';
import {
  parseDpkgQuery, parseAptPolicy, parseSimulation, planAptSteps, parseSpec, aptLockBusy, type AptCurrent, type AptArgs,
} from '../../../src/modules/system/aptState.js';
import { fakeContext } from './fakeConnectionB.js';

const DPKG = 'tcl\tinstall ok installed\t8.6.13\nmake\tdeinstall ok config-files\t4.3-4.1\nlibc6\tinstall ok installed\t2.36-9+deb12u4\n';
const POLICY = `tcl:
  Installed: 8.6.13
  Candidate: 8.6.14
  Version table:
     8.6.14 500
        500 http://deb.debian.org/debian bookworm/main amd64 Packages
 *** 8.6.13 100
        100 /var/lib/dpkg/status
pkg-config:
  Installed: (none)
  Candidate: 1.8.1-1
  Version table:
     1.8.1-1 500
`;

test('dpkg-query output: installed, config-files; unknown names are absent', () => {
  const m = parseDpkgQuery(DPKG);
  assert.deepEqual(m.get('tcl'), { status: 'installed', version: '8.6.13' });
  assert.equal(m.get('make')?.status, 'config-files');
  assert.equal(m.has('nosuch'), false);
});

test('apt-cache policy: installed and candidate, (none) is absent', () => {
  const p = parseAptPolicy(POLICY);
  assert.deepEqual(p.get('tcl'), { installed: '8.6.13', candidate: '8.6.14' });
  assert.deepEqual(p.get('pkg-config'), { candidate: '1.8.1-1' });
});

test('simulations, pins and the lock message', () => {
  assert.deepEqual(parseSimulation('NOTE: x\nInst tzdata [2024a-0] (2024b-0 Debian:12.7)\nConf tzdata\n', 'Inst'), ['tzdata']);
  assert.deepEqual(parseSimulation('Remv libfoo1 [1.0]\n', 'Remv'), ['libfoo1']);
  assert.deepEqual(parseSpec('redis=7.2.4-1'), { name: 'redis', version: '7.2.4-1' });
  assert.ok(aptLockBusy('E: Could not get lock /var/lib/dpkg/lock-frontend. It is held by process 123 (apt-get)'));
});

const cur = (over: Partial<AptCurrent> = {}): AptCurrent => ({ packages: parseDpkgQuery(DPKG), policy: parseAptPolicy(POLICY), cacheAge: 100, ...over });
const a = (over: Partial<AptArgs>): AptArgs => ({ names: [], state: 'present', ...over });
const kinds = (args: AptArgs, c: AptCurrent) => planAptSteps(args, c).steps;

test('plan table', () => {
  const table: [string, AptArgs, AptCurrent, unknown[]][] = [
    ['installed → nothing', a({ names: [{ name: 'tcl' }] }), cur(), []],
    ['missing → install', a({ names: [{ name: 'tcl' }, { name: 'pkg-config' }] }), cur(), [{ kind: 'install', specs: ['pkg-config'] }]],
    ['config-files only counts as not installed', a({ names: [{ name: 'make' }] }), cur(), [{ kind: 'install', specs: ['make'] }]],
    ['latest, candidate newer → install', a({ names: [{ name: 'tcl' }], state: 'latest' }), cur(), [{ kind: 'install', specs: ['tcl'] }]],
    ['latest, already candidate → nothing', a({ names: [{ name: 'libc6' }], state: 'latest' }), cur({ policy: new Map([['libc6', { installed: '2.36-9+deb12u4', candidate: '2.36-9+deb12u4' }]]) }), []],
    ['pin differs → install pinned', a({ names: [{ name: 'tcl', version: '8.6.12' }] }), cur(), [{ kind: 'install', specs: ['tcl=8.6.12'] }]],
    ['pin equal → nothing', a({ names: [{ name: 'tcl', version: '8.6.13' }] }), cur(), []],
    ['absent installed → remove', a({ names: [{ name: 'tcl' }, { name: 'nosuch' }], state: 'absent' }), cur(), [{ kind: 'remove', names: ['tcl'], purge: false }]],
    ['absent config-files without purge → nothing', a({ names: [{ name: 'make' }], state: 'absent' }), cur(), []],
    ['absent config-files with purge → purge', a({ names: [{ name: 'make' }], state: 'absent', purge: true }), cur(), [{ kind: 'remove', names: ['make'], purge: true }]],
    ['cache fresh enough → no update', a({ cache_valid_time: 3600 }), cur(), []],
    ['cache too old → update', a({ cache_valid_time: 60 }), cur(), [{ kind: 'update' }]],
    ['never updated → update', a({ cache_valid_time: 3600 }), cur({ cacheAge: undefined }), [{ kind: 'update' }]],
    ['update_cache alone always updates', a({ update_cache: true }), cur(), [{ kind: 'update' }]],
    ['autoremove with nothing to remove → nothing', a({ autoremove: true }), cur({ autoremovable: [] }), []],
    ['autoremove with leftovers → autoremove', a({ autoremove: true }), cur({ autoremovable: ['libx'] }), [{ kind: 'autoremove', purge: false }]],
    ['upgrade with nothing to do → nothing', a({ upgrade: 'dist' }), cur({ upgradable: [] }), []],
    ['upgrade with packages → upgrade', a({ upgrade: 'yes' }), cur({ upgradable: ['tzdata'] }), [{ kind: 'upgrade', mode: 'yes' }]],
  ];
  for (const [name, args, c, expected] of table) assert.deepEqual(kinds(args, c), expected, name);
});

const installedOnly = { rules: [[/dpkg-query/, { stdout: 'tcl\tinstall ok installed\t8.6.13\n' }]] as [RegExp, { stdout: string }][] };

test('read: one round trip when everything is installed; the second run is ok', async () => {
  const fake = fakeContext({ rules: [[/@@dpkg/, { stdout: '@@dpkg\ntcl\tinstall ok installed\t8.6.13\n@@age\n1000\n@@now\n1100\n' }]] });
  const current = await apt.read(fake.ctx, { name: 'tcl' });
  assert.equal(fake.commands.length, 1);
  assert.match(fake.texts()[0]!, /dpkg-query -W -f='\$\{Package\}\\t\$\{Status\}\\t\$\{Version\}\\n' tcl/);
  assert.deepEqual(apt.plan(current, { name: 'tcl' }).changes, []);
  void installedOnly;
});

test('read: an unknown package is an error naming it; under --check only a warning', async () => {
  const rules: [RegExp, { stdout: string }][] = [
    [/@@dpkg/, { stdout: '@@dpkg\n@@age\n1000\n@@now\n1100\n' }],
    [/apt-cache policy/, { stdout: 'tcl:\n  Installed: (none)\n  Candidate: 8.6.13\n' }],
  ];
  const fake = fakeContext({ rules });
  await assert.rejects(apt.read(fake.ctx, { name: ['tcl', 'no-such-pkg'] }), (e: unknown) => e instanceof ModuleError && /no-such-pkg/.test(e.message) && !/tcl,/.test(e.message));
  const check = fakeContext({ rules, check: true });
  const current = await apt.read(check.ctx, { name: ['tcl', 'no-such-pkg'] });
  const plan = apt.plan(current, { name: ['tcl', 'no-such-pkg'] });
  assert.equal(plan.changes[0]?.summary, 'install tcl, no-such-pkg');
  assert.match(plan.warnings?.[0] ?? '', /no-such-pkg/);
});

test('read: no error for unknown names when this task updates the cache first', async () => {
  const fake = fakeContext({ rules: [[/@@dpkg/, { stdout: '@@dpkg\n@@age\n@@now\n1100\n' }], [/apt-cache policy/, { stdout: '' }]] });
  const current = await apt.read(fake.ctx, { name: 'tcl', update_cache: true });
  assert.deepEqual(apt.plan(current, { name: 'tcl', update_cache: true }).changes.map((c) => c.summary), ['update the apt cache (never updated)', 'install tcl']);
});

test('apply: noninteractive apt-get with lock timeout and confold; waits while the lock is held, then fails with stderr', async () => {
  let calls = 0;
  const fake = fakeContext({ rules: [[/apt-get .* install/, () => (++calls === 1 ? { code: 100, stderr: 'E: Could not get lock /var/lib/dpkg/lock-frontend' } : { code: 0, stdout: 'Setting up tcl' })]] });
  const plan = { changes: [{ summary: 'install tcl', detail: { kind: 'install', specs: ['tcl'] } }] };
  const t0 = Date.now();
  const res = await apt.apply!(fake.ctx, plan, { name: 'tcl', lock_timeout: 10 }, undefined);
  assert.ok(Date.now() - t0 >= 2900, 'waited before retrying');
  assert.equal(calls, 2);
  assert.match(fake.texts()[0]!, /^DEBIAN_FRONTEND=noninteractive .*apt-get -q -y -o DPkg::Lock::Timeout=10 -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold install tcl$/);
  assert.deepEqual((res as { result: { packages: string[] } }).result.packages, ['tcl']);
  assert.match(fake.logs[0]!, /lock/);
  const broken = fakeContext({ rules: [[/apt-get/, { code: 100, stderr: 'E: Unable to locate package tcl9' }]] });
  await assert.rejects(apt.apply!(broken.ctx, { changes: [{ summary: 'install tcl9', detail: { kind: 'install', specs: ['tcl9'] } }] }, { name: 'tcl9' }, undefined), /Unable to locate package tcl9/);
});

test('a name that would be an option is refused', async () => {
  await assert.rejects(apt.read(fakeContext().ctx, { name: '--purge' }), /not a package name/);
});
