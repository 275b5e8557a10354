import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { SourceError } from '../../../src/core/errors.js';
import { loadInventory } from '../../../src/load/inventory.js';

const root = new URL('../../../', import.meta.url).pathname;
const badDir = join(root, 'test/fixtures/bad');

async function problemsOf(fixture: string): Promise<SourceError['problems']> {
  const dir = join(badDir, fixture);
  const source = readdirSync(dir).find((f) => f.startsWith('inventory'));
  assert.ok(source, `${fixture} has an inventory file or folder`);
  try {
    await loadInventory(join(dir, source));
  } catch (e) {
    assert.ok(e instanceof SourceError, `${fixture}: expected a SourceError, got ${String(e)}`);
    return e.problems;
  }
  assert.fail(`${fixture}: the inventory loaded without error`);
}

for (const fixture of readdirSync(badDir).filter((d) => d.startsWith('inventory-')).sort()) {
  test(`bad inventory fixture ${fixture}: first problem is expected.txt`, async () => {
    const expected = readFileSync(join(badDir, fixture, 'expected.txt'), 'utf8').trim();
    const [first] = await problemsOf(fixture);
    assert.equal(`${relative(root, first!.file)}:${first!.line}:${first!.col}: ${first!.message}`, expected);
  });
}

test('unknown key in a YAML inventory suggests the key meant', async () => {
  const [p] = await problemsOf('inventory-unknown-key');
  assert.match(p!.hint!, /did you mean "children"\?/);
});

test('hosts written as a list: the hint shows the mapping form', async () => {
  const [p] = await problemsOf('inventory-hosts-list');
  assert.match(p!.hint!, /web1:/);
});

test('YAML in an .ini file is reported once, not once per line', async () => {
  const problems = await problemsOf('inventory-two-formats');
  assert.equal(problems.length, 1);
  assert.match(problems[0]!.hint!, /rename it to \*\.yml/);
});

test('undefined child group suggests the defined one', async () => {
  const [p] = await problemsOf('inventory-undefined-child');
  assert.equal(p!.hint, 'did you mean "web"?');
});

test('every problem of every file is reported at once', async () => {
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(join(tmpdir(), 'inv-bad-'));
  writeFileSync(join(dir, 'a.ini'), '[web]\nweb1 oops\n[db:nope]\n');
  writeFileSync(join(dir, 'b.yml'), 'all:\n  vars: [1]\n  hostz: {}\n');
  await assert.rejects(loadInventory(dir), (e: unknown) => {
    assert.ok(e instanceof SourceError);
    const lines = e.problems.map((p) => `${relative(dir, p.file)}:${p.line}:${p.col}`);
    assert.deepEqual(lines, ['a.ini:2:6', 'a.ini:3:5', 'b.yml:3:3', 'b.yml:2:9']);
    assert.match(e.problems[2]!.message, /unknown key "hostz"/);
    assert.match(e.problems[2]!.hint!, /did you mean "hosts"/);
    return true;
  });
});

test('an unterminated quote on an INI host line points at the quote', async () => {
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(join(tmpdir(), 'inv-q-'));
  writeFileSync(join(dir, 'hosts'), '[web]\nweb1 motd="hello\n');
  await assert.rejects(loadInventory(join(dir, 'hosts')), (e: unknown) => {
    assert.ok(e instanceof SourceError);
    assert.deepEqual([e.problems[0]!.line, e.problems[0]!.col], [2, 11]);
    assert.match(e.problems[0]!.message, /unterminated double quote/);
    return true;
  });
});
