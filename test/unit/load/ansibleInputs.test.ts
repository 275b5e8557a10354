import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Task } from '../../../src/core/model.js';
import { decodeSource } from '../../../src/core/sourceText.js';
import { loadInventory } from '../../../src/load/inventory.js';
import { readVarsFile } from '../../../src/load/varsDirs.js';
import { createTemplateEngine } from '../../../src/template/index.js';
import { lineOf, load, problemsOf, project } from './helpers.js';

const BOM = '\uFEFF';

test('a UTF-8 byte-order mark is skipped in playbooks, task files, vars files and inventories, as PyYAML does', async () => {
  const root = project({
    'site.yml': `${BOM}- hosts: all\n  vars_files: [vars.yml]\n  tasks:\n    - import_tasks: more.yml\n`,
    'more.yml': `${BOM}- name: from a Windows editor\n  debug: msg=hi\n`,
    'vars.yml': `${BOM}port: 80\n`,
    'hosts.ini': `${BOM}[web]\nw1\n`,
    'hosts.yml': `${BOM}all:\n  hosts:\n    w2:\n`,
  });
  const pb = await load(root);
  assert.equal((pb.plays[0]!.tasks[0] as Task).name, 'from a Windows editor');
  assert.deepEqual(readVarsFile(join(root, 'vars.yml')).vars, { port: 80 });
  const inv = await loadInventory([join(root, 'hosts.ini'), join(root, 'hosts.yml')], { cwd: root });
  assert.deepEqual([...inv.hosts.keys()].sort(), ['w1', 'w2']);
});

test('CRLF line endings load, and problems keep their columns', async () => {
  const root = project({ 'site.yml': '- hosts: all\r\n  tasks:\r\n    - debug: msg=hi\r\n      whenn: x\r\n' });
  const problems = await problemsOf(root);
  assert.equal(lineOf(root, problems[0]!), 'site.yml:4:7: unknown key "whenn" on task "debug" — did you mean "when"?');
});

test('invalid UTF-8 is refused at the first bad byte, in vars files, inventories and templates too', async () => {
  const latin1 = (s: string): Buffer => Buffer.from(s, 'latin1');
  const decoded = decodeSource(latin1('a: 1\nb: "caf\xe9"\n'), 'v.yml');
  assert.ok('problem' in decoded);
  assert.deepEqual({ line: decoded.problem.line, col: decoded.problem.col }, { line: 2, col: 8 });
  // A truncated multi-byte sequence at the very end, and a lone continuation byte.
  assert.ok('problem' in decodeSource(Buffer.from([0x61, 0xe2, 0x82]), 'f'));
  assert.ok('problem' in decodeSource(Buffer.from([0x61, 0x80]), 'f'));
  assert.deepEqual(decodeSource(Buffer.from(`${BOM}é`, 'utf8'), 'f'), { text: 'é' });

  const root = project({ 'site.yml': '- hosts: all\n' });
  writeFileSync(join(root, 'vars.yml'), latin1('name: "Andr\xe9"\n'));
  assert.match(readVarsFile(join(root, 'vars.yml')).problems[0]!.message, /not valid UTF-8/);
  writeFileSync(join(root, 'hosts.ini'), latin1('[web]\nw1 owner=Andr\xe9\n'));
  await assert.rejects(loadInventory([join(root, 'hosts.ini')], { cwd: root }), (e: { problems: Array<{ line: number; message: string }> }) => {
    assert.equal(e.problems[0]!.line, 2);
    assert.match(e.problems[0]!.message, /not valid UTF-8/);
    return true;
  });
  writeFileSync(join(root, 't.hbs'), latin1('x\ncaf\xe9\n'));
  const [p] = createTemplateEngine().checkFile(join(root, 't.hbs'));
  assert.deepEqual({ line: p!.line, col: p!.col }, { line: 2, col: 4 });
});

test('an unknown module is answered with the known module names (there is no --list-modules)', async () => {
  const root = project({ 'site.yml': '- hosts: all\n  tasks:\n    - ping:\n' });
  const [p] = await problemsOf(root);
  assert.equal(p!.message, 'unknown module "ping"');
  assert.match(p!.hint ?? '', /^the modules run-playbook knows: .*\bapt\b.*\bdebug\b/);
  assert.doesNotMatch(p!.hint ?? '', /--list-modules/);
});

test('with_items on a plain string is a one-item list, as Ansible listifies it; loop on one is an error', async () => {
  const root = project({ 'site.yml': '- hosts: all\n  tasks:\n    - debug: msg={{ item }}\n      with_items: nginx\n' });
  const pb = await load(root);
  assert.deepEqual((pb.plays[0]!.tasks[0] as Task).loop, ['nginx']);
});

