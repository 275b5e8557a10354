/**
 * replace and authorized_key against a real lab host: --check plans without touching it, the first run changes it
 * (verified from outside: content, modes, owners), --diff shows before/after, the second run changes nothing, and
 * a missing file / unknown user fail with Ansible's messages.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { useLab, type LabHandle } from './harness.js';
import { changedTasks, existsOnHost, fileBytes, modeOwner, runModules, writeProject } from './moduleRun.js';

let lab: LabHandle;
const H = 'redisslave2';
const D = '/srv/rp-mf-textkeys';
const U = 'rpkeys';
const CONF = 'bind 127.0.0.1\nport 6379\n# begin\nsave 900 1\nsave 300 10\n# end\nsave 60 10000\n';
const K1 = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIRpKeyOne one@laptop';
const K2 = 'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABRpKeyTwo two@ci';
const OLD = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIRpKeyOld old@gone';
let project = '';

const PLAYBOOK = `
- hosts: all
  gather_facts: false
  tasks:
    - name: replace bind
      replace: { path: ${D}/redis.conf, regexp: '^bind (?P<addr>\\S+)$', replace: 'bind 0.0.0.0 # was \\g<addr>' }
    - name: replace in section
      replace: { dest: ${D}/redis.conf, regexp: '^save (\\d+)', replace: '# save \\1', after: '# begin', before: '# end', mode: '0640' }
    - name: keys
      authorized_key: { user: ${U}, key: "${K1}\\n${K2}", key_options: 'from="10.0.0.0/8",no-pty' }
    - name: old key gone
      ansible.posix.authorized_key: { user: ${U}, key: "${OLD}", state: absent }
`;

before(async () => {
  lab = await useLab({ hosts: 3 });
  const r = await lab.exec(H, `userdel -r ${U} >/dev/null 2>&1; rm -rf ${D}; useradd -m -s /bin/sh ${U} && mkdir -p ${D} && printf '%s' '${CONF}' > ${D}/redis.conf && install -d -m 0755 -o ${U} /home/${U}/.ssh && printf '%s\\n' '${OLD}' > /home/${U}/.ssh/authorized_keys`);
  assert.equal(r.code, 0, r.stderr);
  project = writeProject({});
});

after(async () => {
  await lab.exec(H, `userdel -r ${U} >/dev/null 2>&1; rm -rf ${D}`);
});

test('--check plans every change and touches nothing', async () => {
  const run = await runModules(lab, { playbook: PLAYBOOK, dir: project, limit: H, check: true });
  assert.equal(run.result.exitCode, 0, JSON.stringify(run.host(H)));
  assert.deepEqual(changedTasks(run, H), ['replace bind', 'replace in section', 'keys', 'old key gone']);
  assert.equal((await fileBytes(lab, H, `${D}/redis.conf`)).toString(), CONF);
  assert.equal((await fileBytes(lab, H, `/home/${U}/.ssh/authorized_keys`)).toString(), `${OLD}\n`);
  assert.equal(await modeOwner(lab, H, `/home/${U}/.ssh`), `755 ${U} root`);
});

test('first run changes the host with diffs, second run changes nothing', async () => {
  const first = await runModules(lab, { playbook: PLAYBOOK, dir: project, limit: H, diff: true });
  assert.equal(first.result.exitCode, 0, JSON.stringify(first.host(H)));
  assert.deepEqual(changedTasks(first, H), ['replace bind', 'replace in section', 'keys', 'old key gone']);
  assert.equal(first.task(H, 'replace bind').result.msg, '1 replacements made');
  assert.equal(first.task(H, 'replace in section').result.msg, '2 replacements made and ownership, perms or SE linux context changed');
  assert.equal((await fileBytes(lab, H, `${D}/redis.conf`)).toString(),
    'bind 0.0.0.0 # was 127.0.0.1\nport 6379\n# begin\n# save 900 1\n# save 300 10\n# end\nsave 60 10000\n');
  assert.equal(await modeOwner(lab, H, `${D}/redis.conf`), '640 root root');
  assert.deepEqual(first.task(H, 'replace bind').diffs[0], { path: `${D}/redis.conf`, before: CONF, after: CONF.replace('bind 127.0.0.1', 'bind 0.0.0.0 # was 127.0.0.1') });

  const opts = 'from="10.0.0.0/8",no-pty';
  assert.equal((await fileBytes(lab, H, `/home/${U}/.ssh/authorized_keys`)).toString(), `${opts} ${K1}\n${opts} ${K2}\n`);
  assert.equal(await modeOwner(lab, H, `/home/${U}/.ssh`), `700 ${U} ${U}`);
  assert.equal(await modeOwner(lab, H, `/home/${U}/.ssh/authorized_keys`), `600 ${U} ${U}`);
  assert.deepEqual(first.task(H, 'keys').diffs[0], { path: `/home/${U}/.ssh/authorized_keys`, before: `${OLD}\n`, after: `${OLD}\n${opts} ${K1}\n${opts} ${K2}\n` });
  assert.equal(first.task(H, 'keys').result.keyfile, `/home/${U}/.ssh/authorized_keys`);

  const second = await runModules(lab, { playbook: PLAYBOOK, dir: project, limit: H, diff: true });
  assert.equal(second.result.exitCode, 0);
  assert.deepEqual(changedTasks(second, H), []);
});

test('a missing file and an unknown user fail with Ansible\'s messages; the user\'s folder is made when missing', async () => {
  await lab.exec(H, `rm -rf /home/${U}/.ssh`);
  const pb = `
- hosts: all
  gather_facts: false
  tasks:
    - name: fresh dir
      authorized_key: { user: ${U}, key: "${K1}" }
    - name: missing file
      replace: { path: ${D}/nope.conf, regexp: x }
      ignore_errors: true
    - name: unknown user
      authorized_key: { user: rp-no-such-user, key: "${K1}" }
`;
  const run = await runModules(lab, { playbook: pb, limit: H });
  assert.equal(run.result.exitCode, 2);
  assert.equal(run.task(H, 'fresh dir').status, 'changed');
  assert.equal(await modeOwner(lab, H, `/home/${U}/.ssh`), `700 ${U} ${U}`);
  assert.equal(await modeOwner(lab, H, `/home/${U}/.ssh/authorized_keys`), `600 ${U} ${U}`);
  assert.match(run.task(H, 'missing file').msg, new RegExp(`Path ${D}/nope.conf does not exist !`));
  assert.match(run.task(H, 'unknown user').msg, /Failed to lookup user rp-no-such-user/);
  assert.equal(await existsOnHost(lab, H, `${D}/nope.conf`), false);
});
