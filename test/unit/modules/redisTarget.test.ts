/**
 * Where and how the Redis modules log in: host (a Redis bound to its LAN address only), ACL usernames,
 * Ansible's login_* names, and the messages a user sees when the address, the password or the config file is wrong.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createConnection } from 'node:net';
import { Duplex } from 'node:stream';
import redisInfo from '../../../src/modules/redis_info.js';
import redisConfig from '../../../src/modules/redis_config.js';
import redisWait from '../../../src/modules/redis_wait.js';
import sentinelInfo from '../../../src/modules/sentinel_info.js';
import sentinelConfig from '../../../src/modules/sentinel_config.js';
import { redisTarget } from '../../../src/modules/redis/args.js';
import { startForward } from '../../../src/connect/forward.js';
import { Secret } from '../../../src/core/sh.js';
import { fakeContext } from './fakeConnectionB.js';
import { startFakeRedis, type RespValue } from './fakeRedisServer.js';

const INFO = '# Server\r\nredis_version:7.0.15\r\n# Replication\r\nrole:master\r\nconnected_slaves:0\r\nmaster_repl_offset:0\r\n';

/** A fake Redis and a context whose forwards reach it, recording which (port, host) each forward asked for. */
async function withFake(reply: (c: string[]) => RespValue, fn: (ctx: ReturnType<typeof fakeContext>['ctx'], cmds: string[][], asked: [number, string | undefined][]) => Promise<void>) {
  const server = await startFakeRedis(reply);
  const asked: [number, string | undefined][] = [];
  const { ctx } = fakeContext({ forward: async (remotePort: number, remoteHost?: string) => { asked.push([remotePort, remoteHost]); return { port: server.port, close: async () => {} }; } });
  try {
    await fn(ctx, server.commands, asked);
  } finally {
    await server.close();
  }
}

test('host/login_host: the forward goes to that address on the host; login_* are Ansible\'s names for ours', async () => {
  await withFake((c) => (c[0] === 'INFO' ? INFO : { simple: 'OK' }), async (ctx, cmds, asked) => {
    await redisInfo.read(ctx, { host: '10.0.0.5', port: 6380 });
    await redisInfo.read(ctx, { login_host: '10.0.0.6', login_port: 6381, login_password: new Secret('pw'), login_user: 'ops' });
    await redisInfo.read(ctx, {});
    assert.deepEqual(asked, [[6380, '10.0.0.5'], [6381, '10.0.0.6'], [6379, '127.0.0.1']]);
    assert.deepEqual(cmds.find((c) => c[0] === 'auth'), ['auth', 'ops', 'pw'], 'an ACL user logs in with AUTH username password');
    await sentinelInfo.read(ctx, { host: '10.0.0.7', port: 26380 });
    await redisWait.read(ctx, { host: '10.0.0.8', port: 6380, timeout: 1, delay: 0.05 });
    assert.deepEqual(asked.slice(3), [[26380, '10.0.0.7'], [6380, '10.0.0.8']]);
  });
});

test('our name and Ansible\'s both given and different: an error naming both, never a silent pick, no value shown', () => {
  assert.throws(() => redisTarget({ port: 6380, login_port: 6381 }, 'redis_info'), /redis_info: port and login_port \(its Ansible name\) are both given and differ/);
  assert.throws(() => redisTarget({ password: new Secret('a-secret'), login_password: 'b-secret' }, 'redis_info'), (e: Error) => /password and login_password/.test(e.message) && !/secret/.test(e.message));
  assert.deepEqual(redisTarget({ port: 6380, login_port: 6380 }, 'x').port, 6380);
});

test('nothing at 127.0.0.1 on the host: the message says to give the bound address as host', async () => {
  const server = await startFakeRedis(() => null);
  await server.close();
  const { ctx } = fakeContext({ forward: async () => ({ port: server.port, close: async () => {} }) });
  await assert.rejects(redisInfo.read(ctx, { port: 6380 }), /cannot reach Redis on fake port 6380 \(through the SSH forward\): .*nothing answers at 127\.0\.0\.1:6380 on the host: if Redis listens only on other addresses \(its bind setting\), give one as host$/);
  await assert.rejects(sentinelConfig.read(ctx, { sentinel_port: 26380 }), /give one as sentinel_host$/);
  await assert.rejects(redisInfo.read(ctx, { host: '10.0.0.5', port: 6380 }), (e: Error) => /on fake 10\.0\.0\.5:6380/.test(e.message) && !/bind setting/.test(e.message));
});

