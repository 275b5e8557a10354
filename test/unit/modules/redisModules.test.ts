import { test } from 'node:test';
import assert from 'node:assert/strict';
import redisInfo from '../../../src/modules/redis_info.js';
import redisConfig, { planSettings } from '../../../src/modules/redis_config.js';
import redisCommand, { isReadingCommand, commandWords } from '../../../src/modules/redis_command.js';
import redisWait from '../../../src/modules/redis_wait.js';
import sentinelInfo from '../../../src/modules/sentinel_info.js';
import sentinelConfig, { planSentinel } from '../../../src/modules/sentinel_config.js';
import { parseInfo, replicationInfo, sentinelMaster } from '../../../src/modules/redis/info.js';
import { normaliseSetting } from '../../../src/modules/redis/configValues.js';
import { pendingConditions } from '../../../src/modules/redis/waitConditions.js';
import { fakeContext } from './fakeConnectionB.js';
import { startFakeRedis, type RespValue } from './fakeRedisServer.js';

const MASTER_INFO = `# Server\r
redis_version:7.2.4\r
redis_mode:standalone\r
tcp_port:6379\r
config_file:/etc/redis/redis.conf\r
\r
# Replication\r
role:master\r
connected_slaves:2\r
slave0:ip=10.0.0.2,port=6379,state=online,offset=5880,lag=0\r
slave1:ip=10.0.0.3,port=6379,state=wait_bgsave,offset=0,lag=1\r
master_failover_state:no-failover\r
master_replid:8a2f1d9e0e3b0c6c2b4bb1c7d1f4f0e0b8a1e2f3\r
master_replid2:0000000000000000000000000000000000000000\r
master_repl_offset:5880\r
second_repl_offset:-1\r
repl_backlog_active:1\r
`;
const REPLICA_INFO = `# Replication\r
role:slave\r
master_host:10.0.0.1\r
master_port:6379\r
master_link_status:up\r
master_last_io_seconds_ago:1\r
master_sync_in_progress:0\r
slave_read_repl_offset:5880\r
slave_repl_offset:5880\r
slave_priority:100\r
slave_read_only:1\r
replica_announced:1\r
connected_slaves:0\r
master_repl_offset:5880\r
`;
const SENTINEL_MASTER = ['name', 'mymaster', 'ip', '10.0.0.1', 'port', '6379', 'runid', 'abc', 'flags', 'master', 'link-pending-commands', '0',
  'quorum', '2', 'num-slaves', '2', 'num-other-sentinels', '2', 'down-after-milliseconds', '5000', 'failover-timeout', '60000', 'parallel-syncs', '1', 'config-epoch', '3'];

test('INFO parsing: sections, master with replicas, replica with its link', () => {
  const s = parseInfo(MASTER_INFO);
  assert.equal(s['server']?.['redis_version'], '7.2.4');
  const m = replicationInfo(MASTER_INFO);
  assert.equal(m.role, 'master');
  assert.equal(m.connected_slaves, 2);
  assert.deepEqual(m.replicas[1], { ip: '10.0.0.3', port: 6379, state: 'wait_bgsave', offset: 0, lag: 1 });
  assert.equal(m.master_repl_offset, 5880);
  const r = replicationInfo(REPLICA_INFO);
  assert.deepEqual([r.role, r.master_host, r.master_port, r.master_link_status, r.master_sync_in_progress], ['replica', '10.0.0.1', 6379, 'up', false]);
});

test('SENTINEL MASTER reply parsing', () => {
  const m = sentinelMaster(SENTINEL_MASTER);
  assert.deepEqual([m.ip, m.port, m.quorum, m.num_slaves, m.num_other_sentinels, m.flags, m.down_after_milliseconds], ['10.0.0.1', 6379, 2, 2, 2, ['master'], 5000]);
});

