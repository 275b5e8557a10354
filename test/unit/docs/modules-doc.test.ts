/**
 * docs/modules.md is generated from the modules (scripts/gen-module-docs.ts). These tests keep it honest:
 * the committed file is what the generator writes now, every example is a task the loader accepts, every
 * argument is described, and the hand-written notes cover exactly the modules they must.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { SourceError } from '../../../src/core/errors.js';
import type { Task, TaskNode } from '../../../src/core/model.js';
import { loadPlaybook } from '../../../src/load/playbook.js';
import { builtinModules, createDefaultRegistry } from '../../../src/modules/index.js';
import { createTemplateEngine } from '../../../src/template/index.js';
import { aliasTarget, defaultOf, docsPath, renderModuleDocs, schemaOf, typeOf } from '../../../scripts/gen-module-docs.js';
import { ansibleForm } from '../../../scripts/module-docs/ansibleForm.js';
import { conditionToJinja, textToJinja } from '../../../scripts/module-docs/jinja.js';
import { ansibleDifferences, checkSkippedWhen, diffShows, noAnsibleBecause } from '../../../scripts/module-docs/notes.js';

const modulesDir = join(import.meta.dirname, '../../../src/modules');

test('docs/modules.md is what the generator writes from the current schemas', () => {
  const expected = renderModuleDocs(builtinModules);
  const actual = readFileSync(docsPath, 'utf8');
  assert.ok(actual === expected, 'docs/modules.md is stale: run `node --import tsx scripts/gen-module-docs.ts`');
  for (const m of builtinModules) {
    assert.ok(actual.includes(`\n## ${m.name}\n`), `no section for ${m.name}`);
    assert.ok(actual.includes(`](#${m.name})`), `${m.name} missing from the contents`);
  }
});

/** Files and handlers an example takes for granted, so it loads the way it would in a real project. */
function projectFor(example: string): { files: string[]; handlers: string[] } {
  const tasks = parse(example) as Array<Record<string, unknown>>;
  const files: string[] = [];
  const handlers: string[] = [];
  for (const task of tasks) {
    const notify = task.notify;
    handlers.push(...(Array.isArray(notify) ? notify.map(String) : typeof notify === 'string' ? [notify] : []));
    for (const [key, args] of Object.entries(task)) {
      if (!args || typeof args !== 'object' || Array.isArray(args)) continue;
      const { src, remote_src: remote } = args as { src?: unknown; remote_src?: unknown };
      if (typeof src !== 'string' || src.startsWith('/') || remote === true) continue;
      files.push(key.endsWith('template') ? join('templates', src) : join('files', src));
    }
  }
  return { files, handlers };
}

const flatten = (nodes: TaskNode[]): Task[] =>
  nodes.flatMap((n) => (n.kind === 'task' ? [n] : n.kind === 'block' ? [...flatten(n.block), ...flatten(n.rescue), ...flatten(n.always)] : []));

