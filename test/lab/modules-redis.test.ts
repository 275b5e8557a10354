/**
 * The Redis modules against a real master, two replicas and three Sentinels (Debian's redis-server and
 * redis-sentinel, installed once per file). Replication and monitoring are set up with the modules themselves
 * (redis_command REPLICAOF, sentinel_config), then each module is proven on the live set, including after a
 * Sentinel failover and with passwords that never reach the output.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { useLab, type LabHandle } from './harness.js';
import { onHost, play, twice } from './modules-run.js';

let lab: LabHandle;
let master: string;
const HOSTS = ['redismaster', 'redisslave1', 'redisslave2'];
const REPLICAS = ['redisslave1', 'redisslave2'];
const PASSWORD = 'rp-Secret-7f3a9c "q" $x';

const ip = (name: string): string => lab.hosts.find((h) => h.name === name)!.address;
const cli = (host: string, args: string, port = 6379): Promise<string> => onHost(lab, host, `redis-cli -p ${port} ${args}`);

const REDIS_CONF = 'bind 0.0.0.0\nport 6379\nprotected-mode no\ndir /var/lib/redis\nlogfile /var/log/redis/redis-server.log\npidfile /run/redis/redis-server.pid\n';
const SENTINEL_CONF = 'bind 0.0.0.0\nport 26379\nprotected-mode no\ndir /var/lib/redis\nlogfile /var/log/redis/redis-sentinel.log\npidfile /run/sentinel/redis-sentinel.pid\n';
const monitor = (extra: Record<string, unknown> = {}): object[] => [
  { name: 'monitor', sentinel_config: { master_name: 'mymaster', host: master, port: 6379, quorum: 2, down_after_milliseconds: 3000, failover_timeout: 10000, parallel_syncs: 1, ...extra } },
];

before(async () => {
  lab = await useLab({ hosts: HOSTS });
  master = ip('redismaster');
  // The fixture: packages, then our own small configs (no `sentinel monitor` yet: sentinel_config adds it).
  const setup = await play(lab, [
    { name: 'install', apt: { name: ['redis-server', 'redis-sentinel'] } },
    { name: 'redis.conf', copy: { dest: '/etc/redis/redis.conf', content: REDIS_CONF, owner: 'redis', group: 'redis', mode: '0640' } },
    { name: 'sentinel.conf', copy: { dest: '/etc/redis/sentinel.conf', content: SENTINEL_CONF, owner: 'redis', group: 'redis', mode: '0640' } },
    { name: 'redis', systemd: { name: 'redis-server', state: 'restarted' } },
    { name: 'sentinel', systemd: { name: 'redis-sentinel', state: 'restarted' } },
  ], { hosts: 'lab' });
  assert.equal(setup.run.exitCode, 0, setup.human);
});

after(async () => {
  // Other test files share these hosts (and port 6379): leave no Redis behind.
  await Promise.all(HOSTS.map((h) => lab.exec(h, 'apt-get purge -y -qq redis-server redis-sentinel redis-tools >/dev/null 2>&1; apt-get autoremove -y -qq >/dev/null 2>&1; rm -rf /etc/redis /var/lib/redis /var/log/redis')));
});

test('redis_command builds replication; redis_wait sees it; redis_info reports roles and replicas', async () => {
  const replicate = [{ name: 'replicaof', redis_command: { command: ['REPLICAOF', master, '6379'] } }];
  const checked = await play(lab, replicate, { hosts: 'redisslave1', check: true });
  assert.equal(checked.on('replicaof', 'redisslave1').status, 'skipped', 'a writing command cannot be predicted: skipped under --check');
  assert.match(await cli('redisslave1', 'role'), /^master$/m, '--check sent REPLICAOF');

  const done = await play(lab, replicate, { hosts: 'redisslave1:redisslave2' });
  for (const h of REPLICAS) assert.equal(done.on('replicaof', h).data['result'], 'OK');
  const waited = await play(lab, [{ name: 'wait', redis_wait: { replicas_online: 2, in_sync: true, timeout: 30, delay: 0.3 } }]);
  assert.equal(waited.on('wait', 'redismaster').status, 'ok', waited.human);

  const info = await play(lab, [{ name: 'info', redis_info: {} }], { hosts: 'lab', check: true });
  const m = info.on('info', 'redismaster').data;
  assert.equal(m['role'], 'master');
  assert.equal(m['connected_slaves'], 2);
  assert.deepEqual((m['replicas'] as { ip: string; state: string }[]).map((r) => [r.ip, r.state]).sort(), [[ip('redisslave1'), 'online'], [ip('redisslave2'), 'online']]);
  assert.match(String(m['redis_version']), /^\d+\.\d+\.\d+$/);
  for (const h of REPLICAS) {
    const r = info.on('info', h).data;
    assert.deepEqual([r['role'], r['master_host'], r['master_port'], r['master_link_status']], ['replica', master, 6379, 'up']);
  }
  assert.match(await cli('redisslave2', 'role'), /^slave$/m);

  // Reading commands run under --check and return the reply; a Redis error names the command.
  const read = await play(lab, [
    { name: 'get', redis_command: { command: 'CONFIG GET maxmemory-policy' } },
    { name: 'bad', redis_command: { command: ['NOSUCHCMD', 'x; rm -rf /'], read_only: true }, ignore_errors: true },
  ], { check: true });
  assert.deepEqual(read.on('get', 'redismaster').data['result'], ['maxmemory-policy', 'noeviction']);
  assert.match(read.on('bad', 'redismaster').msg, /NOSUCHCMD x; rm -rf \/ failed: ERR unknown command 'NOSUCHCMD'/);
});

test('sentinel_config starts monitoring once; sentinel_info and redis_wait see the Sentinels agree', async () => {
  const checked = await play(lab, monitor(), { hosts: 'lab', check: true, diff: true });
  assert.equal(checked.on('monitor', 'redisslave1').status, 'changed');
  assert.deepEqual(checked.on('monitor', 'redisslave1').diffs[0], { before: 'mymaster: not monitored\n', after: `mymaster: ${master}:6379 quorum 2\n` });
  assert.equal((await cli('redisslave1', 'sentinel masters', 26379)).trim(), '', '--check started monitoring');

  const [first, second] = await twice(lab, monitor(), { hosts: 'lab' });
  for (const h of HOSTS) assert.equal(first.on('monitor', h).status, 'changed', first.human);
  for (const h of HOSTS) assert.equal(second.on('monitor', h).status, 'ok', second.human);
  assert.match(await onHost(lab, 'redisslave2', 'cat /etc/redis/sentinel.conf'), new RegExp(`^sentinel monitor mymaster ${master.replace(/\./g, '\\.')} 6379 2$`, 'm'));

  const wait = await play(lab, [{ name: 'wait', redis_wait: { master_known_to_sentinels: 3, timeout: 30, delay: 0.5 } }], { hosts: 'lab' });
  assert.equal(wait.run.exitCode, 0, wait.human);
  // Sentinel learns the replicas from the master's INFO, which it polls every 10 s: wait for that as a user would.
  const known = await play(lab, [{ name: 'info', sentinel_info: {}, register: 's', until: '(eq s.num_slaves 2)', retries: 15, delay: 1 }], { hosts: 'lab' });
  for (const h of HOSTS) {
    const s = known.on('info', h).data;
    assert.deepEqual(s['master'], { ip: master, port: 6379 }, h);
    assert.deepEqual([s['quorum'], s['num_slaves'], s['num_other_sentinels'], s['down_after_milliseconds']], [2, 2, 2, 3000], h);
    assert.equal((s['ckquorum'] as { ok: boolean }).ok, true, h);
  }

  const tuned = await play(lab, monitor({ down_after_milliseconds: 4000 }), { hosts: 'redismaster', diff: true });
  assert.deepEqual(tuned.on('monitor', 'redismaster').diffs[0], { before: 'down-after-milliseconds 3000\n', after: 'down-after-milliseconds 4000\n' });
  assert.match(await cli('redismaster', 'sentinel master mymaster', 26379), /down-after-milliseconds\n4000/);
  const unknown = await play(lab, [{ name: 'other', sentinel_config: { master_name: 'rp-other', quorum: 2 } }]);
  assert.equal(unknown.on('other', 'redismaster').msg, 'sentinel_config: this Sentinel does not monitor "rp-other" yet; host and quorum are needed to start monitoring it');
  const none = await play(lab, [{ name: 'none', sentinel_info: { master_name: 'rp-other' } }]);
  assert.equal(none.on('none', 'redismaster').data['known'], false);
});

test('redis_wait: a condition that never holds times out with what it still waits for', async () => {
  const started = Date.now();
  const r = (await play(lab, [{ name: 'wait', redis_wait: { replicas_online: 5, timeout: 1.5, delay: 0.3 } }])).on('wait', 'redismaster');
  assert.equal(r.status, 'failed');
  assert.equal(r.msg, 'redis_wait: timed out after 1.5 s; still waiting for:\n- 2 of 5 replicas online');
  assert.ok(Date.now() - started < 10_000, 'the timeout was not kept');
  const nothing = (await play(lab, [{ name: 'wait', redis_wait: { role: 'master', port: 6390, timeout: 1, delay: 0.3 } }])).on('wait', 'redismaster');
  assert.match(nothing.msg, /timed out after 1 s; still waiting for:\n- cannot reach Redis on redismaster port 6390/);
});

test('redis_config: compared by value, defaults dropped by the rewrite are no change, immutable ones need a restart', async () => {
  const set = (settings: Record<string, unknown>): object[] => [{ name: 'cfg', redis_config: { settings } }];
  const checked = await play(lab, set({ maxmemory: '100mb', hz: 15 }), { check: true, diff: true });
  assert.equal(checked.on('cfg', 'redismaster').status, 'changed');
  assert.deepEqual(checked.on('cfg', 'redismaster').diffs.map((d) => d.after), ['maxmemory 100mb\n', 'hz 15\n']);
  assert.match(await cli('redismaster', 'config get maxmemory'), /^0$/m, '--check changed Redis');

  const [first, second] = await twice(lab, set({ maxmemory: '100mb', hz: 15 }));
  assert.equal(first.on('cfg', 'redismaster').status, 'changed');
  assert.deepEqual(first.on('cfg', 'redismaster').data['changed_settings'], ['maxmemory', 'hz']);
  assert.equal(first.on('cfg', 'redismaster').data['rewrite'], 'ok');
  assert.match(await cli('redismaster', 'config get maxmemory'), /^104857600$/m);
  assert.match(await onHost(lab, 'redismaster', 'cat /etc/redis/redis.conf'), /^hz 15$/m);
  assert.equal(second.on('cfg', 'redismaster').status, 'ok');
  assert.equal((await play(lab, set({ maxmemory: 104857600, hz: '15' }))).on('cfg', 'redismaster').status, 'ok', 'the same value spelled another way');

  // CONFIG REWRITE wrote no line for settings at their defaults: the file says nothing, Redis's value still matches.
  const file = await onHost(lab, 'redismaster', 'cat /etc/redis/redis.conf');
  assert.doesNotMatch(file, /^(maxmemory-policy|lazyfree-lazy-eviction|maxclients) /m);
  assert.equal((await play(lab, set({ 'maxmemory-policy': 'noeviction', 'lazyfree-lazy-eviction': false, maxclients: 10000 }))).on('cfg', 'redismaster').status, 'ok');
  assert.equal((await play(lab, set({ hz: 10 }))).on('cfg', 'redismaster').status, 'changed');
  assert.equal((await play(lab, set({ hz: 10 }))).on('cfg', 'redismaster').status, 'ok');

  const immutable = (await play(lab, set({ databases: 32 }))).on('cfg', 'redismaster');
  assert.equal(immutable.status, 'ok', immutable.msg);
  assert.deepEqual(immutable.data['restart_required'], ['databases']);
  assert.match(immutable.warnings.join('\n'), /needs a restart to change: databases/);
  assert.match(await cli('redismaster', 'config get databases'), /^16$/m);

  const odd = 'rp host $(touch /tmp/rp-pwned-redis); `id` "q"';
  const oddSet = (await play(lab, set({ 'replica-announce-ip': odd }))).on('cfg', 'redismaster');
  assert.equal(oddSet.status, 'changed', oddSet.msg);
  assert.equal((await cli('redismaster', 'config get replica-announce-ip')).split('\n')[1], odd);
  assert.equal((await play(lab, set({ 'replica-announce-ip': odd }))).on('cfg', 'redismaster').status, 'ok');
  await play(lab, set({ 'replica-announce-ip': '', maxmemory: 0 }));
  const unknown = (await play(lab, set({ 'rp-nope': 1 }))).on('cfg', 'redismaster');
  assert.equal(unknown.msg, 'redis_config: Redis on redismaster has no setting "rp-nope"');
});

test('passwords: requirepass set with redis_config, modules authenticate, and the password never reaches the output', async () => {
  const vars = { extraVars: { rp_pw: PASSWORD }, diff: true, verbosity: 3 };
  const secure = await play(lab, [
    // In this order, so neither the replicas nor the Sentinels ever miss a password the master asks for.
    { name: 'masterauth', redis_config: { settings: { masterauth: '{{ rp_pw }}' } } },
    { name: 'auth-pass', sentinel_config: { master_name: 'mymaster', auth_pass: '{{ rp_pw }}' } },
    { name: 'requirepass', redis_config: { settings: { requirepass: '{{ rp_pw }}' }, password: '{{ rp_pw }}' } },
  ], { hosts: 'lab', ...vars });
  assert.equal(secure.run.exitCode, 0, secure.human);
  assert.equal(secure.on('requirepass', 'redisslave1').status, 'changed');
  assert.deepEqual(secure.on('requirepass', 'redisslave1').diffs[0], { before: 'requirepass ********\n', after: 'requirepass ********\n' });
  assert.match((await lab.exec('redisslave1', 'redis-cli ping')).stdout, /NOAUTH/);
  assert.equal((await lab.exec('redisslave1', `REDISCLI_AUTH=${JSON.stringify(PASSWORD).replace(/\$/g, '\\$')} redis-cli ping`)).stdout.trim(), 'PONG');

  const checks = await play(lab, [
    { name: 'info', redis_info: { password: '{{ rp_pw }}' } },
    { name: 'wait', redis_wait: { replicas_online: 2, in_sync: true, password: '{{ rp_pw }}', master_known_to_sentinels: 3, timeout: 30, delay: 0.5 } },
    { name: 'cmd', redis_command: { command: ['CONFIG', 'GET', 'requirepass'], password: '{{ rp_pw }}' } },
    { name: 'auth-pass', sentinel_config: { master_name: 'mymaster', auth_pass: '{{ rp_pw }}' } },
    { name: 'denied', redis_info: {}, ignore_errors: true },
  ], { hosts: 'redismaster', ...vars });
  assert.equal(checks.on('info', 'redismaster').data['role'], 'master');
  assert.equal(checks.on('wait', 'redismaster').status, 'ok', checks.human);
  assert.deepEqual(checks.on('cmd', 'redismaster').data['result'], ['requirepass', '********'], 'a reply holding the password is masked');
  assert.equal(checks.on('auth-pass', 'redismaster').status, 'ok', 'auth-pass already set: no change');
  // Sentinel got the password itself, not its mask (a Secret stringifies to ********).
  const sentinelConf = await onHost(lab, 'redisslave2', 'cat /etc/redis/sentinel.conf');
  assert.match(sentinelConf, /^sentinel auth-pass mymaster /m);
  assert.doesNotMatch(sentinelConf, /^sentinel auth-pass mymaster "?\*{8}"?$/m);
  assert.match(checks.on('denied', 'redismaster').msg, /NOAUTH|refused the password/);

  for (const out of [secure, checks]) {
    assert.ok(!out.human.includes(PASSWORD), `the password is in the human output:\n${out.human}`);
    assert.ok(!out.json.includes(PASSWORD) && !out.json.includes(JSON.stringify(PASSWORD).slice(1, -1)), 'the password is in the JSON events');
  }
});

test('after a Sentinel failover, sentinel_config leaves the group on the new master', async () => {
  // The set has passwords now (previous test): the Sentinels fail over with their auth-pass.
  // Right after the passwords changed, the Sentinels may still be re-linking to the replicas (NOGOODSLAVE): retry.
  const failover = await play(lab, [{ name: 'failover', redis_command: { command: 'SENTINEL FAILOVER mymaster', port: 26379 }, register: 'f', until: '(eq f.result "OK")', retries: 20, delay: 1 }]);
  assert.equal(failover.on('failover', 'redismaster').status, 'changed', failover.human);
  // The Sentinels promote a replica at once; demoting the old master takes them longer (the last test waits for it).
  const moved = await play(lab, [{ name: 'moved', sentinel_info: {}, register: 's', until: `(ne s.master.ip "${master}")`, retries: 15, delay: 1 }]);
  assert.equal(moved.on('moved', 'redismaster').status, 'ok', moved.human);
  const newMaster = (await cli('redismaster', 'sentinel get-master-addr-by-name mymaster', 26379)).split('\n')[0]!;
  assert.notEqual(newMaster, master);

  const again = await play(lab, monitor({ down_after_milliseconds: 4000 }), { hosts: 'redismaster' });
  const r = again.on('monitor', 'redismaster');
  assert.equal(r.status, 'ok');
  assert.match(String(r.data['note']), new RegExp(`the current master ${newMaster.replace(/\./g, '\\.')}:6379 differs from host`));
  assert.equal((await cli('redismaster', 'sentinel get-master-addr-by-name mymaster', 26379)).split('\n')[0], newMaster, 'the group was re-pointed');
});

test('a Redis bound to the host address only, with ACL users: host and login_* reach it; its unwritable file fails clearly', async () => {
  const addr = ip('redismaster');
  // Bound to the lab address only (not 127.0.0.1), protected, with an ACL user; its config file is root's, so the
  // redis user it runs as cannot CONFIG REWRITE it.
  const conf = `bind ${addr}\nport 6391\nprotected-mode yes\nrequirepass rp-top-pw\nuser ops on >rp-ops-pw ~* &* +@all\ndir /tmp/rp-bound\npidfile /tmp/rp-bound/redis.pid\ndaemonize yes\n`;
  await onHost(lab, 'redismaster', `mkdir -p /tmp/rp-bound /etc/rp-bound && chown redis /tmp/rp-bound && cat > /etc/rp-bound/redis.conf <<'X'\n${conf}X\nchmod 644 /etc/rp-bound/redis.conf && runuser -u redis -- redis-server /etc/rp-bound/redis.conf`);
  try {
    const out = await play(lab, [
      { name: 'local', redis_info: { port: 6391, password: 'rp-top-pw' }, ignore_errors: true },
      { name: 'bound', redis_info: { host: addr, port: 6391, password: 'rp-top-pw' } },
      { name: 'ansible', redis_info: { login_host: addr, login_port: 6391, login_user: 'ops', login_password: 'rp-ops-pw' } },
      { name: 'wrong user', redis_info: { host: addr, port: 6391, username: 'ops', password: 'rp-top-pw' }, ignore_errors: true },
      { name: 'wait', redis_wait: { host: addr, port: 6391, password: 'rp-top-pw', role: 'master', timeout: 5, delay: 0.2 } },
      { name: 'cfg', redis_config: { host: addr, port: 6391, password: 'rp-top-pw', settings: { hz: 12 } }, ignore_errors: true },
    ]);
    assert.match(out.on('local', 'redismaster').msg, /nothing answers at 127\.0\.0\.1:6391 on the host: if Redis listens only on other addresses \(its bind setting\), give one as host$/);
    assert.equal(out.on('bound', 'redismaster').data['role'], 'master', out.human);
    assert.equal((out.on('bound', 'redismaster').data['info'] as Record<string, string>)['tcp_port'], '6391');
    assert.equal(out.on('ansible', 'redismaster').status, 'ok', out.human);
    assert.match(out.on('wrong user', 'redismaster').msg, /refused the user "ops" or its password: WRONGPASS/);
    assert.equal(out.on('wait', 'redismaster').status, 'ok', out.human);
    assert.match(out.on('cfg', 'redismaster').msg, /set hz on redismaster, but CONFIG REWRITE could not save it \(ERR Rewriting config file: Permission denied\)/);
    for (const pw of ['rp-top-pw', 'rp-ops-pw']) assert.ok(!out.human.includes(pw) && !out.json.includes(pw), `${pw} reached the output`);
  } finally {
    await lab.exec('redismaster', `REDISCLI_AUTH=rp-top-pw redis-cli -h ${addr} -p 6391 shutdown nosave; rm -rf /tmp/rp-bound /etc/rp-bound`);
  }
});