test('no password given to a Redis that wants one: the message names the argument to set', async () => {
  await withFake(() => ({ error: 'NOAUTH Authentication required.' }), async (ctx) => {
    await assert.rejects(redisInfo.read(ctx, {}), /Redis on fake port 6379 asks for a password and none was given \(password \(or login_password\)\)/);
    await assert.rejects(sentinelInfo.read(ctx, {}), /Sentinel on fake port 26379 asks for a password and none was given \(password \(or sentinel_password\)\)/);
  });
  await withFake((c) => (c[0] === 'auth' ? { error: 'WRONGPASS invalid username-password pair or user is disabled.' } : { simple: 'OK' }), async (ctx) => {
    await assert.rejects(redisInfo.read(ctx, { username: 'ghost', password: new Secret('x') }), /refused the user "ghost" or its password: WRONGPASS/);
  });
});

test('redis_wait without a condition waits until Redis answers: never an instant ok against nothing', async () => {
  const server = await startFakeRedis(() => null);
  await server.close();
  const { ctx } = fakeContext({ forward: async () => ({ port: server.port, close: async () => {} }) });
  await assert.rejects(redisWait.read(ctx, { port: 6390, timeout: 0.3, delay: 0.05 }), /timed out after 0.3 s; still waiting for:\n- cannot reach Redis on fake port 6390/);
});

test('redis_config: a config file Redis cannot rewrite fails the task clearly; no config file at all only warns; restart warned once', async () => {
  let rewriteError = 'ERR Rewriting config file: Permission denied';
  const live: Record<string, string> = { hz: '10', databases: '16' };
  await withFake((c) => {
    const [verb, sub, name, value] = c.map((w) => w.toLowerCase());
    if (verb === 'config' && sub === 'get') return [name!, live[name!] ?? ''];
    if (verb === 'config' && sub === 'set') { live[name!] = value!; return { simple: 'OK' }; }
    if (verb === 'config' && sub === 'rewrite') return { error: rewriteError };
    return { simple: 'OK' };
  }, async (ctx) => {
    const args = { settings: { hz: 15, databases: 32 } };
    const plan = redisConfig.plan(await redisConfig.read(ctx, args), args);
    assert.deepEqual(plan.warnings, ['needs a restart to change: databases']);
    await assert.rejects(redisConfig.apply!(ctx, plan, args, undefined),
      /redis_config: set hz on fake, but CONFIG REWRITE could not save it \(ERR Rewriting config file: Permission denied\); the change is lost on the next restart\. Make the config file and its folder writable by the user Redis runs as, or set rewrite: false/);
    rewriteError = 'ERR The server is running without a config file';
    live['hz'] = '10';
    const res = await redisConfig.apply!(ctx, plan, args, undefined);
    assert.deepEqual(res?.warnings, ['CONFIG REWRITE not possible, the change is lost on restart: ERR The server is running without a config file'],
      'the plan\'s restart warning is not repeated by apply');
  });
});

test('sentinel_config: Sentinel unable to save its file says what to fix', async () => {
  await withFake((c) => {
    const [verb, sub] = c.map((w) => w.toUpperCase());
    if (verb === 'SENTINEL' && sub === 'MASTER') return { error: 'ERR No such master with that name' };
    if (verb === 'SENTINEL' && sub === 'MONITOR') return { error: 'ERR Failed to save config file. Check server logs.' };
    return { simple: 'OK' };
  }, async (ctx) => {
    const args = { master_name: 'mymaster', host: '10.0.0.1', port: 6380, quorum: 2 };
    const plan = sentinelConfig.plan(await sentinelConfig.read(ctx, args), args);
    await assert.rejects(sentinelConfig.apply!(ctx, plan, args, undefined), /Failed to save config file.*make the file and its folder writable by the user Sentinel runs as/);
  });
});

test('startForward opens its tunnels to the address asked for, 127.0.0.1 by default', async () => {
  const opened: string[] = [];
  const tunnel = (host: string, port: number): Promise<Duplex> => {
    opened.push(`${host}:${port}`);
    return Promise.reject(new Error('refused'));
  };
  for (const fwd of [await startForward(6380, tunnel, '10.0.0.5'), await startForward(6381, tunnel)]) {
    await new Promise<void>((resolve) => createConnection(fwd.port, '127.0.0.1').on('close', () => resolve()).on('error', () => {}));
    await fwd.close();
  }
  assert.deepEqual(opened, ['10.0.0.5:6380', '127.0.0.1:6381']);
});