for (const m of builtinModules) {
  test(`the ${m.name} example loads as a playbook and uses ${m.name}`, async () => {
    const example = m.meta.example.trimEnd();
    assert.ok(example.length > 0, `${m.name} has no example`);
    const dir = mkdtempSync(join(tmpdir(), `rp-example-${m.name}-`));
    try {
      const { files, handlers } = projectFor(example);
      for (const file of files) {
        mkdirSync(dirname(join(dir, file)), { recursive: true });
        writeFileSync(join(dir, file), 'example\n');
      }
      const indented = example.split('\n').map((l) => (l ? `    ${l}` : l)).join('\n');
      const handlerText = handlers.length ? `\n  handlers:\n${handlers.map((h) => `    - name: ${JSON.stringify(h)}\n      debug: { msg: handled }`).join('\n')}` : '';
      writeFileSync(join(dir, 'site.yml'), `- hosts: all\n  gather_facts: false\n  tasks:\n${indented}${handlerText}\n`);
      let playbook;
      try {
        playbook = await loadPlaybook('site.yml', { cwd: dir, registry: createDefaultRegistry(), templates: createTemplateEngine() });
      } catch (e) {
        if (e instanceof SourceError) assert.fail(`${m.name} example does not load:\n${e.message}`);
        throw e;
      }
      const tasks = flatten(playbook.plays[0]!.tasks);
      assert.ok(tasks.length > 0);
      assert.ok(tasks.some((t) => t.module === m.name), `${m.name} example uses ${tasks.map((t) => t.module).join(', ')} instead`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('every argument of every module has a description, and aliases name an argument that exists', () => {
  for (const m of builtinModules) {
    const props = schemaOf(m).properties ?? {};
    for (const [name, p] of Object.entries(props)) {
      assert.ok(p.description && p.description.trim().length > 0, `${m.name}.${name} has no description`);
      const target = aliasTarget(p);
      if (target) assert.ok(target in props && !aliasTarget(props[target]!), `${m.name}.${name} is an alias of ${target}, which is not an argument`);
    }
    assert.ok(m.meta.description.trim().length > 0, `${m.name} has no description`);
    for (const [field, text] of Object.entries(m.meta.returns ?? {})) assert.ok(text.trim().length > 0, `${m.name} result field ${field} is not described`);
  }
});

/** Does this module (or a helper of its own folder that it imports) ever plan an unpredictable change? */
function mayBeUnpredictable(name: string): boolean {
  const file = join(modulesDir, `${name}.ts`);
  const source = readFileSync(file, 'utf8');
  const helpers = [...source.matchAll(/from '\.\/((?:support|system|redis)\/\w+)\.js'/g)].map((x) => readFileSync(join(modulesDir, `${x[1]}.ts`), 'utf8'));
  return [source, ...helpers].some((text) => /unpredictable:/.test(text));
}

test('the hand-written notes cover exactly the modules they describe', () => {
  const names = new Set(builtinModules.map((m) => m.name));
  for (const m of builtinModules) {
    if (!m.meta.ansible) assert.ok(noAnsibleBecause[m.name], `${m.name} has no Ansible module: say why in scripts/module-docs/notes.ts`);
    if (m.apply) assert.ok(diffShows[m.name], `${m.name} changes hosts: say what --diff shows in scripts/module-docs/notes.ts`);
    else assert.equal(diffShows[m.name], undefined, `${m.name} changes nothing, yet has a --diff note`);
    assert.equal(m.name in checkSkippedWhen, mayBeUnpredictable(m.name), `${m.name}: the --check note must match whether it can plan an unpredictable change`);
  }
  for (const key of [...Object.keys(noAnsibleBecause), ...Object.keys(diffShows), ...Object.keys(checkSkippedWhen)]) assert.ok(names.has(key), `note for unknown module ${key}`);
  for (const [name, difference] of Object.entries(ansibleDifferences)) {
    const m = builtinModules.find((x) => x.name === name);
    assert.ok(m?.meta.ansible, `Ansible note for ${name}, which has no Ansible module`);
    for (const arg of difference.drop ?? []) {
      assert.ok(arg in (schemaOf(m).properties ?? {}), `${name}: dropped argument ${arg} is not one of its arguments`);
      assert.ok(m.meta.example.includes(`${arg}:`), `${name}: dropped argument ${arg} is not in the example`);
    }
  }
});

test('the Ansible form of each example is Jinja, under Ansible module names, without what Ansible lacks', () => {
  for (const m of builtinModules.filter((x) => x.meta.ansible)) {
    const form = ansibleForm(m, builtinModules);
    if (form.text === undefined) {
      // Shown as "runs unchanged": then it holds no helper call that Jinja would read differently.
      assert.doesNotMatch(m.meta.example, /\(\s*(eq|ne|lt|le|gt|ge|and|or|not|default|in)\s/, `${m.name}: example has Handlebars helpers but is shown as unchanged`);
      continue;
    }
    assert.ok(form.text.includes(`${m.meta.ansible}:`), `${m.name}: Ansible form does not use ${m.meta.ansible}`);
    assert.doesNotMatch(form.text, /\(\s*(eq|ne|lt|le|gt|ge|and|or|not|default|in)\s/, `${m.name}: Handlebars helper left in the Ansible form`);
    for (const arg of ansibleDifferences[m.name]?.drop ?? []) assert.doesNotMatch(form.text, new RegExp(`\\b${arg}:`), `${m.name}: ${arg} kept`);
  }
});

test('Handlebars conditions and templates become the Jinja an Ansible user writes', () => {
  assert.equal(conditionToJinja('(eq redis_status.role "master")'), "redis_status.role == 'master'");
  assert.equal(conditionToJinja('not redis_enabled'), 'not redis_enabled');
  assert.equal(conditionToJinja('{{ (and (ge n 2) (not (in inventory_hostname groups.sentinels))) }}'), "(n >= 2) and (not (inventory_hostname in groups.sentinels))");
  assert.equal(conditionToJinja('(eq (default master null) null)'), 'master | default(none) == none');
  assert.equal(textToJinja('redis_{{ redis_status.role }} on {{join groups.redis.[0] ","}}'), "redis_{{ redis_status.role }} on {{ groups.redis[0] | join(',') }}");
  assert.equal(textToJinja('{{ (length (add xs ys)) }}'), '{{ (xs + ys) | length }}');
  assert.throws(() => conditionToJinja('(regex_findall x "a")'), /no Jinja form for the helper "regex_findall"/);
});

test('argument types and defaults read as a person would write them', () => {
  assert.equal(typeOf({ anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] }), 'string or list of strings');
  assert.equal(typeOf({ type: 'string', enum: ['present', 'absent'] }), '`present` / `absent`');
  assert.equal(typeOf({ type: 'integer', minimum: 1, maximum: 65535 }), 'integer 1–65535');
  assert.equal(typeOf({ type: 'object', additionalProperties: { anyOf: [{ type: 'string' }, { type: 'number' }] } }), 'map of (string or number)');
  assert.equal(typeOf({ description: 'anything' }), 'any');
  assert.deepEqual(defaultOf({ type: 'integer', default: 120 }), { value: '`120`' });
  assert.deepEqual(defaultOf({ type: 'boolean', description: 'Keep a copy (default false).' }), { value: '`false`', said: ' (default false)' });
  assert.deepEqual(defaultOf({ type: 'string', description: 'Protocol. Default any.' }), { value: '`any`', said: 'Default any.' });
  assert.deepEqual(defaultOf({ type: 'string', description: 'present (default) or absent.' }), { value: '`present`' });
  assert.deepEqual(defaultOf({ type: 'string', description: 'Default policy for direction.' }), { value: '' });
});
