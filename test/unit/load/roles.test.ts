import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Block, Include, Task, TaskNode } from '../../../src/core/model.js';
import { lineOf, load, problemsOf, project } from './helpers.js';

const role = (dir: string, msg: string): Record<string, string> => ({ [`${dir}/tasks/main.yml`]: `- debug: msg=${msg}\n` });
const firstMsg = (b: Block): unknown => ((b.block.find((n) => n.kind === 'task') as Task).args.msg);
const playOf = (name: string) => `- hosts: all\n  roles: [${name}]\n`;

test('role search order: playbook roles/, cwd roles/, roles path, npm package, bundled — first hit wins', async () => {
  const levels = {
    playbook: 'proj/play/roles/r',
    cwd: 'proj/roles/r',
    rolesPath: 'extra/r',
    bundled: 'bundled/r',
  };
  const all = project({ 'proj/play/site.yml': playOf('r'), ...role(levels.playbook, 'playbook'), ...role(levels.cwd, 'cwd'), ...role(levels.rolesPath, 'rolesPath'), ...role(levels.bundled, 'bundled') });
  const opts = { rolesPath: [join(all, 'extra')], bundledRolesDir: join(all, 'bundled') };
  const msgOf = async (): Promise<unknown> => firstMsg((await load(join(all, 'proj'), 'play/site.yml', opts)).plays[0]!.roles[0]!);
  const { rmSync } = await import('node:fs');
  assert.equal(await msgOf(), 'playbook');
  rmSync(join(all, levels.playbook), { recursive: true });
  assert.equal(await msgOf(), 'cwd');
  rmSync(join(all, levels.cwd), { recursive: true });
  assert.equal(await msgOf(), 'rolesPath');
  rmSync(join(all, levels.rolesPath), { recursive: true });
  assert.equal(await msgOf(), 'bundled');
  rmSync(join(all, levels.bundled), { recursive: true });
  const [p] = await problemsOf(join(all, 'proj'), 'play/site.yml', opts);
  assert.equal(p!.message, 'role "r" not found');
  assert.match(p!.hint!, /play\/roles\/r.*roles\/r.*extra\/r.*bundled\/r/);
});

test('roles from installed npm packages, plain and scoped, found by walking up node_modules', async () => {
  const root = project({
    'app/deploy/site.yml': '- hosts: all\n  roles: [my-infra-roles/redis-master, "@acme/infra/sentinel"]\n',
    ...role('app/node_modules/my-infra-roles/roles/redis-master', 'plain'),
    'app/node_modules/my-infra-roles/package.json': '{"name":"my-infra-roles","exports":{}}',
    ...role('node_modules/@acme/infra/roles/sentinel', 'scoped'),
  });
  const roles = (await load(root, 'app/deploy/site.yml')).plays[0]!.roles;
  assert.deepEqual(roles.map(firstMsg), ['plain', 'scoped']);
  assert.equal(roles[0]!.role!.name, 'redis-master');
  assert.equal(roles[1]!.role!.path, join(root, 'node_modules/@acme/infra/roles/sentinel'));
});

test('a role reference may be a path, also one going up with ".." (relative to the playbook, as in Ansible)', async () => {
  const root = project({ 'site.yml': '- hosts: all\n  roles: [vendor/redis]\n', ...role('vendor/redis', 'by-path') });
  assert.equal(firstMsg((await load(root)).plays[0]!.roles[0]!), 'by-path');
  const shared = project({ 'play/site.yml': '- hosts: all\n  roles: [../shared/roles/common]\n', ...role('shared/roles/common', 'shared'), ...role('play/roles/shared/roles/common', 'wrong') });
  const roles = (await load(shared, 'play/site.yml')).plays[0]!.roles;
  assert.equal(firstMsg(roles[0]!), 'shared');
  assert.equal(roles[0]!.role!.name, 'common');
  const [p] = await problemsOf(project({ 'site.yml': '- hosts: all\n  roles: [../outside]\n' }));
  assert.equal(p!.message, 'role "../outside" not found');
});

test('defaults/main/ and vars/main/ may be folders of files, merged in name order', async () => {
  const root = project({
    'site.yml': '- hosts: all\n  roles: [r]\n',
    ...role('roles/r', 'r'),
    'roles/r/defaults/main/a.yml': 'one: 1\nboth: a\n',
    'roles/r/defaults/main/b.yaml': 'two: 2\nboth: b\n',
    'roles/r/defaults/main/README.md': 'not vars',
    'roles/r/vars/main/x.yml': 'v: 1\n',
  });
  const r = (await load(root)).plays[0]!.roles[0]!.role!;
  assert.deepEqual(r.defaults, { one: 1, two: 2, both: 'b' });
  assert.deepEqual(r.vars, { v: 1 });
});

