/**
 * The system modules on real hosts: apt, service/systemd, sysctl, user/group. Each proves, against the lab: the first
 * run changes the host (checked from outside with lab.exec), the second is ok, --check changes nothing, --diff shows
 * a before/after, failures say what failed, and hostile names arrive as data, never as shell.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { useLab, type LabHandle } from './harness.js';
import { onHost, play, twice } from './modules-run.js';

let lab: LabHandle;
const H = 'redismaster';
// Not in /etc/systemd/system: systemctl cannot mask a unit whose own file lives there.
const UNIT = '/usr/local/lib/systemd/system/rp-sleeper.service';
const FAILING_UNIT = '/etc/systemd/system/rp-failing.service';

before(async () => {
  lab = await useLab({ hosts: 3 });
});

after(async () => {
  // The lab is shared with other test files: leave the host as we found it.
  await lab.exec(H, [
    'apt-get purge -y -qq hello >/dev/null 2>&1',
    'systemctl stop rp-sleeper rp-failing 2>/dev/null; systemctl unmask rp-sleeper 2>/dev/null; systemctl disable rp-sleeper 2>/dev/null',
    `rm -f ${UNIT} ${FAILING_UNIT} /etc/sysctl.d/90-rp-test.conf; systemctl daemon-reload; systemctl reset-failed 2>/dev/null`,
    'userdel -r rp-svc 2>/dev/null; groupdel rp-svc 2>/dev/null; rm -f /tmp/rp-pwned*',
  ].join('; '));
});

const installed = async (pkg: string): Promise<string | undefined> => {
  const r = await lab.exec(H, `dpkg-query -W -f='\${Status} \${Version}' ${pkg} 2>/dev/null`);
  const m = /install ok installed (\S+)/.exec(r.stdout);
  return m?.[1];
};

test('apt: check, install, idempotent re-run, diff, pinned version, absent', async () => {
  await onHost(lab, H, 'apt-get purge -y -qq hello >/dev/null 2>&1; true');
  const candidate = /Candidate:\s*(\S+)/.exec(await onHost(lab, H, 'apt-cache policy hello'))?.[1];
  assert.ok(candidate && candidate !== '(none)', 'hello has an installation candidate');
  const task = [{ name: 'hello', apt: { name: 'hello', state: 'present' } }];

  const checked = await play(lab, task, { check: true, diff: true });
  assert.equal(checked.on('hello', H).status, 'changed');
  assert.equal(await installed('hello'), undefined, '--check installed the package');
  assert.deepEqual(checked.on('hello', H).diffs.map((d) => [d.before, d.after]), [['hello (not installed)\n', `hello ${candidate}\n`]]);

  const [first, second] = await twice(lab, task);
  assert.equal(first.on('hello', H).status, 'changed');
  assert.deepEqual(first.on('hello', H).data['packages'], ['hello']);
  assert.equal((await onHost(lab, H, 'hello')).trim(), 'Hello, world!');
  assert.equal(second.on('hello', H).status, 'ok');

  // A pin equal to the installed version is no change; an unknown version fails with apt's reason.
  assert.equal((await play(lab, [{ name: 'pin', apt: { name: `hello=${candidate}` } }])).on('pin', H).status, 'ok');
  const badPin = (await play(lab, [{ name: 'pin', apt: { name: 'hello=0.0-rp-nope' } }])).on('pin', H);
  assert.equal(badPin.status, 'failed');
  assert.match(badPin.msg, /Version '0\.0-rp-nope' for 'hello' was not found/);
  assert.equal(await installed('hello'), candidate);

  const absent = [{ name: 'gone', apt: { name: 'hello', state: 'absent' } }];
  assert.equal((await play(lab, absent, { check: true })).on('gone', H).status, 'changed');
  assert.equal(await installed('hello'), candidate, '--check removed the package');
  const [removed, again] = await twice(lab, absent);
  assert.equal(removed.on('gone', H).status, 'changed');
  assert.equal(await installed('hello'), undefined);
  assert.equal(again.on('gone', H).status, 'ok');

  // Reinstall by pin: a pinned install of a missing package is a change, then ok.
  const [pinned, pinnedAgain] = await twice(lab, [{ name: 'pin', apt: { name: [`hello=${candidate}`] } }]);
  assert.equal(pinned.on('pin', H).status, 'changed');
  assert.equal(await installed('hello'), candidate);
  assert.equal(pinnedAgain.on('pin', H).status, 'ok');
});

test('apt: cache_valid_time updates an old cache once; the second run leaves it alone', async () => {
  await onHost(lab, H, 'rm -f /var/lib/apt/periodic/update-success-stamp; touch -d "-3 hours" /var/lib/apt/lists');
  const task = [{ name: 'cache', apt: { update_cache: true, cache_valid_time: 3600 } }];
  const first = await play(lab, task);
  assert.equal(first.on('cache', H).status, 'changed');
  assert.equal(first.on('cache', H).data['cache_updated'], true);
  const stamp = await onHost(lab, H, 'stat -c %Y /var/lib/apt/periodic/update-success-stamp');
  assert.ok(Math.abs(Number(stamp) - Number(await onHost(lab, H, 'date +%s'))) < 60, 'the update was recorded now');
  const second = await play(lab, task);
  assert.equal(second.on('cache', H).status, 'ok');
  assert.equal(second.on('cache', H).data['cache_updated'], false);
  assert.equal(await onHost(lab, H, 'stat -c %Y /var/lib/apt/periodic/update-success-stamp'), stamp, 'the second run updated the cache again');
});

test('apt: an unknown package is named in the error; hostile names arrive as data', async () => {
  const unknown = (await play(lab, [{ name: 'u', apt: { name: ['hello', 'rp-no-such-package'] } }])).on('u', H);
  assert.equal(unknown.status, 'failed');
  assert.match(unknown.msg, /unknown package \(no installation candidate\): rp-no-such-package$/m);
  for (const name of ['x; touch /tmp/rp-pwned-a', '$(touch /tmp/rp-pwned-b)', "it's `touch /tmp/rp-pwned-c`", 'a\ntouch /tmp/rp-pwned-d']) {
    const r = (await play(lab, [{ name: 'h', apt: { name: [name] } }])).on('h', H);
    assert.equal(r.status, 'failed', name);
    assert.ok(r.msg.includes(name), `the error names ${JSON.stringify(name)}: ${r.msg}`);
  }
  assert.equal((await lab.exec(H, 'ls /tmp/rp-pwned* 2>/dev/null')).stdout, '', 'a package name ran as shell');
});

test('apt: waits while another process holds the dpkg lock, says so, then succeeds', async () => {
  assert.ok(await installed('hello'), 'the first apt test left hello installed');
  // apt's locks are fcntl locks (flock(1) would not block apt): hold one the way dpkg does, for 5 s.
  await onHost(lab, H, `setsid python3 -c "import fcntl,time; f=open('/var/lib/dpkg/lock-frontend','w'); fcntl.lockf(f, fcntl.LOCK_EX); time.sleep(5)" >/dev/null 2>&1 </dev/null & sleep 0.5`);
  const started = Date.now();
  const out = await play(lab, [{ name: 'locked', apt: { name: 'hello', state: 'absent', purge: true } }]);
  const r = out.on('locked', H);
  assert.equal(r.status, 'changed', r.msg);
  assert.ok(Date.now() - started > 3000, 'it did not wait for the lock');
  assert.match(r.warnings.join('\n'), /waited \d+ s for the dpkg\/apt lock \(.*held by process \d+ \(python3\)\)/);
  assert.ok(out.events.some((e) => e.type === 'host:log' && /lock-frontend.*waiting \(up to 120 s\)/.test(e.message)), 'no progress message while waiting');
  assert.match(out.human, /\[WARNING\]: waited \d+ s for the dpkg\/apt lock/);
  assert.equal(await installed('hello'), undefined);
});

const sleeper = (extra: Record<string, unknown>): object[] => [
  { name: 'dir', file: { path: '/usr/local/lib/systemd/system', state: 'directory' } },
  { name: 'unit', copy: { dest: UNIT, content: '[Unit]\nDescription=rp sleeper\n[Service]\nExecStart=/bin/sleep infinity\n[Install]\nWantedBy=multi-user.target\n' } },
  { name: 'svc', systemd: { name: 'rp-sleeper', daemon_reload: true, ...extra } },
];
const unitState = async (): Promise<string> => (await lab.exec(H, 'systemctl is-active rp-sleeper; systemctl is-enabled rp-sleeper')).stdout.trim().split('\n').join(' ');

test('systemd/service: a new unit is loaded, started and enabled once; stop, restart, mask; check and diff', async () => {
  const up = sleeper({ state: 'started', enabled: true });
  const checked = await play(lab, up, { check: true });
  assert.equal(checked.run.exitCode, 0, checked.human);
  assert.equal(checked.on('svc', H).status, 'changed', checked.human);
  assert.equal((await lab.exec(H, `test -e ${UNIT}`)).code, 1, '--check wrote the unit');

  const [first, second] = await twice(lab, up);
  assert.equal(first.on('svc', H).status, 'changed', first.human);
  assert.equal(await unitState(), 'active enabled');
  assert.equal(second.on('unit', H).status, 'ok');
  assert.equal(second.on('svc', H).status, 'ok');

  const stop = [{ name: 'stop', service: { name: 'rp-sleeper', state: 'stopped' } }];
  const stopCheck = await play(lab, stop, { check: true, diff: true });
  assert.equal(stopCheck.on('stop', H).status, 'changed');
  assert.deepEqual(stopCheck.on('stop', H).diffs.map((d) => [d.before, d.after]), [['active\n', 'inactive\n']]);
  assert.equal(await unitState(), 'active enabled', '--check stopped the service');
  const [stopped, stoppedAgain] = await twice(lab, stop);
  assert.equal(stopped.on('stop', H).status, 'changed');
  assert.equal(await unitState(), 'inactive enabled');
  assert.equal(stoppedAgain.on('stop', H).status, 'ok');

  await onHost(lab, H, 'systemctl start rp-sleeper');
  const pidBefore = await onHost(lab, H, 'systemctl show -p MainPID --value rp-sleeper');
  const restarted = await play(lab, [{ name: 'restart', systemd: { name: 'rp-sleeper', state: 'restarted' } }]);
  assert.equal(restarted.on('restart', H).status, 'changed');
  assert.notEqual(await onHost(lab, H, 'systemctl show -p MainPID --value rp-sleeper'), pidBefore, 'restarted did not restart');

  const mask = [{ name: 'mask', systemd: { name: 'rp-sleeper', state: 'stopped', masked: true } }];
  const [masked, maskedAgain] = await twice(lab, mask);
  assert.equal(masked.on('mask', H).status, 'changed', masked.on('mask', H).msg);
  assert.match(await unitState(), /^inactive masked/);
  assert.equal(maskedAgain.on('mask', H).status, 'ok');
  const unmask = (await play(lab, [{ name: 'unmask', systemd: { name: 'rp-sleeper', masked: false, enabled: false } }])).on('unmask', H);
  assert.equal(unmask.status, 'changed');
  assert.equal(await unitState(), 'inactive disabled');
});

test('systemd: a start that fails shows the journal; an unknown or hostile name fails as data', async () => {
  const failing = await play(lab, [
    { name: 'unit', copy: { dest: FAILING_UNIT, content: "[Service]\nType=oneshot\nExecStart=/bin/sh -c 'echo rp-boom-marker >&2; exit 3'\n" } },
    { name: 'start', systemd: { name: 'rp-failing', state: 'started', daemon_reload: true } },
  ]);
  const r = failing.on('start', H);
  assert.equal(r.status, 'failed');
  assert.match(r.msg, /^start rp-failing failed \(exit code 1\)/);
  assert.match(r.msg, /last log lines \(journalctl -u rp-failing\):[\s\S]*rp-boom-marker/);

  const missing = (await play(lab, [{ name: 'm', service: { name: 'rp-no-such-unit', state: 'started' } }])).on('m', H);
  assert.equal(missing.status, 'failed');
  assert.match(missing.msg, /service rp-no-such-unit not found on redismaster \(no such systemd unit\)/);
  const hostile = 'rp; touch /tmp/rp-pwned-svc $(touch /tmp/rp-pwned-svc2)';
  const h = (await play(lab, [{ name: 'h', service: { name: hostile, state: 'started' } }])).on('h', H);
  assert.equal(h.status, 'failed');
  assert.ok(h.msg.includes(hostile), h.msg);
  assert.equal((await lab.exec(H, 'ls /tmp/rp-pwned* 2>/dev/null')).stdout, '', 'a unit name ran as shell');
});

test('sysctl: the read-only /proc/sys of a container fails clearly, ignore_unwritable warns and writes the file', async () => {
  const file = '/etc/sysctl.d/90-rp-test.conf';
  const key = 'net.core.somaxconn';
  const now = (await onHost(lab, H, `cat /proc/sys/net/core/somaxconn`)).trim();
  const want = String(Number(now) + 17);
  const writable = (await lab.exec(H, 'test -w /proc/sys/net/core/somaxconn')).code === 0;
  const task = (extra: Record<string, unknown> = {}): object[] => [{ name: 's', sysctl: { name: key, value: want, sysctl_file: file, ...extra } }];
  if (writable) {
    // Not the lab's containers today (nspawn mounts /proc/sys read-only), but a host that allows it must really change.
    const [first, second] = await twice(lab, task());
    assert.equal(first.on('s', H).status, 'changed');
    assert.equal((await onHost(lab, H, 'cat /proc/sys/net/core/somaxconn')).trim(), want);
    assert.equal(second.on('s', H).status, 'ok');
    await onHost(lab, H, `sysctl -w ${key}=${now}`);
    return;
  }
  const refused = (await play(lab, task())).on('s', H);
  assert.equal(refused.status, 'failed');
  assert.equal(refused.msg, `/proc/sys is read-only on this host (a container?): cannot set ${key} in the running kernel; set ignore_unwritable: true to only edit ${file}`);
  assert.equal((await lab.exec(H, `test -e ${file}`)).code, 1, 'a refused task wrote the file');

  const checked = await play(lab, task({ ignore_unwritable: true }), { check: true, diff: true });
  assert.equal(checked.on('s', H).status, 'changed');
  assert.deepEqual(checked.on('s', H).diffs.map((d) => [d.path, d.before, d.after]), [[file, '', `${key}=${want}\n`]]);
  assert.equal((await lab.exec(H, `test -e ${file}`)).code, 1, '--check wrote the file');

  const [first, second] = await twice(lab, task({ ignore_unwritable: true }));
  assert.equal(first.on('s', H).status, 'changed');
  assert.match(first.on('s', H).warnings.join('\n'), /\/proc\/sys is read-only on this host/);
  assert.equal(await onHost(lab, H, `cat ${file}`), `${key}=${want}\n`);
  assert.equal((await onHost(lab, H, 'cat /proc/sys/net/core/somaxconn')).trim(), now);
  assert.equal(second.on('s', H).status, 'ok', 'the file is right: nothing to do, not even a warning-change');

  const absent = await play(lab, [{ name: 's', sysctl: { name: key, state: 'absent', sysctl_file: file } }]);
  assert.equal(absent.on('s', H).status, 'changed');
  assert.equal(await onHost(lab, H, `cat ${file}`), '');
  const unknown = (await play(lab, [{ name: 's', sysctl: { name: 'net.rp.nope', value: 1, sysctl_file: file } }])).on('s', H);
  assert.equal(unknown.status, 'failed');
  assert.match(unknown.msg, /has no setting net\.rp\.nope \(\/proc\/sys\/net\/rp\/nope does not exist\)/);
});

test('user/group: a system user with its group, shell and home; idempotent; diff; removal', async () => {
  const tasks = [
    { name: 'group', group: { name: 'rp-svc', system: true } },
    { name: 'user', user: { name: 'rp-svc', system: true, group: 'rp-svc', shell: '/usr/sbin/nologin', home: '/var/lib/rp-svc', create_home: true, comment: "rp's service; $(touch /tmp/rp-pwned-u)" } },
  ];
  const checked = await play(lab, tasks, { check: true });
  assert.equal(checked.run.exitCode, 0, checked.human);
  assert.deepEqual(checked.statuses('user'), { [H]: 'changed' });
  assert.equal((await lab.exec(H, 'getent passwd rp-svc')).code, 2, '--check created the user');

  const [first, second] = await twice(lab, tasks);
  assert.deepEqual([first.on('group', H).status, first.on('user', H).status], ['changed', 'changed']);
  const [, , uid, gid, gecos, home, shell] = (await onHost(lab, H, 'getent passwd rp-svc')).trim().split(':');
  assert.ok(Number(uid) < 1000, `a system uid, got ${uid}`);
  assert.equal((await onHost(lab, H, 'getent group rp-svc')).split(':')[2], gid);
  assert.deepEqual([gecos, home, shell], ["rp's service; $(touch /tmp/rp-pwned-u)", '/var/lib/rp-svc', '/usr/sbin/nologin']);
  assert.equal((await onHost(lab, H, 'stat -c %U /var/lib/rp-svc')).trim(), 'rp-svc');
  assert.deepEqual([second.on('group', H).status, second.on('user', H).status], ['ok', 'ok']);
  assert.equal((await lab.exec(H, 'ls /tmp/rp-pwned* 2>/dev/null')).stdout, '', 'the comment ran as shell');

  const shellChange = await play(lab, [{ name: 'user', user: { name: 'rp-svc', shell: '/bin/bash' } }], { diff: true });
  assert.deepEqual(shellChange.on('user', H).diffs.map((d) => [d.before, d.after]), [['shell: /usr/sbin/nologin\n', 'shell: /bin/bash\n']]);
  assert.equal((await onHost(lab, H, 'getent passwd rp-svc')).trim().split(':')[6], '/bin/bash');

  // useradd accepts this odd name: it must arrive as exactly these characters, and leave as them.
  const odd = "rp';touch${IFS}/tmp/rp-pwned-n;'";
  const made = (await play(lab, [{ name: 'odd', user: { name: odd, create_home: false } }])).on('odd', H);
  assert.equal(made.status, 'changed', made.msg);
  assert.ok((await onHost(lab, H, 'getent passwd')).split('\n').some((l) => l.startsWith(`${odd}:`)), 'the odd user exists by its exact name');
  assert.equal((await play(lab, [{ name: 'odd', user: { name: odd, state: 'absent' } }])).on('odd', H).status, 'changed');
  assert.ok(!(await onHost(lab, H, 'getent passwd')).split('\n').some((l) => l.startsWith(`${odd}:`)), 'the odd user was removed');
  assert.equal((await lab.exec(H, 'ls /tmp/rp-pwned* 2>/dev/null')).stdout, '', 'a user name ran as shell');

  const gone = [
    { name: 'user', user: { name: 'rp-svc', state: 'absent', remove: true } },
    { name: 'group', group: { name: 'rp-svc', state: 'absent' } },
  ];
  const [removed, removedAgain] = await twice(lab, gone);
  // userdel removes the user's own group with it (USERGROUPS_ENAB), so the group task finds nothing left to do.
  assert.deepEqual([removed.on('user', H).status, removed.on('group', H).status], ['changed', 'ok']);
  assert.equal((await lab.exec(H, 'getent passwd rp-svc; getent group rp-svc; test -e /var/lib/rp-svc')).stdout, '');
  assert.deepEqual([removedAgain.on('user', H).status, removedAgain.on('group', H).status], ['ok', 'ok']);
});