test('settings compare by value: units, booleans, spacing', () => {
  assert.equal(normaliseSetting('100mb'), normaliseSetting('104857600'));
  assert.equal(normaliseSetting('1gb'), '1073741824');
  assert.equal(normaliseSetting('1k'), '1000');
  assert.equal(normaliseSetting(true), 'yes');
  assert.equal(normaliseSetting('3600 1  300 100'), '3600 1 300 100');
  assert.notEqual(normaliseSetting('allkeys-lru'), normaliseSetting('volatile-lru'));
  const live = { maxmemory: '104857600', appendonly: 'no', 'parallel-syncs': '1', daemonize: 'no', 'maxmemory-policy': 'noeviction' };
  assert.deepEqual(planSettings({ maxmemory: '100mb', appendonly: false }, live), { set: [], restart: [] });
  assert.deepEqual(planSettings({ maxmemory: '200mb', appendonly: true, daemonize: true, 'maxmemory-policy': 'allkeys-lru' }, live), {
    set: [{ name: 'maxmemory', value: '200mb' }, { name: 'appendonly', value: 'yes' }, { name: 'maxmemory-policy', value: 'allkeys-lru' }],
    restart: ['daemonize'],
  });
});

test('wait conditions in words', () => {
  const m = replicationInfo(MASTER_INFO);
  assert.deepEqual(pendingConditions({ replicas_online: 1 }, { replication: m }), []);
  assert.deepEqual(pendingConditions({ replicas_online: 2 }, { replication: m }), ['1 of 2 replicas online']);
  assert.match(pendingConditions({ in_sync: true }, { replication: m })[0]!, /10.0.0.3:6379 is wait_bgsave, 5880 bytes behind/);
  assert.deepEqual(pendingConditions({ role: 'replica', in_sync: true }, { replication: replicationInfo(REPLICA_INFO) }), []);
  assert.deepEqual(pendingConditions({ role: 'master' }, { replication: replicationInfo(REPLICA_INFO) }), ['role is replica, waiting for master']);
  assert.deepEqual(pendingConditions({ master_known_to_sentinels: 3 }, { sentinel: sentinelMaster(SENTINEL_MASTER) }), []);
  assert.deepEqual(pendingConditions({ master_known_to_sentinels: 3 }, { sentinel: null }), ['the Sentinel does not know the master yet']);
  const down = sentinelMaster(SENTINEL_MASTER.map((v) => (v === 'master' ? 'master,s_down' : v)));
  assert.deepEqual(pendingConditions({ master_known_to_sentinels: 1 }, { sentinel: down }), ['the Sentinel flags the master s_down']);
});

test('redis_command: reading commands run under --check; others are unpredictable changes', () => {
  assert.ok(isReadingCommand(['config', 'get', 'maxmemory']));
  assert.ok(!isReadingCommand(['CONFIG', 'SET', 'maxmemory', '1']));
  assert.ok(isReadingCommand(['SENTINEL', 'CKQUORUM', 'mymaster']));
  assert.ok(!isReadingCommand(['SENTINEL', 'CONFIG', 'SET', 'x', 'y']));
  assert.ok(!isReadingCommand(['FLUSHALL']));
  assert.deepEqual(commandWords(' INFO  replication '), ['INFO', 'replication']);
});

test('sentinel_config plan: monitor when absent; never re-point after a failover; only differing tunables', () => {
  const known = { live: true as const, known: true as const, master: sentinelMaster(SENTINEL_MASTER), authPassSame: true };
  const after = planSentinel(known, { master_name: 'mymaster', host: '10.0.0.9', port: 6379, quorum: 2, down_after_milliseconds: 5000, parallel_syncs: 1, auth_pass: 'pw' });
  assert.deepEqual(after.changes, []);
  assert.match(String(after.result['note']), /current master 10.0.0.1:6379 differs.*failover/);
  const tuned = planSentinel(known, { master_name: 'mymaster', quorum: 3, failover_timeout: 60000, down_after_milliseconds: 3000 });
  assert.deepEqual(tuned.changes.map((c) => c.detail), [{ kind: 'set', option: 'quorum', value: '3' }, { kind: 'set', option: 'down-after-milliseconds', value: '3000' }]);
  const fresh = planSentinel({ live: true, known: false }, { master_name: 'mymaster', host: '10.0.0.1', quorum: 2, parallel_syncs: 1, auth_pass: 'pw' });
  assert.deepEqual(fresh.changes.map((c) => c.detail), [
    { kind: 'monitor', host: '10.0.0.1', port: 6379, quorum: 2 }, { kind: 'set', option: 'parallel-syncs', value: '1' }, { kind: 'set', option: 'auth-pass', value: 'pw' }]);
  assert.doesNotMatch(JSON.stringify(fresh.changes.map((c) => [c.summary, c.diff])), /pw/);
  assert.match(planSentinel({ live: true, known: false }, { master_name: 'm' }).fail ?? '', /host and quorum are needed/);
  assert.equal(planSentinel({ ...known, authPassSame: false }, { auth_pass: 'new' }).changes[0]?.summary, 'set auth-pass');
});

