import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SourceError } from '../../../src/core/errors.js';
import type { ModuleRegistry } from '../../../src/core/registry.js';
import { loadPlaybook } from '../../../src/load/playbook.js';
import { formatProblems } from '../../../src/report/problems.js';
import { lineOf, problemsOf, project, templates } from './helpers.js';

const base = join(import.meta.dirname, '../../fixtures/bad');
const fixtures = readdirSync(base)
  .filter((n) => !n.startsWith('inventory-'))
  .sort();

test('there is a bad-playbook fixture for every case issue 3 lists', () => {
  for (const name of ['yaml-syntax', 'tab-indentation', 'duplicate-keys', 'wrong-type', 'unknown-play-key', 'unknown-task-key', 'two-modules', 'no-module', 'unknown-module', 'missing-module-argument', 'bad-enum', 'missing-role', 'missing-role-file', 'missing-template', 'missing-copy-src', 'template-syntax', 'jinja-construct', 'role-cycle', 'include-loop', 'empty-playbook', 'playbook-is-mapping', 'yaml-bomb']) {
    assert.ok(fixtures.includes(name), `missing fixture ${name}`);
  }
});

for (const name of fixtures) {
  test(`bad playbook "${name}" is refused with the expected first problem`, async () => {
    const root = join(base, name);
    const expected = readFileSync(join(root, 'expected.txt'), 'utf8').trim();
    const problems = await problemsOf(root);
    assert.equal(lineOf(root, problems[0]!), expected);
    for (const p of problems) {
      assert.ok(p.file.length > 0 && p.line >= 1 && p.col >= 1, `problem without a position: ${JSON.stringify(p)}`);
    }
    // The rendered report starts with the same line and shows the source line with a caret.
    const text = formatProblems(problems, { cwd: root });
    assert.ok(text.startsWith(expected), text);
    assert.match(text, /\n\s+\d+ \| .*\n\s+\| *\^/);
  });
}

/** The real module registry, when the module engineers' index is importable. */
async function realRegistry(): Promise<ModuleRegistry | undefined> {
  try {
    const mod = (await import('../../../src/modules/index.js')) as { createDefaultRegistry?: () => ModuleRegistry };
    return mod.createDefaultRegistry?.();
  } catch {
    return undefined;
  }
}

test('every bad fixture is also refused, with positions, under the real module registry', async (t) => {
  const registry = await realRegistry();
  if (!registry) return t.skip('src/modules/index.ts is not importable yet');
  for (const name of fixtures) {
    const root = join(base, name);
    await assert.rejects(loadPlaybook(join(root, 'site.yml'), { registry, templates, cwd: root }), (e: unknown) => {
      assert.ok(e instanceof SourceError, `${name}: ${String(e)}`);
      assert.ok(e.problems.length > 0);
      for (const p of e.problems) assert.ok(p.line >= 1 && p.col >= 1, `${name}: ${JSON.stringify(p)}`);
      return true;
    });
  }
});

test('a 10 MB playbook loads or is refused clearly within a few seconds', async () => {
  const task = (i: number) => `    - name: task number ${i} with a reasonably long name to take up space\n      debug:\n        msg: "item ${i} of the generated playbook, padded with text to make it larger"\n`;
  const parts: string[] = ['- hosts: all\n  tasks:\n'];
  let size = parts[0]!.length;
  for (let i = 0; size < 10 * 1024 * 1024; i++) {
    const t = task(i);
    parts.push(t);
    size += t.length;
  }
  const root = project({});
  writeFileSync(join(root, 'site.yml'), parts.join(''));
  const started = Date.now();
  try {
    const pb = await loadPlaybook(join(root, 'site.yml'), { registry: (await import('./helpers.js')).testRegistry(), templates, cwd: root });
    assert.ok(pb.plays[0]!.tasks.length > 50000);
  } catch (e) {
    assert.ok(e instanceof SourceError, String(e));
    assert.match(e.problems[0]!.message, /MB|too large|limit/);
  }
  assert.ok(Date.now() - started < 5000, `took ${Date.now() - started} ms`);
});