test('retries, delay and throttle take whole numbers, digit strings or expressions; other text is positioned', async () => {
  const ok = project({ 'site.yml': '- hosts: all\n  tasks:\n    - name: t\n      debug: msg=hi\n      until: true\n      retries: "5"\n      delay: "{{ d }}"\n      throttle: 2\n' });
  const task = (await load(ok)).plays[0]!.tasks[0] as Task;
  assert.deepEqual([task.retries, task.delay, task.throttle], [5, '{{ d }}', 2]);
  const bad = project({ 'site.yml': '- hosts: all\n  tasks:\n    - name: t\n      debug: msg=hi\n      delay: soon\n      throttle: two\n' });
  const problems = (await problemsOf(bad)).map((p) => lineOf(bad, p));
  assert.deepEqual(problems, [
    'site.yml:5:14: delay on task "t" must be a whole number or one "{{ expression }}" (got "soon")',
    'site.yml:6:17: throttle on task "t" must be a whole number or one "{{ expression }}" (got "two")',
  ]);
});

test('an empty hosts list is refused like Ansible\'s "Hosts list cannot be empty"', async () => {
  const root = project({ 'site.yml': '- hosts: []\n  tasks: []\n- hosts: "  "\n  tasks: []\n' });
  assert.deepEqual((await problemsOf(root)).map((p) => lineOf(root, p)), ['site.yml:1:10: hosts on play "#1" is empty', 'site.yml:3:10: hosts on play "#2" is empty']);
});

test('template checks: an unclosed block points at its opener, a literal invalid regex at the pattern', () => {
  const t = createTemplateEngine();
  const at = { file: 'f', line: 10, col: 5 };
  const [unclosed] = t.check('a {{#each xs}}\n{{#if x}}y{{/if}}\n', at);
  assert.deepEqual([unclosed!.line, unclosed!.col, unclosed!.message], [10, 7, 'Handlebars syntax error: {{#each}} is never closed']);
  const [regex] = t.check("{{ regex_search s '[a-' }}", at);
  assert.deepEqual([regex!.line, regex!.col], [10, 23]);
  assert.match(regex!.message, /^regex_search: invalid regular expression "\[a-"/);
  const [flags] = t.check("{{ regex_replace s 'a' 'b' 'x' }}", at);
  assert.match(flags!.message, /flags may only contain/);
  // A pattern from a variable is only known at run time.
  assert.deepEqual(t.check('{{ regex_search s pattern }}', at), []);
});

test('a mapping where a task list belongs is reported once, at the mapping', async () => {
  const root = project({ 'site.yml': '- hosts: all\n  tasks:\n    name: a\n    debug: msg=hi\n' });
  assert.deepEqual((await problemsOf(root)).map((p) => lineOf(root, p)), ['site.yml:3:5: tasks on play "all" must be a list (got a mapping)']);
  const role = project({ 'site.yml': '- hosts: all\n  roles: [r]\n', 'roles/r/tasks/main.yml': 'name: x\ndebug: msg=hi\n' });
  assert.deepEqual((await problemsOf(role)).map((p) => lineOf(role, p)), ['roles/r/tasks/main.yml:1:1: a task list must be a list (got a mapping)']);
});

test('hosts: "{{ target }}" is rendered with play vars, vars_files and extra vars; an undefined name is positioned', async () => {
  const { hostPattern, playHosts } = await import('../../../src/run/play.js');
  const root = project({
    'site.yml': '- hosts: "{{ default target \'web\' }}"\n  tasks: []\n- hosts: "{{ tier }}"\n  vars: {tier: db}\n  tasks: []\n- hosts: "{{ nope }}"\n  tasks: []\n',
    'hosts.ini': '[web]\nw1\n[db]\nd1\n',
  });
  const [web, db, broken] = (await load(root)).plays;
  const inventory = await loadInventory([join(root, 'hosts.ini')], { cwd: root });
  assert.deepEqual(playHosts(inventory, { cwd: root }, web!), ['w1']);
  assert.deepEqual(playHosts(inventory, { cwd: root, extraVars: { target: 'db' } }, web!), ['d1']);
  assert.equal(hostPattern(db!, undefined), 'db');
  assert.throws(() => hostPattern(broken!, undefined), (e: { problems: Array<{ line: number; col: number; message: string }> }) => {
    assert.deepEqual([e.problems[0]!.line, e.problems[0]!.col], [6, 14]);
    assert.match(e.problems[0]!.message, /undefined variable "nope"/);
    return true;
  });
});