test('dependencies run before the role, once per distinct params, with vars, defaults and params', async () => {
  const root = project({
    'site.yml': `- hosts: all
  roles:
    - app
    - role: common
    - {role: common, port: 2}
`,
    ...role('roles/app', 'app'),
    'roles/app/meta/main.yml': 'dependencies:\n  - common\n  - {role: base, when: ready}\n',
    'roles/app/defaults/main.yml': 'app_port: 80\n',
    'roles/app/vars/main.yml': 'app_user: www\n',
    ...role('roles/common', 'common'),
    ...role('roles/base', 'base'),
  });
  const play = (await load(root)).plays[0]!;
  // `common` with no params is app's dependency again: kept, sharing the instance, for the run-time dedupe.
  assert.equal(play.roles.length, 3);
  assert.equal(play.roles[1]!.role, (play.roles[0]!.block[0] as Block).role);
  assert.equal(play.roles[1]!.roleOnce, true);
  assert.notEqual(play.roles[2]!.role, play.roles[1]!.role);
  const app = play.roles[0]!;
  const [common, base, appTask] = app.block as [Block, Block, Task];
  assert.deepEqual([firstMsg(common), firstMsg(base), appTask.args.msg], ['common', 'base', 'app']);
  assert.deepEqual(base.when.map((c) => c.expr), ['ready']);
  assert.equal(appTask.role!.name, 'app');
  assert.deepEqual(app.role!.defaults, { app_port: 80 });
  assert.deepEqual(app.role!.vars, { app_user: 'www' });
  assert.deepEqual(app.role!.dependencies.map((d) => d.name), ['common', 'base']);
  assert.equal(common.role!.parent!.name, 'app');
  assert.deepEqual(play.roles[2]!.role!.params, { port: 2 });
});

test('allow_duplicates lets the same role run twice', async () => {
  const root = project({ 'site.yml': '- hosts: all\n  roles: [r, r]\n', ...role('roles/r', 'r'), 'roles/r/meta/main.yml': 'allow_duplicates: true\n' });
  const roles = (await load(root)).plays[0]!.roles;
  assert.equal(roles.length, 2);
  assert.deepEqual(roles.map((b) => b.roleOnce), [undefined, undefined]);
  assert.notEqual(roles[0]!.role, roles[1]!.role);
});

test('a repeated reference with other tags, when or vars is a distinct role instance (Ansible\'s role cache key)', async () => {
  const root = project({ 'site.yml': '- hosts: all\n  roles: [r, {role: r, tags: [t]}, {role: r, when: x}, {role: r, vars: {a: 1}}, {role: r, a: 1}, r]\n', ...role('roles/r', 'r') });
  const roles = (await load(root)).plays[0]!.roles;
  assert.equal(roles.length, 6);
  assert.equal(new Set(roles.map((b) => b.role)).size, 5);
  assert.equal(roles[5]!.role, roles[0]!.role);
});

test('cyclic dependencies are reported with the chain', async () => {
  const root = project({ 'site.yml': '- hosts: all\n  roles: [a]\n', 'roles/a/meta/main.yml': 'dependencies: [b]\n', 'roles/b/meta/main.yml': 'dependencies: [a]\n' });
  const [p] = await problemsOf(root);
  assert.equal(lineOf(root, p!), 'roles/b/meta/main.yml:1:16: cyclic role dependency: a → b → a');
});

test('role tags and when apply through the role block; tags are inherited onto every task', async () => {
  const root = project({ 'site.yml': '- hosts: all\n  tags: p\n  roles:\n    - {role: r, tags: [redis], when: enabled}\n', 'roles/r/tasks/main.yml': '- debug: msg=x\n  tags: own\n' });
  const block = (await load(root)).plays[0]!.roles[0]!;
  assert.deepEqual(block.tags, ['p', 'redis']);
  assert.deepEqual(block.when.map((c) => c.expr), ['enabled']);
  assert.deepEqual((block.block[0] as Task).tags, ['p', 'redis', 'own']);
});

test('role handlers join the play, carry their role, and role templates/files are found in the role', async () => {
  const root = project({
    'site.yml': `- hosts: all
  roles: [redis]
  handlers:
    - name: play handler
      debug: msg=h
`,
    'roles/redis/tasks/main.yml': '- template: src=redis.conf.hbs dest=/etc/redis.conf\n  notify: restart redis\n- copy: src=check.sh dest=/usr/local/bin/check.sh\n',
    'roles/redis/templates/redis.conf.hbs': 'port {{ redis_port }}\n',
    'roles/redis/files/check.sh': 'echo ok\n',
    'roles/redis/handlers/main.yml': '- name: restart redis\n  service: name=redis state=restarted\n',
  });
  const play = (await load(root)).plays[0]!;
  assert.deepEqual(play.handlers.map((h) => [h.name, h.role?.name]), [['play handler', undefined], ['restart redis', 'redis']]);
});

test('include_role keeps a node with its handlers; import_role inlines and adds handlers to the play; tasks_from works', async () => {
  const root = project({
    'site.yml': `- hosts: all
  tasks:
    - include_role: {name: r, tasks_from: extra}
      vars: {x: 1}
      loop: [a, b]
    - import_role: {name: r}
      tags: imp
`,
    'roles/r/tasks/main.yml': '- debug: msg=main\n',
    'roles/r/tasks/extra.yml': '- debug: msg=extra\n',
    'roles/r/handlers/main.yml': '- name: h\n  debug: msg=h\n',
  });
  const play = (await load(root)).plays[0]!;
  const [inc, imp] = play.tasks as [Include, Block];
  assert.equal(inc.kind, 'include');
  assert.equal(inc.what, 'role');
  assert.deepEqual(inc.params, { x: 1 });
  assert.deepEqual(inc.loop, ['a', 'b']);
  assert.equal(firstMsg(inc.tasks[0] as Block), 'extra');
  assert.equal(inc.handlers.length, 1);
  assert.equal(imp.kind, 'block');
  assert.equal(firstMsg(imp), 'main');
  assert.deepEqual((imp.block[0] as TaskNode).tags, ['imp']);
  // import_role is static: its handlers join the play's, whatever the include does at run time.
  assert.deepEqual(play.handlers.map((h) => h.name), ['h']);
});
