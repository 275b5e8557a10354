import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import replace, { planReplace, replaceText } from '../../../src/modules/replace.js';
import { ModuleRegistry } from '../../../src/core/registry.js';
import { fileModules } from '../../../src/modules/fileModules.js';
import { LocalShellConnection, makeContext, runModule } from './fakeConnection.js';

type R = Parameters<typeof replaceText>[1];
// Expected outputs follow ansible.builtin.replace (re.subn with re.MULTILINE; after/before with re.DOTALL).
const cases: { name: string; before: string; args: R; after: string; msg: string }[] = [
  { name: 'every match replaced', before: 'a=1\nb=1\na=2\n', args: { regexp: '^a=', replace: 'A=' }, after: 'A=1\nb=1\nA=2\n', msg: '2 replacements made' },
  { name: 'replace defaults to empty: deletes', before: 'x # note\ny\n', args: { regexp: ' # .*$' }, after: 'x\ny\n', msg: '1 replacements made' },
  { name: 'numbered backrefs \\1 and \\g<1>', before: 'port 6379\n', args: { regexp: '^port (\\d+)$', replace: 'port \\g<1>0 # \\1' }, after: 'port 63790 # 6379\n', msg: '1 replacements made' },
  { name: 'Python named group and \\g<name>', before: 'bind 1.2.3.4\n', args: { regexp: '^bind (?P<addr>\\S+)$', replace: 'bind 0.0.0.0 # \\g<addr>' }, after: 'bind 0.0.0.0 # 1.2.3.4\n', msg: '1 replacements made' },
  { name: '(?P=name) back-reference in the regexp', before: 'aa ab\n', args: { regexp: '(?P<c>\\w)(?P=c)', replace: 'X' }, after: 'X ab\n', msg: '1 replacements made' },
  { name: '\\n in replace is a newline', before: 'a;b\n', args: { regexp: ';', replace: '\\n' }, after: 'a\nb\n', msg: '1 replacements made' },
  { name: 'multiline $ matches each line end', before: 'a \nb \n', args: { regexp: ' $', replace: '' }, after: 'a\nb\n', msg: '2 replacements made' },
  { name: 'no match: nothing', before: 'a\n', args: { regexp: '^z' }, after: 'a\n', msg: '' },
  { name: 'same text after replacing: not changed', before: 'a\n', args: { regexp: 'a', replace: 'a' }, after: 'a\n', msg: '' },
  { name: 'after: only text after the first match', before: 'x=1\n[s]\nx=2\nx=3\n', args: { regexp: '^x=', replace: 'y=', after: '\\[s\\]' }, after: 'x=1\n[s]\ny=2\ny=3\n', msg: '2 replacements made' },
  { name: 'before: only text before the last match', before: 'x=1\n[s]\nx=2\n[s]\nx=3\n', args: { regexp: '^x=', replace: 'y=', before: '\\[s\\]' }, after: 'y=1\n[s]\ny=2\n[s]\nx=3\n', msg: '2 replacements made' },
  { name: 'after and before: the section between', before: 'x\n# b\nx\nx\n# e\nx\n', args: { regexp: '^x$', replace: 'y', after: '# b', before: '# e' }, after: 'x\n# b\ny\ny\n# e\nx\n', msg: '2 replacements made' },
  { name: 'section not found: nothing, with the pattern in msg', before: 'x\n', args: { regexp: 'x', after: 'nope' }, after: 'x\n', msg: 'Pattern for before/after params did not match the given file: nope(?P<subsection>.*)' },
  { name: 'empty matches as Python 3.7+', before: 'abxd', args: { regexp: 'x*', replace: '-' }, after: '-a-b--d-', msg: '5 replacements made' },
];

test('replace editing table (Ansible semantics)', () => {
  for (const c of cases) {
    const out = replaceText(c.before, c.args);
    assert.equal(out.content, c.after, c.name);
    assert.equal(out.msg, c.msg, c.name);
    assert.equal(out.changed, c.before !== c.after, c.name);
  }
});

