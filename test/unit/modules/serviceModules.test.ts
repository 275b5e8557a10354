import { test } from 'node:test';
import assert from 'node:assert/strict';
import service from '../../../src/modules/service.js';
import systemd from '../../../src/modules/systemd.js';
import { parseServiceState, type ServiceState } from '../../../src/modules/system/serviceState.js';
import { planService, type ServiceArgs } from '../../../src/modules/system/servicePlan.js';
import { ModuleError } from '../../../src/core/errors.js';
import { skippedStartWarning } from '../../../src/modules/system/serviceRun.js';
import { fakeContext } from './fakeConnectionB.js';

const SHOW_RUNNING = 'manager=systemd\nLoadState=loaded\nActiveState=active\nUnitFileState=enabled\nNeedDaemonReload=no\nIsEnabled=enabled\n';
const SHOW_STOPPED = 'manager=systemd\nLoadState=loaded\nActiveState=inactive\nUnitFileState=disabled\nNeedDaemonReload=yes\nIsEnabled=disabled\n';
const SHOW_MISSING = 'manager=systemd\nLoadState=not-found\nActiveState=inactive\nUnitFileState=\nNeedDaemonReload=no\nIsEnabled=\n';

test('systemctl show / is-enabled output parses into the state', () => {
  assert.deepEqual(parseServiceState(SHOW_RUNNING), { manager: 'systemd', loadState: 'loaded', active: true, enabledState: 'enabled', masked: false, needDaemonReload: false });
  assert.equal(parseServiceState(SHOW_STOPPED).needDaemonReload, true);
  assert.equal(parseServiceState('manager=systemd\nLoadState=masked\nActiveState=inactive\nIsEnabled=masked\n').masked, true);
  assert.equal(parseServiceState('manager=sysv\nLoadState=loaded\nActiveState=active\nIsEnabled=enabled\n').manager, 'sysv');
  assert.equal(parseServiceState(SHOW_MISSING).loadState, 'not-found');
});

const st = (text: string): { state: ServiceState; missing: boolean } => ({ state: parseServiceState(text), missing: false });
const actions = (text: string, args: ServiceArgs) => planService(st(text), args).changes.map((c) => c.detail);

test('plan table: started/stopped only when needed, restarted/reloaded always, order daemon-reload → mask → enable → state', () => {
  const table: [string, string, ServiceArgs, unknown[]][] = [
    ['running + started → ok', SHOW_RUNNING, { name: 'redis', state: 'started', enabled: true }, []],
    ['stopped + started → start', SHOW_STOPPED, { name: 'redis', state: 'started' }, ['start']],
    ['running + stopped → stop', SHOW_RUNNING, { name: 'redis', state: 'stopped' }, ['stop']],
    ['restarted always', SHOW_RUNNING, { name: 'redis', state: 'restarted' }, ['restart']],
    ['reloaded when running → reload', SHOW_RUNNING, { name: 'redis', state: 'reloaded' }, ['reload']],
    ['reloaded when stopped → start', SHOW_STOPPED, { name: 'redis', state: 'reloaded' }, ['start']],
    ['daemon_reload only when unit files changed', SHOW_RUNNING, { name: 'redis', daemon_reload: true }, []],
    ['all at once in order', SHOW_STOPPED, { name: 'redis', daemon_reload: true, enabled: true, state: 'started' }, ['daemon-reload', 'enable', 'start']],
    ['disable', SHOW_RUNNING, { name: 'redis', enabled: false }, ['disable']],
    ['static units are not disabled', SHOW_RUNNING.replace('IsEnabled=enabled', 'IsEnabled=static'), { name: 'x', enabled: false }, []],
    ['mask', SHOW_STOPPED, { name: 'redis', masked: true }, ['mask']],
    ['unmask a masked unit', 'manager=systemd\nLoadState=masked\nActiveState=inactive\nIsEnabled=masked\n', { name: 'redis', masked: false, state: 'started' }, ['unmask', 'start']],
  ];
  for (const [name, text, args, expected] of table) assert.deepEqual(actions(text, args), expected, name);
});

test('read: unit not found is an error; under --check it is a planned start', async () => {
  const missing = fakeContext({ rules: [[/systemctl/, { stdout: SHOW_MISSING }]] });
  await assert.rejects(service.read(missing.ctx, { name: 'redis', state: 'started' }), (e: unknown) => e instanceof ModuleError && /service redis not found/.test(e.message));
  const check = fakeContext({ check: true, rules: [[/systemctl/, { stdout: SHOW_MISSING }]] });
  const cur = await service.read(check.ctx, { name: 'redis', state: 'started', enabled: true });
  assert.deepEqual(service.plan(cur, { name: 'redis', state: 'started', enabled: true }).changes.map((c) => c.summary), ['enable redis', 'start redis']);
});