/** A context whose forward() reaches the fake server, as the SSH forward would reach the host's 127.0.0.1. */
async function withServer(reply: (c: string[]) => RespValue, fn: (port: number, cmds: string[][], forwards: { closed: number }) => Promise<void>) {
  const server = await startFakeRedis(reply);
  const forwards = { closed: 0 };
  try {
    await fn(server.port, server.commands, forwards);
  } finally {
    await server.close();
  }
}
const ctxFor = (port: number, forwards: { closed: number }, extra: Parameters<typeof fakeContext>[0] = {}) =>
  fakeContext({ ...extra, forward: async () => ({ port, close: async () => { forwards.closed += 1; } }) }).ctx;

test('redis_info over the forward: authenticates, reads INFO, closes the forward', async () => {
  await withServer((c) => (c[0] === 'INFO' ? MASTER_INFO : { simple: 'OK' }), async (port, cmds, forwards) => {
    const ctx = ctxFor(port, forwards);
    const cur = await redisInfo.read(ctx, { port: 6379, password: 's3cret' });
    const plan = redisInfo.plan(cur, {});
    assert.equal(plan.result?.['role'], 'master');
    assert.equal((plan.result?.['replicas'] as unknown[]).length, 2);
    assert.equal(plan.result?.['redis_version'], '7.2.4');
    assert.deepEqual(cmds[0], ['auth', 's3cret']);
    assert.equal(forwards.closed, 1);
  });
});

test('redis_info under --check with nothing listening is a planned change; without --check a clear error', async () => {
  const server = await startFakeRedis(() => null);
  const deadPort = server.port;
  await server.close();
  const check = fakeContext({ check: true, forward: async () => ({ port: deadPort, close: async () => {} }) });
  assert.match(redisInfo.plan(await redisInfo.read(check.ctx, {}), {}).changes[0]?.summary ?? '', /not running: assumed to be started by an earlier task/);
  const real = fakeContext({ forward: async () => ({ port: deadPort, close: async () => {} }) });
  await assert.rejects(redisInfo.read(real.ctx, {}), /cannot reach Redis on fake port 6379/);
});

test('redis_config: no change when equal by value; CONFIG SET + one REWRITE; immutable reported, not failed', async () => {
  const live: Record<string, string> = { maxmemory: '104857600', appendonly: 'no', 'io-threads': '1' };
  await withServer((c) => {
    const [verb, sub, name, value] = c.map((w) => w.toLowerCase());
    if (verb === 'config' && sub === 'get') return live[name!] !== undefined ? [name!, live[name!]!] : [];
    if (verb === 'config' && sub === 'set') {
      if (name === 'io-threads') return { error: "ERR CONFIG SET failed (possibly related to argument 'io-threads') - can't set immutable config" };
      live[name!] = value!;
      return { simple: 'OK' };
    }
    return { simple: 'OK' };
  }, async (port, cmds, forwards) => {
    const ctx = ctxFor(port, forwards);
    const same = { settings: { maxmemory: '100mb', appendonly: false } };
    assert.deepEqual(redisConfig.plan(await redisConfig.read(ctx, same), same).changes, []);
    const want = { settings: { maxmemory: '200mb', appendonly: true, 'io-threads': 4 } };
    const plan = redisConfig.plan(await redisConfig.read(ctx, want), want);
    assert.deepEqual(plan.changes.map((c) => c.summary), ['set maxmemory 200mb', 'set appendonly yes']);
    assert.deepEqual(plan.result?.['restart_required'], ['io-threads']);
    const res = await redisConfig.apply!(ctx, plan, want, undefined);
    assert.deepEqual((res as { result: Record<string, unknown> }).result['changed_settings'], ['maxmemory', 'appendonly']);
    assert.equal(cmds.filter((c) => c[1] === 'REWRITE').length, 1);
    await assert.rejects(redisConfig.read(ctx, { settings: { 'no-such': 1 } }), /has no setting "no-such"/);
  });
});