const fileState = (content: string, mode = 0o644) => ({
  path: '/etc/x', check: false, content,
  state: { exists: true as const, type: 'file' as const, mode, uid: 0, gid: 0, owner: 'root', group: 'root', size: content.length, mtime: 0, inode: 1, device: 1, checksum: 'differs' },
});

test('replace plan: diff, aliases, attributes, missing file, directory, bad patterns', () => {
  const plan = planReplace(fileState('a\n'), { destfile: '/etc/x', regexp: 'a', replace: 'b' });
  assert.equal(plan.changes.length, 1);
  assert.deepEqual(plan.changes[0]!.diff, { path: '/etc/x', before: 'a\n', after: 'b\n' });
  assert.equal(plan.result?.msg, '1 replacements made');
  const both = planReplace(fileState('a\n'), { name: '/etc/x', regexp: 'a', replace: 'b', mode: '0600' });
  assert.equal(both.changes.length, 2);
  assert.equal(both.result?.msg, '1 replacements made and ownership, perms or SE linux context changed');
  const attrs = planReplace(fileState('a\n'), { path: '/etc/x', regexp: 'z', mode: '0600' });
  assert.equal(attrs.changes.length, 1);
  assert.equal(attrs.result?.msg, 'ownership, perms or SE linux context changed');
  const none = planReplace(fileState('a\n'), { path: '/etc/x', regexp: 'a', after: 'q' });
  assert.deepEqual([none.changes.length, none.result?.msg], [0, 'Pattern for before/after params did not match the given file: q(?P<subsection>.*)']);

  const missing = { path: '/etc/x', check: false, state: { exists: false as const } };
  assert.throws(() => planReplace(missing, { path: '/etc/x', regexp: 'a' }), /^ModuleError: Path \/etc\/x does not exist !$/);
  assert.equal(planReplace({ ...missing, check: true }, { path: '/etc/x', regexp: 'a' }).changes.length, 1, 'check mode: planned, not failed');
  const dir = { ...fileState(''), state: { ...fileState('').state, type: 'directory' as const } };
  assert.throws(() => planReplace(dir, { path: '/etc/x', regexp: 'a' }), /is a directory/);
  assert.throws(() => planReplace(fileState('a'), { path: '/etc/x', regexp: 'a', after: '(' }), (e: Error) => e.name === 'ModuleError' && /invalid regular expression/.test(e.message));
  assert.throws(() => planReplace(fileState('a'), { regexp: 'a' }), /replace: path is required/);
});

test('replace answers to ansible.builtin.replace', () => {
  const reg = new ModuleRegistry(fileModules);
  assert.equal(reg.get('ansible.builtin.replace'), replace);
  assert.equal(reg.get('replace'), replace);
});

test('replace on a real file: changed then ok, backup_file, encoding, hostile path and replacement', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rp-rep-'));
  const path = join(dir, `conf '$(touch PWNED)";x`);
  writeFileSync(path, 'bind 127.0.0.1\nport 6379\n');
  const ctx = makeContext(new LocalShellConnection());
  const args = { path, regexp: '^bind (127\\S*)$', replace: `bind 0.0.0.0 '$(id)' # \\1`, backup: true, encoding: 'UTF-8' };
  const first = await runModule(replace, args, ctx);
  assert.equal(first.changed, true);
  assert.equal(first.result.msg, '1 replacements made');
  assert.equal(readFileSync(path, 'utf8'), `bind 0.0.0.0 '$(id)' # 127.0.0.1\nport 6379\n`);
  assert.ok(typeof first.result.backup_file === 'string' && readFileSync(first.result.backup_file as string, 'utf8').startsWith('bind 127.0.0.1'));
  const second = await runModule(replace, args, ctx);
  assert.deepEqual([second.changed, second.result.msg], [false, '']);
  await assert.rejects(runModule(replace, { ...args, encoding: 'latin-1' }, ctx), /encoding latin-1 is not supported/);
  await assert.rejects(runModule(replace, { ...args, regexp: '(' }, ctx), /replace: invalid regular expression/);
  assert.ok(!readdirSync(dir).includes('PWNED'));
});