test('apply: a failed start carries the last journal lines', async () => {
  const fake = fakeContext({ rules: [
    [/systemctl start/, { code: 1, stderr: 'Job for redis.service failed because the control process exited with error code.' }],
    [/journalctl -u redis -n 20 --no-pager/, { stdout: 'redis-server[123]: *** FATAL CONFIG FILE ERROR (Redis 7.2.4) ***\n' }],
  ] });
  const cur = st(SHOW_STOPPED);
  const plan = planService(cur, { name: 'redis', state: 'started' });
  await assert.rejects(service.apply!(fake.ctx, plan, { name: 'redis', state: 'started' }, cur), (e: unknown) =>
    e instanceof ModuleError && /start redis failed/.test(e.message) && /Job for redis.service failed/.test(e.message) && /FATAL CONFIG FILE ERROR/.test(e.message));
  assert.equal(fake.texts()[0], 'systemctl start -- redis');
});

test('systemd: --user scope and --no-block reach the command; daemon_reload alone reloads when a unit file changed', async () => {
  const fake = fakeContext();
  const cur = st(SHOW_STOPPED);
  await systemd.apply!(fake.ctx, planService(cur, { name: 'app', state: 'started' }), { name: 'app', state: 'started', scope: 'user', no_block: true }, cur);
  assert.equal(fake.texts()[0], 'systemctl --user --no-block start -- app');
  const onlyReload = fakeContext({ rules: [[/NeedDaemonReload/, { stdout: 'Id=redis.service\nNeedDaemonReload=yes\n' }]] });
  const c2 = await systemd.read(onlyReload.ctx, { daemon_reload: true });
  const p2 = systemd.plan(c2, { daemon_reload: true });
  assert.equal(p2.changes.length, 1);
  await systemd.apply!(onlyReload.ctx, p2, { daemon_reload: true }, c2);
  assert.equal(onlyReload.texts().at(-1), 'systemctl daemon-reload');
  // nothing changed on disk: ok, as Ansible reports it, so the task is ok on every later run
  const fresh = fakeContext({ rules: [[/NeedDaemonReload/, { stdout: 'Id=redis.service\nNeedDaemonReload=no\n' }]] });
  assert.deepEqual(systemd.plan(await systemd.read(fresh.ctx, { daemon_reload: true }), { daemon_reload: true }).changes, []);
  assert.ok(systemd.aliases?.includes('systemd_service'));
});

test('sysv fallback uses service and update-rc.d', async () => {
  const fake = fakeContext();
  const cur = st('manager=sysv\nLoadState=loaded\nActiveState=inactive\nIsEnabled=disabled\n');
  await service.apply!(fake.ctx, planService(cur, { name: 'redis', state: 'started', enabled: true }), { name: 'redis' }, cur);
  assert.deepEqual(fake.texts(), ['update-rc.d redis defaults && update-rc.d redis enable', 'service redis start']);
});

test('apply: a start that systemd skips for an unmet condition warns instead of silently reporting "active"', async () => {
  // Regression: chrony in a container (ConditionCapability=CAP_SYS_TIME) stays inactive after a successful
  // `systemctl start`, so `state: started` reports a change on every run with nothing saying why.
  const fake = fakeContext({ rules: [
    [/systemctl show -p ActiveState -p ConditionResult -- chrony/, { stdout: 'ActiveState=inactive\nConditionResult=no\n             └─ ConditionCapability=CAP_SYS_TIME was not met\n' }],
  ] });
  const cur = st(SHOW_STOPPED);
  const plan = planService(cur, { name: 'chrony', state: 'started' });
  const r = await service.apply!(fake.ctx, plan, { name: 'chrony', state: 'started' }, cur);
  assert.equal(r.warnings?.length, 1);
  assert.match(r.warnings![0]!, /chrony did not start: .*ConditionCapability=CAP_SYS_TIME .*not met/);
  assert.equal(skippedStartWarning('x', 'ActiveState=active\nConditionResult=yes\n'), undefined);
  assert.match(skippedStartWarning('x', 'ActiveState=inactive\nConditionResult=no\n') ?? '', /x did not start: its unit's start condition is not met/);
});
