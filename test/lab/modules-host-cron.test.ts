/**
 * hostname, cron and package on a real host: first run changed (checked from outside), second ok, --check changes
 * nothing, --diff shows before/after, errors say what is wrong, hostile values arrive as data.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { useLab, type LabHandle } from './harness.js';
import { onHost, play, twice } from './modules-run.js';

let lab: LabHandle;
const H = 'redisslave2';
const CRON_D = '/etc/cron.d/rp-test';

before(async () => {
  lab = await useLab({ hosts: 3 });
});

after(async () => {
  // The lab is shared with other test files: leave the host as we found it.
  await lab.exec(H, `hostnamectl set-hostname ${H} 2>/dev/null || { hostname ${H}; echo ${H} > /etc/hostname; }; crontab -r 2>/dev/null; rm -f ${CRON_D} /tmp/rp-pwned; apt-get purge -y -qq cron cron-daemon-common >/dev/null 2>&1; true`);
});

test('hostname: set, idempotent, --check, diff; an invalid name fails before touching the host', async () => {
  const task = [{ name: 'h', hostname: { name: 'rp-renamed' } }];
  const checked = await play(lab, task, { hosts: H, check: true, diff: true });
  assert.equal(checked.on('h', H).status, 'changed');
  assert.deepEqual(checked.on('h', H).diffs.map((d) => [d.before, d.after]), [[`hostname = ${H}\n`, 'hostname = rp-renamed\n']]);
  assert.equal((await onHost(lab, H, 'hostname; cat /etc/hostname')).trim(), `${H}\n${H}`, '--check renamed the host');

  const [first, second] = await twice(lab, task, { hosts: H });
  assert.equal(first.on('h', H).status, 'changed');
  assert.equal((await onHost(lab, H, 'hostname; cat /etc/hostname')).trim(), 'rp-renamed\nrp-renamed');
  assert.equal(second.on('h', H).status, 'ok');

  const bad = (await play(lab, [{ name: 'h', hostname: { name: '{{ n }}' } }], { hosts: H, vars: { n: 'x$(touch /tmp/rp-pwned)' } })).on('h', H);
  assert.equal(bad.status, 'failed');
  // A templated value is checked against the schema once rendered: the task's file:line:col, the host untouched.
  assert.match(bad.msg, /play-\d+\.yml:\d+:\d+: name must match pattern/);
  assert.equal((await onHost(lab, H, 'hostname; ls /tmp/rp-pwned 2>&1 || true')).split('\n')[0], 'rp-renamed');
  await onHost(lab, H, `hostnamectl set-hostname ${H}`);
});

test('package: installs cron through apt; apt-specific arguments are refused', async () => {
  const refused = (await play(lab, [{ name: 'p', package: { name: 'cron', update_cache: true } }], { hosts: H })).on('p', H);
  assert.equal(refused.status, 'failed');
  assert.match(refused.msg, /update_cache is apt-specific; use the apt module/);
  await onHost(lab, H, 'apt-get purge -y -qq cron cron-daemon-common >/dev/null 2>&1; true');
  const task = [{ name: 'p', package: { name: 'cron', state: 'installed' } }];
  assert.equal((await play(lab, task, { hosts: H, check: true })).on('p', H).status, 'changed');
  assert.equal((await onHost(lab, H, 'command -v crontab || echo none')).trim(), 'none', '--check installed cron');
  const [first, second] = await twice(lab, task, { hosts: H });
  assert.equal(first.on('p', H).status, 'changed');
  assert.equal(second.on('p', H).status, 'ok');
  assert.equal((await onHost(lab, H, 'command -v crontab')).trim(), '/usr/bin/crontab');
});

test('cron: a job in root\'s crontab and in /etc/cron.d, Ansible\'s format, idempotent, check, diff, hostile job as data', async () => {
  await onHost(lab, H, `crontab -r 2>/dev/null; rm -f ${CRON_D}; true`);
  const job = `echo 'it''s' "$(touch /tmp/rp-pwned)" ; \`touch /tmp/rp-pwned\` > /dev/null`;
  const task = [{ name: 'c', cron: { name: 'rp job', minute: '30', hour: '2', job } }];
  const checked = await play(lab, task, { hosts: H, check: true, diff: true });
  assert.equal(checked.on('c', H).status, 'changed');
  assert.deepEqual(checked.on('c', H).diffs.map((d) => d.after), [`#Ansible: rp job\n30 2 * * * ${job}\n`]);
  assert.match(await onHost(lab, H, 'crontab -l 2>&1 || true'), /no crontab/, '--check wrote the crontab');

  const [first, second] = await twice(lab, task, { hosts: H });
  assert.equal(first.on('c', H).status, 'changed');
  assert.equal(await onHost(lab, H, 'crontab -l'), `#Ansible: rp job\n30 2 * * * ${job}\n`);
  assert.equal(second.on('c', H).status, 'ok');
  assert.equal((await onHost(lab, H, 'ls /tmp/rp-pwned 2>/dev/null || echo none')).trim(), 'none');

  const file = [{ name: 'f', cron: { name: 'rp file', special_time: 'daily', user: 'root', job: 'true', cron_file: 'rp-test' } }];
  const [f1, f2] = await twice(lab, file, { hosts: H });
  assert.equal(f1.on('f', H).status, 'changed');
  assert.equal(f2.on('f', H).status, 'ok');
  assert.equal(await onHost(lab, H, `cat ${CRON_D}; stat -c %a ${CRON_D}`), '#Ansible: rp file\n@daily root true\n644\n');
  const gone = await play(lab, [{ name: 'f', cron: { name: 'rp file', state: 'absent', cron_file: 'rp-test' } }], { hosts: H });
  assert.equal(gone.on('f', H).status, 'changed');
  assert.equal((await onHost(lab, H, `ls ${CRON_D} 2>/dev/null || echo gone`)).trim(), 'gone');

  const bad = (await play(lab, [{ name: 'b', cron: { name: 'x', job: 'true', cron_file: 'rp-test' } }], { hosts: H })).on('b', H);
  assert.equal(bad.status, 'failed');
  assert.match(bad.msg, /must specify user/);

  const [r1, r2] = await twice(lab, [{ name: 'c', cron: { name: 'rp job', state: 'absent' } }], { hosts: H });
  assert.equal(r1.on('c', H).status, 'changed');
  assert.equal(r2.on('c', H).status, 'ok');
});
