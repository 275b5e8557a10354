import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Block, Include, Task, TaskNode } from '../../../src/core/model.js';
import { lineOf, load, problemsOf, project } from './helpers.js';

const tasksOf = (nodes: TaskNode[]): Task[] => nodes.flatMap((n) => (n.kind === 'task' ? [n] : n.kind === 'block' ? tasksOf([...n.block, ...n.rescue, ...n.always]) : tasksOf(n.tasks)));

test('a play loads with its keys, positions and module arguments in every form', async () => {
  const root = project({
    'site.yml': `- name: web servers
  hosts: [web, db]
  become: yes
  gather_facts: no
  serial: "30%"
  vars: {port: 6379}
  tasks:
    - name: install
      apt: name=tcl update_cache=yes cache_valid_time=3600
    - ansible.builtin.command: make -j4 chdir=/src creates=/src/out
    - name: mapping form
      apt:
        name: [a, b]
      args:
        state: latest
`,
  });
  const pb = await load(root);
  const play = pb.plays[0]!;
  assert.equal(play.hosts, 'web:db');
  assert.equal(play.become, true);
  assert.equal(play.gatherFacts, false);
  assert.deepEqual(play.serial, ['30%']);
  assert.deepEqual(play.pos, { file: join(root, 'site.yml'), line: 1, col: 3 });
  const [install, make, mapped] = play.tasks as Task[];
  assert.deepEqual(install!.args, { name: 'tcl', update_cache: true, cache_valid_time: 3600 });
  assert.deepEqual({ line: install!.pos.line, col: install!.pos.col }, { line: 8, col: 7 });
  assert.equal(make!.module, 'command');
  assert.deepEqual(make!.args, { chdir: '/src', creates: '/src/out', cmd: 'make -j4' });
  assert.deepEqual(mapped!.args, { name: ['a', 'b'], state: 'latest' });
  assert.equal(mapped!.argPositions.name!.line, 13);
  assert.equal(mapped!.argPositions.state!.line, 15);
});

test('every problem in the playbook is reported at once, sorted by line', async () => {
  const root = project({
    'site.yml': `- hosts: all
  tasks:
    - aptt: name=x
    - apt: {state: present}
    - service: name=redis state=startd
`,
  });
  const lines = (await problemsOf(root)).map((p) => lineOf(root, p));
  assert.deepEqual(lines, [
    'site.yml:3:7: unknown module "aptt" — did you mean "apt"?',
    'site.yml:4:7: missing required argument "name" for module "apt"',
    'site.yml:5:16: state must be one of started, stopped, restarted, reloaded (got "startd") — did you mean "started"?',
  ]);
});

test('a {{ }} value passes any type at load time, but its syntax is checked', async () => {
  const ok = project({ 'site.yml': '- hosts: all\n  tasks:\n    - apt: {name: x, update_cache: "{{ refresh }}", state: "{{ wanted }}"}\n' });
  const pb = await load(ok);
  assert.equal((pb.plays[0]!.tasks[0] as Task).args.update_cache, '{{ refresh }}');
  const bad = project({ 'site.yml': '- hosts: all\n  tasks:\n    - apt: {name: "{{ pkgs | join(\',\') }}"}\n' });
  const [p] = await problemsOf(bad);
  assert.match(p!.message, /Jinja filter/);
  assert.equal(p!.line, 3);
});

test('when/failed_when/changed_when/until become positioned conditions; Jinja operators are refused', async () => {
  const root = project({
    'site.yml': `- hosts: all
  tasks:
    - debug: msg=hi
      when:
        - (eq role "master")
        - ready
      changed_when: false
      until: (eq result.rc 0)
`,
  });
  const t = (await load(root)).plays[0]!.tasks[0] as Task;
  assert.deepEqual(t.when.map((c) => [c.expr, c.pos.line]), [['(eq role "master")', 5], ['ready', 6]]);
  assert.deepEqual(t.changedWhen.map((c) => c.expr), ['false']);
  assert.equal(t.retries, 3);
  const bad = project({ 'site.yml': '- hosts: all\n  tasks:\n    - debug: msg=hi\n      when: role == "master"\n' });
  assert.match((await problemsOf(bad))[0]!.message, /Jinja operator "=="/);
});

test('with_items and with_dict map onto loop; loop_control is kept', async () => {
  const root = project({
    'site.yml': `- hosts: all
  tasks:
    - debug: msg={{ item }}
      with_items: [[a, b], c]
    - debug: msg={{ u.key }}
      with_dict: {alice: 1}
      loop_control: {loop_var: u, label: "{{ u.key }}"}
`,
  });
  const [a, b] = (await load(root)).plays[0]!.tasks as Task[];
  assert.deepEqual(a!.loop, ['a', 'b', 'c']);
  assert.deepEqual(b!.loop, [{ key: 'alice', value: 1 }]);
  assert.deepEqual(b!.loopControl, { loopVar: 'u', label: '{{ u.key }}' });
});

