/**
 * The file-content modules against real lab hosts: file, copy (content, file, folder), template, lineinfile,
 * blockinfile, stat, slurp and fetch. One playbook covers them all, run as a user would run it: first run changes
 * the host (verified from outside), second run changes nothing, --check on a fresh host plans without touching it,
 * --diff shows each file's before/after. Errors, hostile names and become follow.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { unifiedDiff } from '../../src/modules/support/diff.js';
import { useLab, type LabHandle } from './harness.js';
import { changedTasks, existsOnHost, fileBytes, modeOwner, onHost, runModules, writeProject } from './moduleRun.js';

let lab: LabHandle;
const H = 'redismaster';
const FRESH = 'redisslave1';
const D = '/srv/rp-mf-content';

before(async () => {
  lab = await useLab({ hosts: 3 });
  for (const h of [H, FRESH]) await lab.exec(h, `rm -rf ${D}`);
});

after(async () => {
  for (const h of [H, FRESH]) await lab.exec(h, `rm -rf ${D}`);
});

const PLAYBOOK = `
- hosts: all
  gather_facts: false
  vars:
    d: ${D}
    msg: hello
    who: world
    port: 6379
    motd_mode: "0640"
    block: "10.0.0.11 sentinel-1\\n10.0.0.12 sentinel-2"
  tasks:
    - name: dir
      file: { path: "{{ d }}/conf", state: directory, mode: "0750", owner: nobody, group: daemon }
    - name: copy content
      copy: { dest: "{{ d }}/conf/motd.txt", content: "{{ msg }}\\n", mode: "{{ motd_mode }}", owner: nobody }
    - name: copy file
      copy: { src: app.conf, dest: "{{ d }}/conf/", mode: "0600" }
    - name: copy folder
      copy: { src: tree/, dest: "{{ d }}/tree" }
    - name: template
      template: { src: greeting.hbs, dest: "{{ d }}/conf/greeting.txt", mode: "0644" }
    - name: touch
      file: { path: "{{ d }}/stamp", state: touch, mode: "0600", access_time: preserve, modification_time: preserve }
    - name: link
      file: { path: "{{ d }}/motd-link", state: link, src: "{{ d }}/conf/motd.txt" }
    - name: lineinfile
      lineinfile: { path: "{{ d }}/redis.conf", create: true, regexp: "^port ", line: "port {{ port }}", mode: "0644" }
    - name: blockinfile
      blockinfile: { path: "{{ d }}/redis.conf", marker: "# {mark} sentinels", block: "{{ block }}" }
    - name: stat
      stat: { path: "{{ d }}/conf/motd.txt" }
    - name: slurp
      slurp: { src: "{{ d }}/conf/motd.txt" }
    - name: fetch
      fetch: { src: "{{ d }}/redis.conf", dest: fetched/ }
`;

const FILES = {
  'files/app.conf': 'maxclients 100\n',
  'files/tree/a.txt': 'a\n',
  'files/tree/sub/b.txt': 'b\n',
  'templates/greeting.hbs': '# managed\nhello {{ who }} from {{ inventory_hostname }}\nport {{ port }}\n',
};
const project = writeProject(FILES);
after(() => rmSync(project, { recursive: true, force: true }));

const CHANGERS = ['dir', 'copy content', 'copy file', 'copy folder', 'template', 'touch', 'link', 'lineinfile', 'blockinfile', 'fetch'];
const sha1 = (data: string | Buffer): string => createHash('sha1').update(data).digest('hex');

test('first run changes every file on the host as asked; the second run changes nothing', async () => {
  const first = await runModules(lab, { playbook: PLAYBOOK, dir: project, limit: H });
  assert.equal(first.result.exitCode, 0, JSON.stringify(first.host(H).filter((o) => o.status === 'failed')));
  assert.deepEqual(changedTasks(first, H), CHANGERS);

  assert.equal(await modeOwner(lab, H, `${D}/conf`), '750 nobody daemon');
  assert.equal((await fileBytes(lab, H, `${D}/conf/motd.txt`)).toString(), 'hello\n');
  assert.equal(await modeOwner(lab, H, `${D}/conf/motd.txt`), '640 nobody root');
  assert.equal((await fileBytes(lab, H, `${D}/conf/app.conf`)).toString(), 'maxclients 100\n');
  assert.equal(await modeOwner(lab, H, `${D}/conf/app.conf`), '600 root root');
  assert.equal((await fileBytes(lab, H, `${D}/tree/a.txt`)).toString(), 'a\n');
  assert.equal((await fileBytes(lab, H, `${D}/tree/sub/b.txt`)).toString(), 'b\n');
  assert.equal((await fileBytes(lab, H, `${D}/conf/greeting.txt`)).toString(), `# managed\nhello world from ${H}\nport 6379\n`);
  assert.equal(await modeOwner(lab, H, `${D}/stamp`), '600 root root');
  assert.equal((await onHost(lab, H, `readlink ${D}/motd-link`)).trim(), `${D}/conf/motd.txt`);
  const redisConf = 'port 6379\n# BEGIN sentinels\n10.0.0.11 sentinel-1\n10.0.0.12 sentinel-2\n# END sentinels\n';
  assert.equal((await fileBytes(lab, H, `${D}/redis.conf`)).toString(), redisConf);

  // the read-only modules report what is there
  const st = first.task(H, 'stat').result.stat as Record<string, unknown>;
  assert.deepEqual({ exists: st.exists, isreg: st.isreg, mode: st.mode, pw_name: st.pw_name, size: st.size, checksum: st.checksum },
    { exists: true, isreg: true, mode: '0640', pw_name: 'nobody', size: 6, checksum: sha1('hello\n') });
  assert.equal(Buffer.from(String(first.task(H, 'slurp').result.content), 'base64').toString(), 'hello\n');
  // fetch lands beside the playbook, in Ansible's dest/HOST/PATH layout
  assert.equal(readFileSync(join(project, 'fetched', H, D, 'redis.conf'), 'utf8'), redisConf);

  const second = await runModules(lab, { playbook: PLAYBOOK, dir: project, limit: H });
  assert.equal(second.result.exitCode, 0);
  assert.deepEqual(changedTasks(second, H), [], 'the second run must change nothing');
  assert.equal(second.result.stats[H]!.changed, 0);
  assert.equal((await fileBytes(lab, H, `${D}/redis.conf`)).toString(), redisConf, 'lines/blocks are not added twice');
});

test('--check on a fresh host reports every change, exits 0 and changes nothing', async () => {
  const fetchedBefore = existsSync(join(project, 'fetched', FRESH));
  const run = await runModules(lab, { playbook: PLAYBOOK, dir: project, limit: FRESH, check: true });
  assert.equal(run.result.exitCode, 0, JSON.stringify(run.host(FRESH).filter((o) => o.status === 'failed')));
  assert.deepEqual(changedTasks(run, FRESH), CHANGERS);
  assert.equal((run.task(FRESH, 'stat').result.stat as { exists: boolean }).exists, false);
  assert.ok(Array.isArray(run.task(FRESH, 'copy content').result.changes), 'check mode lists the planned changes');
  assert.match(run.task(FRESH, 'slurp').warnings.join('\n'), /does not exist yet/);
  assert.equal(await existsOnHost(lab, FRESH, D), false, 'check mode created files on the host');
  assert.equal(existsSync(join(project, 'fetched', FRESH)), fetchedBefore, 'check mode fetched a file to the controller');
});

test('--check --diff on a converged host shows each change as a diff and keeps the files; a --diff run then applies it', async () => {
  const extraVars = { msg: 'hello again', who: 'redis', port: 6380, motd_mode: '0600', block: '10.0.0.11 sentinel-1\n10.0.0.13 sentinel-3' };
  const before = (await onHost(lab, H, `cd ${D} && sha1sum conf/motd.txt conf/greeting.txt redis.conf && stat -c %a conf/motd.txt`));
  const planned = await runModules(lab, { playbook: PLAYBOOK, dir: project, limit: H, check: true, diff: true, extraVars });
  assert.equal(planned.result.exitCode, 0);
  assert.deepEqual(changedTasks(planned, H), ['copy content', 'template', 'lineinfile', 'blockinfile']);
  assert.equal(await onHost(lab, H, `cd ${D} && sha1sum conf/motd.txt conf/greeting.txt redis.conf && stat -c %a conf/motd.txt`), before);

  const applied = await runModules(lab, { playbook: PLAYBOOK, dir: project, limit: H, diff: true, extraVars });
  assert.deepEqual(changedTasks(applied, H), ['copy content', 'template', 'lineinfile', 'blockinfile', 'fetch']);
  for (const run of [planned, applied]) {
    const motd = run.task(H, 'copy content').diffs;
    assert.deepEqual(motd[0], { path: `${D}/conf/motd.txt`, before: 'hello\n', after: 'hello again\n' });
    // the mode change is part of the diff too (a file's attributes summarised)
    assert.ok(motd.some((d) => /0640/.test(d.before) && /0600/.test(d.after)), JSON.stringify(motd));
    const tpl = run.task(H, 'template').diffs[0]!;
    const patch = unifiedDiff(tpl.path ?? '', tpl.before, tpl.after);
    assert.match(patch, /^-hello world from redismaster$/m);
    assert.match(patch, /^\+hello redis from redismaster$/m);
    assert.match(patch, /^-port 6379$/m);
    const line = run.task(H, 'lineinfile').diffs[0]!;
    assert.match(unifiedDiff('redis.conf', line.before, line.after), /^-port 6379\n\+port 6380$/m);
    const block = run.task(H, 'blockinfile').diffs[0]!;
    assert.match(unifiedDiff('redis.conf', block.before, block.after), /^-10\.0\.0\.12 sentinel-2\n\+10\.0\.0\.13 sentinel-3$/m);
  }
  assert.equal((await fileBytes(lab, H, `${D}/conf/motd.txt`)).toString(), 'hello again\n');
  assert.equal(await modeOwner(lab, H, `${D}/conf/motd.txt`), '600 nobody root');
  assert.equal((await fileBytes(lab, H, `${D}/redis.conf`)).toString(), 'port 6380\n# BEGIN sentinels\n10.0.0.11 sentinel-1\n10.0.0.13 sentinel-3\n# END sentinels\n');
});

test('file --diff summarises state and mode; absent removes', async () => {
  const pb = `
- hosts: all
  gather_facts: false
  tasks:
    - name: mode
      file: { path: ${D}/conf, mode: "0700" }
    - name: remove
      file: { path: ${D}/tree, state: absent }
`;
  const run = await runModules(lab, { playbook: pb, limit: H, diff: true });
  assert.deepEqual(run.statuses(H), [['mode', 'changed'], ['remove', 'changed']]);
  const mode = run.task(H, 'mode').diffs[0]!;
  assert.match(mode.before, /0750/);
  assert.match(mode.after, /0700/);
  assert.deepEqual(run.task(H, 'remove').diffs, [{ path: `${D}/tree`, before: 'state: directory\n', after: 'state: absent\n' }]);
  assert.equal(await modeOwner(lab, H, `${D}/conf`), '700 nobody daemon');
  assert.equal(await existsOnHost(lab, H, `${D}/tree`), false);
});

test('a missing src is an error at load time, naming the playbook line, before any host is touched', async () => {
  const pb = `
- hosts: all
  gather_facts: false
  tasks:
    - { name: first, file: { path: ${D}/must-not-exist, state: touch } }
    - { name: copy no src, copy: { src: missing.conf, dest: ${D}/x } }
    - { name: template no src, template: { src: nope.hbs, dest: ${D}/y } }
`;
  await assert.rejects(runModules(lab, { playbook: pb, limit: H }), (e: Error) => {
    assert.match(e.message, /site\.yml:6:\d+: file "missing\.conf" not found/);
    assert.match(e.message, /site\.yml:7:\d+: template "nope\.hbs" not found/);
    return true;
  });
  assert.equal(await existsOnHost(lab, H, `${D}/must-not-exist`), false);
});

test('failures name what failed and why; a failed validation leaves the file as it was', async () => {
  const pb = `
- hosts: all
  gather_facts: false
  vars: { d: ${D} }
  tasks:
    - name: copy invalid
      copy: { dest: "{{ d }}/conf/motd.txt", content: "broken\\n", validate: "sh -c 'echo config error in $0 >&2; exit 1' %s" }
      ignore_errors: true
    - name: template invalid
      template: { src: greeting.hbs, dest: "{{ d }}/conf/greeting.txt", validate: "grep -q NEVER-THERE %s" }
      ignore_errors: true
    - { name: template undefined, template: { src: undefined.hbs, dest: "{{ d }}/u.txt" }, ignore_errors: true }
    - { name: copy no folder, copy: { content: x, dest: "{{ d }}/no-such-dir/x" }, ignore_errors: true }
    - { name: file absent, file: { path: "{{ d }}/nothing-here", state: file }, ignore_errors: true }
    - { name: link over file, file: { path: "{{ d }}/stamp", state: link, src: /etc/hostname }, ignore_errors: true }
    - { name: lineinfile no file, lineinfile: { path: "{{ d }}/nothing-here", line: x }, ignore_errors: true }
    - { name: blockinfile no file, blockinfile: { path: "{{ d }}/nothing-here", block: x }, ignore_errors: true }
    - { name: lineinfile dir, lineinfile: { path: "{{ d }}/conf", line: x }, ignore_errors: true }
    - { name: slurp missing, slurp: { src: "{{ d }}/nothing-here" }, ignore_errors: true }
    - { name: fetch missing, fetch: { src: "{{ d }}/nothing-here", dest: fetched/ }, ignore_errors: true }
    - { name: fetch dir, fetch: { src: "{{ d }}/conf", dest: fetched/ }, ignore_errors: true }
`;
  const before = await onHost(lab, H, `sha1sum ${D}/conf/motd.txt ${D}/conf/greeting.txt`);
  const r = await runModules(lab, { playbook: pb, dir: writeProject({ ...FILES, 'templates/undefined.hbs': '# one\n# two\nbind {{ redis_bind }}\n' }), limit: H, extraVars: { who: 'someone else', port: 1 } });
  assert.ok(r.host(H).every((o) => o.status === 'failed'), JSON.stringify(r.statuses(H)));
  const msg = (name: string): string => r.task(H, name).msg;
  assert.match(msg('copy invalid'), new RegExp(`^failed to validate ${D}/conf/motd\\.txt \\(rc 1\\): config error in ${D}/conf/\\.motd\\.txt\\.\\w+\\.rp-tmp$`));
  assert.match(msg('template invalid'), new RegExp(`^failed to validate ${D}/conf/greeting\\.txt \\(rc 1\\)`));
  assert.match(msg('template undefined'), /templates\/undefined\.hbs:3:\d+: undefined variable "redis_bind"/);
  assert.equal(msg('copy no folder'), `cannot write ${D}/no-such-dir/x on ${H}: No such file`);
  assert.equal(msg('file absent'), `file ${D}/nothing-here is absent, cannot continue (use state: touch to create it)`);
  assert.equal(msg('link over file'), `${D}/stamp exists as a file; use force: true to replace it with a link`);
  assert.equal(msg('lineinfile no file'), `Destination ${D}/nothing-here does not exist ! (use create: true to create it)`);
  assert.equal(msg('blockinfile no file'), `Destination ${D}/nothing-here does not exist ! (use create: true to create it)`);
  assert.equal(msg('lineinfile dir'), `Path ${D}/conf is a directory !`);
  assert.equal(msg('slurp missing'), `file not found: ${D}/nothing-here`);
  assert.equal(msg('fetch missing'), `the remote file does not exist: ${D}/nothing-here`);
  assert.equal(msg('fetch dir'), `remote file is a directory, fetch cannot work on directories: ${D}/conf`);
  assert.equal(await onHost(lab, H, `sha1sum ${D}/conf/motd.txt ${D}/conf/greeting.txt`), before, 'a failed validation replaced the file');
  assert.equal(await onHost(lab, H, `find ${D} -name '*.rp-tmp' | wc -l`), '0\n', 'temp files are cleaned up');
});
