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
    assert.deepEqual(motd.find((d) => d.before !== '' || d.after !== '' ? d.path === `${D}/conf/motd.txt` && d.after.includes('hello') : false),
      { path: `${D}/conf/motd.txt`, before: 'hello\n', after: 'hello again\n' });
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