test('sentinel_info and sentinel_config against a Sentinel', async () => {
  let monitored = false;
  await withServer((c) => {
    const [verb, sub] = c.map((w) => w.toUpperCase());
    if (verb === 'SENTINEL' && sub === 'MASTER') return monitored ? SENTINEL_MASTER : { error: 'ERR No such master with that name' };
    if (verb === 'SENTINEL' && sub === 'CKQUORUM') return { simple: 'OK 3 usable Sentinels. Quorum and failover authorization can be reached' };
    if (verb === 'SENTINEL' && sub === 'MONITOR') { monitored = true; return { simple: 'OK' }; }
    return { simple: 'OK' };
  }, async (port, cmds, forwards) => {
    const ctx = ctxFor(port, forwards);
    const unknown = sentinelInfo.plan(await sentinelInfo.read(ctx, {}), {});
    assert.equal(unknown.result?.['known'], false);
    const args = { master_name: 'mymaster', host: '10.0.0.1', quorum: 2, down_after_milliseconds: 5000 };
    const cur = await sentinelConfig.read(ctx, args);
    const plan = sentinelConfig.plan(cur, args);
    await sentinelConfig.apply!(ctx, plan, args, cur);
    assert.deepEqual(cmds.filter((c) => c[1] === 'MONITOR' || c[1] === 'SET'), [
      ['SENTINEL', 'MONITOR', 'mymaster', '10.0.0.1', '6379', '2'], ['SENTINEL', 'SET', 'mymaster', 'down-after-milliseconds', '5000']]);
    const again = sentinelConfig.plan(await sentinelConfig.read(ctx, args), args);
    assert.deepEqual(again.changes, [], 'second run is ok');
    const info = sentinelInfo.plan(await sentinelInfo.read(ctx, {}), {});
    assert.deepEqual(info.result?.['master'], { ip: '10.0.0.1', port: 6379 });
    assert.equal((info.result?.['ckquorum'] as { ok: boolean }).ok, true);
  });
});

test('redis_wait polls until the condition holds, and times out naming what is missing', async () => {
  let calls = 0;
  await withServer((c) => (c[0] === 'INFO' ? (++calls < 3 ? MASTER_INFO : MASTER_INFO.replace('wait_bgsave,offset=0', 'online,offset=5880')) : { simple: 'OK' }), async (port, _cmds, forwards) => {
    const ctx = ctxFor(port, forwards);
    const cur = await redisWait.read(ctx, { replicas_online: 2, in_sync: true, delay: 0.05, timeout: 5 });
    assert.equal(redisWait.plan(cur, {}).result?.['checks'], 3);
    await assert.rejects(redisWait.read(ctx, { replicas_online: 3, delay: 0.05, timeout: 0.2 }), /timed out after 0.2 s; still waiting for:\n- 2 of 3 replicas online/);
  });
});

test('redis_command: reading reply under read; a write goes in apply', async () => {
  await withServer((c) => (c[0] === 'GET' ? 'v' : { simple: 'OK' }), async (port, cmds, forwards) => {
    const ctx = ctxFor(port, forwards);
    assert.deepEqual(redisCommand.plan(await redisCommand.read(ctx, { command: ['GET', 'k'] }), { command: ['GET', 'k'] }).result, { result: 'v' });
    const args = { command: ['SET', 'k v', '$(x)'] };
    const cur = await redisCommand.read(ctx, args);
    const plan = redisCommand.plan(cur, args);
    assert.equal(plan.unpredictable, true);
    assert.equal(cmds.some((c) => c[0] === 'SET'), false, 'nothing written before apply');
    await redisCommand.apply!(ctx, plan, args, cur);
    assert.deepEqual(cmds.find((c) => c[0] === 'SET'), ['SET', 'k v', '$(x)']);
  });
});