test('blocks, import_tasks and include_tasks: imports are inlined with their keywords, includes kept', async () => {
  const root = project({
    'site.yml': `- hosts: all
  tags: [play]
  tasks:
    - block:
        - debug: msg=in
      rescue:
        - debug: msg=rescued
      tags: blk
    - import_tasks: tasks/common.yml
      when: (eq os "debian")
      tags: imp
      become: true
    - include_tasks: tasks/common.yml
      loop: [1, 2]
`,
    'tasks/common.yml': '- name: common\n  debug: msg=c\n  tags: own\n',
  });
  const [block, imported, include] = (await load(root)).plays[0]!.tasks as [Block, Task, Include];
  assert.equal(block.kind, 'block');
  assert.deepEqual(block.block[0]!.tags, ['play', 'blk']);
  assert.equal(block.rescue.length, 1);
  assert.equal(imported.kind, 'task');
  assert.equal(imported.name, 'common');
  assert.deepEqual(imported.tags, ['play', 'imp', 'own']);
  assert.deepEqual(imported.when.map((c) => c.expr), ['(eq os "debian")']);
  assert.equal(imported.become, true);
  assert.equal(imported.pos.file, join(root, 'tasks/common.yml'));
  assert.equal(include.kind, 'include');
  assert.equal(include.what, 'tasks');
  assert.deepEqual(include.loop, [1, 2]);
  assert.equal(include.tasks.length, 1);
});

test('templated include file names are refused: everything is checked before the run', async () => {
  const root = project({ 'site.yml': '- hosts: all\n  tasks:\n    - include_tasks: "{{ os }}.yml"\n' });
  assert.match((await problemsOf(root))[0]!.message, /templated/);
});

test('import_playbook expands relative to the importing file and detects loops', async () => {
  const root = project({
    'site.yml': '- import_playbook: plays/web.yml\n  tags: web\n- hosts: db\n  tasks: [{debug: msg=db}]\n',
    'plays/web.yml': '- hosts: web\n  tasks: [{debug: msg=web}]\n',
  });
  const pb = await load(root);
  assert.deepEqual(pb.plays.map((p) => [p.hosts, p.tags]), [['web', ['web']], ['db', []]]);
  assert.equal(pb.plays[0]!.file, join(root, 'plays/web.yml'));
  const loop = project({ 'site.yml': '- import_playbook: other.yml\n', 'other.yml': '- import_playbook: site.yml\n' });
  assert.match((await problemsOf(loop))[0]!.message, /import loop: site.yml → other.yml → site.yml/);
});

test('handlers come with listen, and notify must name one', async () => {
  const root = project({
    'site.yml': `- hosts: all
  tasks:
    - copy: {content: x, dest: /etc/x}
      notify: [restart redis, reload stack]
  handlers:
    - name: restart redis
      service: name=redis state=restarted
    - name: reload proxy
      service: name=haproxy state=reloaded
      listen: reload stack
`,
  });
  const play = (await load(root)).plays[0]!;
  assert.deepEqual(play.handlers.map((h) => [h.name, h.listen]), [['restart redis', []], ['reload proxy', ['reload stack']]]);
  assert.deepEqual((play.tasks[0] as Task).notify, ['restart redis', 'reload stack']);
});

test('vars_files are loaded and merged in order; a missing one is an error at its name', async () => {
  const root = project({
    'site.yml': '- hosts: all\n  vars_files: [vars/a.yml, vars/b.yml]\n  tasks: []\n',
    'vars/a.yml': 'x: 1\ny: 1\n',
    'vars/b.yml': 'y: 2\n',
  });
  assert.deepEqual((await load(root)).plays[0]!.varsFiles, { x: 1, y: 2 });
  const missing = project({ 'site.yml': '- hosts: all\n  vars_files:\n    - nope.yml\n' });
  assert.equal(lineOf(missing, (await problemsOf(missing))[0]!), 'site.yml:3:7: vars file "nope.yml" not found');
});

test('hosts is required and serial must be a count or a percentage', async () => {
  const root = project({ 'site.yml': '- name: x\n  tasks: []\n- hosts: all\n  serial: lots\n' });
  const lines = (await problemsOf(root)).map((p) => lineOf(root, p));
  assert.deepEqual(lines, ['site.yml:1:3: missing required key "hosts" on play "x"', 'site.yml:4:11: serial must be a number or a percentage such as "30%" (got "lots")']);
});
