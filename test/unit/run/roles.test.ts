/** Roles at run time, compared with ansible-playbook 2.14 on the same playbooks (the dedupe of repeated roles). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inventory, project, run } from './harness.js';

const pb = (yaml: string): string => yaml.replace(/^\n/, '');
const roleFiles = (name: string): Record<string, string> => ({ [`roles/${name}/tasks/main.yml`]: `- name: ${name} task\n  debug: msg=${name}\n` });
const ranNames = (statuses: Array<[string, string]>): string[] => statuses.filter(([, s]) => s !== 'skipped').map(([n]) => n);

test('a repeated role with different tags is another role: --tags selects the tagged repeat', async () => {
  const dir = project({ 'inventory.yml': inventory('a'), ...roleFiles('base'), 'site.yml': '- hosts: all\n  gather_facts: false\n  roles: [base, {role: base, tags: [base]}]\n' });
  assert.deepEqual(ranNames((await run(dir, { tags: ['base'] })).statuses('a')), ['base : base task']);
  // Without --tags both references run, as ansible-playbook does (they are two cache entries there too).
  assert.deepEqual(ranNames((await run(dir)).statuses('a')), ['base : base task', 'base : base task']);
});

test('a role whose when was false still runs at its next reference', async () => {
  const dir = project({ 'inventory.yml': inventory('a'), ...roleFiles('x'), 'site.yml': '- hosts: all\n  gather_facts: false\n  roles:\n    - {role: x, when: false}\n    - x\n' });
  assert.deepEqual((await run(dir)).statuses('a'), [['x : x task', 'skipped'], ['x : x task', 'ok']]);
});

test('the same reference twice runs once per host; the repeat runs where the first ran no task', async () => {
  const dir = project({
    'inventory.yml': inventory('a', 'b'),
    'roles/x/tasks/main.yml': '- name: x task\n  debug: msg=x\n  when: (eq inventory_hostname go)\n',
    'site.yml': `- hosts: all
  gather_facts: false
  vars: {go: a}
  roles: [x, x, {role: dep, p: 1}, {role: dep, p: 1}, {role: dep, p: 2}]
`,
    ...roleFiles('dep'),
  });
  const ran = await run(dir);
  assert.deepEqual(ranNames(ran.statuses('a')), ['x : x task', 'dep : dep task', 'dep : dep task']);
  // On b the first x only skipped, so the repeat is evaluated again (and skips again): Ansible's has_run().
  assert.deepEqual(ran.statuses('b').filter(([n]) => n === 'x : x task'), [['x : x task', 'skipped'], ['x : x task', 'skipped']]);
});

test('allow_duplicates runs the repeat on every host', async () => {
  const dir = project({ 'inventory.yml': inventory('a'), ...roleFiles('x'), 'roles/x/meta/main.yml': 'allow_duplicates: true\n', 'site.yml': '- hosts: all\n  gather_facts: false\n  roles: [x, x]\n' });
  assert.deepEqual(ranNames((await run(dir)).statuses('a')), ['x : x task', 'x : x task']);
});

test('a dependency shared by two roles runs once', async () => {
  const dir = project({
    'inventory.yml': inventory('a'),
    ...roleFiles('common'), ...roleFiles('web'), ...roleFiles('db'),
    'roles/web/meta/main.yml': 'dependencies: [common]\n',
    'roles/db/meta/main.yml': 'galaxy_info: {author: me, license: MIT, platforms: [{name: Ubuntu, versions: [jammy]}]}\ndependencies: [common]\n',
    'site.yml': '- hosts: all\n  gather_facts: false\n  roles: [web, db]\n',
  });
  assert.deepEqual(ranNames((await run(dir)).statuses('a')), ['common : common task', 'web : web task', 'db : db task']);
});

test('an unnamed include_role is shown as "include_role : ROLE", as ansible-playbook shows it', async () => {
  const dir = project({ 'inventory.yml': inventory('a'), ...roleFiles('x'), 'site.yml': '- hosts: all\n  gather_facts: false\n  tasks:\n    - include_role: {name: x}\n    - name: named\n      include_role: {name: x}\n' });
  const starts = (await run(dir)).events.flatMap((e) => (e.type === 'task:start' ? [e.task.name] : []));
  assert.deepEqual(starts, ['include_role : x', 'x : x task', 'named', 'x : x task']);
});

test('include_role counts nothing in the recap where it applies (ansible-playbook 2.14), only its skips', async () => {
  const dir = project({
    'inventory.yml': inventory('a'),
    ...roleFiles('x'),
    't.yml': '- debug: msg=t\n',
    'site.yml': '- hosts: all\n  gather_facts: false\n  tasks:\n    - include_tasks: t.yml\n    - include_role: {name: x}\n      loop: [1, 2]\n    - include_role: {name: x}\n      when: false\n',
  });
  const ran = await run(dir);
  const stats = ran.result.stats.a;
  assert.deepEqual(ran.statuses('a'), [['include_tasks', 'ok'], ['debug', 'ok'], ['x : x task', 'ok'], ['x : x task', 'ok'], ['include_role : x', 'skipped']]);
  assert.ok(stats);
  assert.equal(stats.ok, 4);
  assert.equal(stats.skipped, 1);
});

test("a role's vars and defaults are visible to the play's own tasks, below the running role's, as in Ansible", async () => {
  const dir = project({
    'inventory.yml': 'all:\n  hosts:\n    a:\n      port: 1\n',
    'roles/app/vars/main.yml': 'port: 2\n',
    'roles/app/defaults/main.yml': 'app_dir: /srv/app\n',
    'roles/app/tasks/main.yml': '- name: in role\n  debug: msg=x\n',
    'site.yml': pb(`
- hosts: all
  gather_facts: false
  roles: [app]
  tasks:
    - name: after
      assert:
        that:
          - (eq port 2)
          - (eq app_dir "/srv/app")
`),
  });
  assert.deepEqual((await run(dir)).statuses('a'), [['app : in role', 'ok'], ['after', 'ok']]);
});
