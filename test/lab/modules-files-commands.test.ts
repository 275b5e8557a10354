/**
 * The command-like and transfer modules against real lab hosts: command, shell, get_url (on the host with and
 * without checksum, and via the controller, from the lab's own file server), unarchive (controller tarball and
 * remote_src), make (plain shell recipes) and wait_for. First run changes, second run changes nothing, --check on a
 * fresh host changes nothing, --diff shows the change; failures carry the remote stderr; become as the sudo user.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { chmodSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { useLab, type LabHandle } from './harness.js';
import { changedTasks, existsOnHost, fileBytes, modeOwner, onHost, runModules, writeProject } from './moduleRun.js';

let lab: LabHandle;
const H = 'redisslave1';
const FRESH = 'redisslave2';
const D = '/srv/rp-mf-cmd';
let sha256 = '';
let project = '';

before(async () => {
  lab = await useLab({ hosts: 3 });
  for (const h of [H, FRESH]) await lab.exec(h, `rm -rf ${D} /root/rp-mf-become*`);
  // the expected checksum comes from the bytes the lab's file server really serves
  const res = await fetch(lab.redisUrl);
  assert.ok(res.ok, `the lab file server answers ${lab.redisUrl}`);
  sha256 = createHash('sha256').update(Buffer.from(await res.arrayBuffer())).digest('hex');
  project = writeProject({ 'files/src/bundle/readme.txt': 'unpacked\n', 'files/src/bundle/bin/tool.sh': '#!/bin/sh\necho tool\n' });
  chmodSync(join(project, 'files/src/bundle/bin/tool.sh'), 0o755);
  execFileSync('tar', ['-czf', join(project, 'files/bundle.tar.gz'), '-C', join(project, 'files/src'), 'bundle']);
});

after(async () => {
  for (const h of [H, FRESH]) await lab.exec(h, `rm -rf ${D} /root/rp-mf-become*`);
  rmSync(project, { recursive: true, force: true });
});

const MAKEFILE = 'out.txt: in.txt\n\tcp in.txt out.txt\n\tprintf \'%s\\n\' "$$GREETING" >> out.txt\n\nin.txt:\n\techo source > in.txt\n\nfail:\n\techo make-broke >&2; exit 4\n';

const PLAYBOOK = `
- hosts: all
  gather_facts: false
  vars:
    d: ${D}
    url: "{{ redis_download_url }}"
  tasks:
    - name: tools
      apt: { name: [make, wget], state: present, cache_valid_time: 86400 }
    - name: dirs
      file: { path: "{{ d }}/{{ item }}", state: directory }
      loop: [unpacked, remote, build]
    - name: command
      command: touch cmd-ran
      args: { chdir: "{{ d }}", creates: cmd-ran }
    - name: command output
      command: { argv: [echo, one, "two  three"] }
      changed_when: false
    - name: shell
      shell: { cmd: "echo built > shell-out; echo to-stderr >&2", chdir: "{{ d }}", creates: shell-out }
    - name: get_url checksum
      get_url: { url: "{{ url }}", dest: "{{ d }}/redis.tar.gz", checksum: "sha256:{{ sum }}", mode: "0640" }
    - name: get_url plain
      get_url: { url: "{{ url }}", dest: "{{ d }}/plain.tar.gz" }
    - name: get_url controller
      get_url: { url: "{{ url }}", dest: "{{ d }}/ctl.tar.gz", checksum: "sha256:{{ sum }}", via: controller }
    - name: unarchive
      unarchive: { src: bundle.tar.gz, dest: "{{ d }}/unpacked" }
    - name: copy bundle
      copy: { src: bundle.tar.gz, dest: "{{ d }}/bundle.tar.gz" }
    - name: unarchive remote
      unarchive: { src: "{{ d }}/bundle.tar.gz", dest: "{{ d }}/remote", remote_src: true }
    - name: makefile
      copy: { dest: "{{ d }}/build/Makefile", content: ${JSON.stringify(MAKEFILE)} }
    - name: make
      make: { chdir: "{{ d }}/build", target: out.txt, params: { GREETING: "hi there" } }
    - name: wait port
      wait_for: { port: 22, timeout: 5 }
    - name: wait path
      wait_for: { path: "{{ d }}/cmd-ran", timeout: 5 }
`;

const CHANGERS = ['dirs', 'command', 'shell', 'get_url checksum', 'get_url plain', 'get_url controller', 'unarchive', 'copy bundle', 'unarchive remote', 'makefile', 'make'];
const run = (opts: { limit: string; check?: boolean; diff?: boolean }) => runModules(lab, { playbook: PLAYBOOK, dir: project, extraVars: { sum: sha256 }, ...opts });
const installed = async (host: string): Promise<boolean> => (await lab.exec(host, "dpkg-query -W -f '${Status}\\n' make wget 2>/dev/null | grep -c 'install ok installed' | grep -qx 2")).code === 0;

test('first run runs, downloads, unpacks and builds; the second run changes nothing', async () => {
  const hadTools = await installed(H);
  const first = await run({ limit: H });
  assert.equal(first.result.exitCode, 0, JSON.stringify(first.host(H).filter((o) => o.status === 'failed')));
  assert.deepEqual(changedTasks(first, H), [...(hadTools ? [] : ['tools']), ...CHANGERS]);
  assert.ok(await installed(H), 'make and wget are installed');

  const out = first.task(H, 'command output').result;
  assert.deepEqual({ rc: out.rc, stdout: out.stdout, stdout_lines: out.stdout_lines }, { rc: 0, stdout: 'one two  three', stdout_lines: ['one two  three'] });
  assert.equal(first.task(H, 'shell').result.stderr, 'to-stderr');
  assert.equal((await fileBytes(lab, H, `${D}/shell-out`)).toString(), 'built\n');
  assert.ok(await existsOnHost(lab, H, `${D}/cmd-ran`));
  for (const f of ['redis.tar.gz', 'plain.tar.gz', 'ctl.tar.gz']) {
    assert.equal((await onHost(lab, H, `sha256sum ${D}/${f}`)).split(' ')[0], sha256, f);
  }
  assert.equal(await modeOwner(lab, H, `${D}/redis.tar.gz`), '640 root root');
  assert.equal(first.task(H, 'get_url checksum').result.checksum_dest, sha256);
  for (const dir of ['unpacked', 'remote']) {
    assert.equal((await fileBytes(lab, H, `${D}/${dir}/bundle/readme.txt`)).toString(), 'unpacked\n');
    assert.equal((await onHost(lab, H, `${D}/${dir}/bundle/bin/tool.sh`)).trim(), 'tool', 'the archive keeps the executable bit');
  }
  assert.equal((await fileBytes(lab, H, `${D}/build/out.txt`)).toString(), 'source\nhi there\n');
  assert.ok(Number(first.task(H, 'wait port').result.elapsed) >= 0);

  const second = await run({ limit: H });
  assert.equal(second.result.exitCode, 0);
  assert.deepEqual(changedTasks(second, H), []);
  assert.match(String(second.task(H, 'command').result.msg), /skipped, since .*cmd-ran exists/);
  assert.equal(second.task(H, 'make').result.msg, 'target is up to date');
});

test('--check on a fresh host plans every change, exits 0 and touches nothing', async () => {
  const hadTools = await installed(FRESH);
  const check = await run({ limit: FRESH, check: true });
  assert.equal(check.result.exitCode, 0, JSON.stringify(check.host(FRESH).filter((o) => o.status === 'failed')));
  // command without creates cannot predict its effect: skipped under --check, as in Ansible
  assert.equal(check.task(FRESH, 'command output').status, 'skipped');
  assert.deepEqual(changedTasks(check, FRESH), [...(hadTools ? [] : ['tools']), ...CHANGERS]);
  assert.match(check.task(FRESH, 'wait path').warnings.join('\n'), /would wait for/);
  assert.equal(await existsOnHost(lab, FRESH, D), false, 'check mode created files');
  assert.equal(await installed(FRESH), hadTools, 'check mode installed packages');
});

test('--diff shows what a download and an unpack would change; a real run then repairs it', async () => {
  await onHost(lab, H, `echo corrupted > ${D}/redis.tar.gz && rm -f ${D}/unpacked/bundle/readme.txt`);
  const planned = await run({ limit: H, check: true, diff: true });
  assert.deepEqual(changedTasks(planned, H), ['get_url checksum', 'unarchive']);
  const dl = planned.task(H, 'get_url checksum').diffs[0]!;
  assert.equal(dl.path, `${D}/redis.tar.gz`);
  assert.match(dl.before, new RegExp(createHash('sha256').update('corrupted\n').digest('hex')));
  assert.match(dl.after, new RegExp(sha256));
  const un = planned.task(H, 'unarchive').diffs[0]!;
  assert.match(un.before, /^- bundle\/readme\.txt$/m);
  assert.equal((await fileBytes(lab, H, `${D}/redis.tar.gz`)).toString(), 'corrupted\n', 'check mode downloaded');

  const repaired = await run({ limit: H, diff: true });
  assert.deepEqual(changedTasks(repaired, H), ['get_url checksum', 'unarchive']);
  assert.equal((await onHost(lab, H, `sha256sum ${D}/redis.tar.gz`)).split(' ')[0], sha256);
  assert.equal(await modeOwner(lab, H, `${D}/redis.tar.gz`), '640 root root', 'the replaced file keeps the asked mode');
  assert.equal((await fileBytes(lab, H, `${D}/unpacked/bundle/readme.txt`)).toString(), 'unpacked\n');
});

test('failures name what failed, with the remote stderr', async () => {
  const pb = `
- hosts: all
  gather_facts: false
  vars: { d: ${D}, url: "{{ redis_download_url }}" }
  tasks:
    - { name: command rc, command: ls /nonexistent-rp, ignore_errors: true }
    - { name: command missing, command: no-such-program-rp, ignore_errors: true }
    - { name: shell rc, shell: "echo boom >&2; exit 3", ignore_errors: true }
    - name: bad checksum
      get_url: { url: "{{ url }}", dest: "{{ d }}/bad.tar.gz", checksum: "sha256:${'0'.repeat(64)}" }
      ignore_errors: true
    - { name: not found, get_url: { url: "{{ url }}.missing", dest: "{{ d }}/missing.tar.gz" }, ignore_errors: true }
    - { name: not found controller, get_url: { url: "{{ url }}.missing", dest: "{{ d }}/missing.tar.gz", via: controller }, ignore_errors: true }
    - { name: archive missing, unarchive: { src: nope.tar.gz, dest: "{{ d }}" }, ignore_errors: true }
    - { name: dest missing, unarchive: { src: bundle.tar.gz, dest: "{{ d }}/no-such-dir" }, ignore_errors: true }
    - { name: make fails, make: { chdir: "{{ d }}/build", target: fail }, ignore_errors: true }
    - { name: wait timeout, wait_for: { port: 1, timeout: 1 }, ignore_errors: true }
    - { name: wait msg, wait_for: { path: "{{ d }}/never", timeout: 0, msg: "the flag file never came" }, ignore_errors: true }
`;
  const r = await runModules(lab, { playbook: pb, dir: project, limit: H });
  assert.ok(r.host(H).every((o) => o.status === 'failed'), JSON.stringify(r.statuses(H)));
  const msg = (name: string): string => r.task(H, name).msg;
  assert.equal(msg('command rc'), "command failed (rc 2): ls: cannot access '/nonexistent-rp': No such file or directory");
  assert.equal(r.task(H, 'command rc').result.rc, 2);
  assert.match(msg('command missing'), /^command failed \(rc 127\): .*no-such-program-rp.*not found/);
  assert.equal(msg('shell rc'), 'shell failed (rc 3): boom');
  assert.equal(msg('bad checksum'), `The checksum for ${lab.redisUrl} did not match ${'0'.repeat(64)}; it was ${sha256}`);
  assert.match(msg('not found'), new RegExp(`^download of ${lab.redisUrl.replace(/\./g, '\\.')}\\.missing failed \\(wget rc 8\\): [^]*ERROR 404: Not Found`));
  assert.match(msg('not found controller'), /on the controller failed: HTTP 404/);
  assert.match(msg('archive missing'), /^file nope\.tar\.gz not found; looked in: /);
  assert.equal(msg('dest missing'), `dest ${D}/no-such-dir must be an existing directory`);
  assert.match(msg('make fails'), /^make failed \(rc 2\): make-broke\n.*Error 4/);
  assert.equal(msg('wait timeout'), 'Timeout when waiting for 127.0.0.1:1 to be started (after 1s)');
  assert.equal(msg('wait msg'), 'the flag file never came');
  assert.equal(await onHost(lab, H, `ls -a ${D} | grep -c -e bad.tar -e missing.tar -e rp-tmp || true`), '0\n', 'failed downloads leave no file behind');
});

test('become: the sudo user with its password writes root-owned files', async () => {
  const pb = `
- hosts: all
  gather_facts: false
  vars: { ansible_become_password: "{{ lab_sudo_password }}" }
  tasks:
    - { name: who, command: id -un, changed_when: false }
    - name: root file
      copy: { dest: /root/rp-mf-become.txt, content: "only root\\n", mode: "0600" }
      become: true
    - name: root dir
      file: { path: /root/rp-mf-become.d, state: directory, mode: "0700" }
      become: true
    - name: without become
      copy: { dest: /root/rp-mf-become-denied.txt, content: "x" }
      ignore_errors: true
`;
  const first = await runModules(lab, { playbook: pb, limit: H, extraVars: { ansible_user: lab.sudoUser } });
  assert.equal(first.task(H, 'who').result.stdout, lab.sudoUser, `the play logs in as the sudo user: ${JSON.stringify(first.task(H, "who"))}`);
  assert.deepEqual(first.statuses(H), [['who', 'ok'], ['root file', 'changed'], ['root dir', 'changed'], ['without become', 'failed']]);
  assert.match(first.task(H, 'without become').msg, /Permission denied|permission denied/);
  assert.equal(await modeOwner(lab, H, '/root/rp-mf-become.txt'), '600 root root');
  assert.equal((await fileBytes(lab, H, '/root/rp-mf-become.txt')).toString(), 'only root\n');
  assert.equal(await modeOwner(lab, H, '/root/rp-mf-become.d'), '700 root root');
  assert.equal(await existsOnHost(lab, H, '/root/rp-mf-become-denied.txt'), false);
  const second = await runModules(lab, { playbook: pb, limit: H, extraVars: { ansible_user: lab.sudoUser } });
  assert.deepEqual(changedTasks(second, H), []);
});

