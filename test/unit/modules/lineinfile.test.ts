import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import lineinfile, { planLineinfile } from '../../../src/modules/lineinfile.js';
import { editLines, type LineEditArgs } from '../../../src/modules/support/lineEdit.js';
import { LocalShellConnection, makeContext, runModule } from './fakeConnection.js';

// Expected outputs follow ansible.builtin.lineinfile (lineinfile.py present/absent), traps included.
const cases: { name: string; before: string; args: LineEditArgs; after: string; msg: string }[] = [
  { name: 'append when missing', before: 'a\nb\n', args: { line: 'c' }, after: 'a\nb\nc\n', msg: 'line added' },
  { name: 'exact line present: nothing', before: 'a\nc\nb\n', args: { line: 'c' }, after: 'a\nc\nb\n', msg: '' },
  { name: 'adds newline to last line first', before: 'a', args: { line: 'c' }, after: 'a\nc\n', msg: 'line added' },
  { name: 'regexp replaces the LAST match', before: 'port 1\nport 2\nx\n', args: { regexp: '^port', line: 'port 9' }, after: 'port 1\nport 9\nx\n', msg: 'line replaced' },
  { name: 'firstmatch replaces the first', before: 'port 1\nport 2\n', args: { regexp: '^port', line: 'port 9', firstmatch: true }, after: 'port 9\nport 2\n', msg: 'line replaced' },
  { name: 'regexp matching new line: idempotent', before: 'port 9\n', args: { regexp: '^port', line: 'port 9' }, after: 'port 9\n', msg: '' },
  { name: 'trap: regexp not matching the new line appends (run 1)', before: 'maxmemory 1mb\n', args: { regexp: '^maxmemory 1mb$', line: 'maxmemory 2mb' }, after: 'maxmemory 2mb\n', msg: 'line replaced' },
  { name: 'trap: ... and on run 2 the line exists exactly, so nothing', before: 'maxmemory 2mb\n', args: { regexp: '^maxmemory 1mb$', line: 'maxmemory 2mb' }, after: 'maxmemory 2mb\n', msg: '' },
  { name: 'trap: regexp that never matches appends (and stays, exact line found)', before: 'x\n', args: { regexp: '^nomatch', line: 'y' }, after: 'x\ny\n', msg: 'line added' },
  { name: 'insertafter regexp: after the last match', before: '[a]\nk=1\n[a]\nk=2\n', args: { line: 'new', insertafter: '^\\[a\\]' }, after: '[a]\nk=1\n[a]\nnew\nk=2\n', msg: 'line added' },
  { name: 'insertafter firstmatch', before: '[a]\nk=1\n[a]\n', args: { line: 'new', insertafter: '^\\[a\\]', firstmatch: true }, after: '[a]\nnew\nk=1\n[a]\n', msg: 'line added' },
  { name: 'insertafter no match: EOF', before: 'x\n', args: { line: 'new', insertafter: '^nomatch' }, after: 'x\nnew\n', msg: 'line added' },
  { name: 'insertafter last line', before: 'x\n[a]\n', args: { line: 'new', insertafter: '^\\[a\\]' }, after: 'x\n[a]\nnew\n', msg: 'line added' },
  { name: 'insertbefore regexp', before: 'x\nend\n', args: { line: 'new', insertbefore: '^end' }, after: 'x\nnew\nend\n', msg: 'line added' },
  { name: 'insertbefore BOF', before: 'x\n', args: { line: '#!/bin/sh', insertbefore: 'BOF' }, after: '#!/bin/sh\nx\n', msg: 'line added' },
  { name: 'insertafter ignored when regexp matches', before: 'a=1\n[s]\n', args: { regexp: '^a=', line: 'a=2', insertafter: '^\\[s\\]' }, after: 'a=2\n[s]\n', msg: 'line replaced' },
  { name: 'backrefs expand groups', before: 'host=old\n', args: { regexp: '^(host=).*', line: '\\1new', backrefs: true }, after: 'host=new\n', msg: 'line replaced' },
  { name: 'backrefs named group (Python syntax)', before: 'bind 1.2.3.4\n', args: { regexp: '^(?P<k>bind) .*', line: '\\g<k> 0.0.0.0', backrefs: true }, after: 'bind 0.0.0.0\n', msg: 'line replaced' },
  { name: 'backrefs without a match: nothing, never insert', before: 'x\n', args: { regexp: '^(host=).*', line: '\\1new', backrefs: true }, after: 'x\n', msg: '' },
  { name: 'search_string replaces literally', before: 'a.b=1\naxb=2\n', args: { search_string: 'a.b', line: 'a.b=3' }, after: 'a.b=3\naxb=2\n', msg: 'line replaced' },
  { name: 'python $ matches before newline', before: 'k = v\n', args: { regexp: 'k = v$', line: 'k = w' }, after: 'k = w\n', msg: 'line replaced' },
  { name: 'empty file', before: '', args: { line: 'x' }, after: 'x\n', msg: 'line added' },
  { name: 'absent removes every matching line', before: 'a\n#x\nb\n#y\n', args: { state: 'absent', regexp: '^#' }, after: 'a\nb\n', msg: '2 line(s) removed' },
  { name: 'absent by exact line', before: 'a\nb\n', args: { state: 'absent', line: 'b' }, after: 'a\n', msg: '1 line(s) removed' },
  { name: 'absent when not there', before: 'a\n', args: { state: 'absent', line: 'b' }, after: 'a\n', msg: '' },
];

test('lineinfile editing table (Ansible semantics)', () => {
  for (const c of cases) {
    const out = editLines(c.before, c.args);
    assert.equal(out.content, c.after, c.name);
    assert.equal(out.msg, c.msg, c.name);
    assert.equal(out.changed, c.before !== c.after, c.name);
  }
});

test('lineinfile argument errors are the ones Ansible gives', () => {
  assert.throws(() => editLines('', { line: 'x', regexp: 'a', search_string: 'b' }), /mutually exclusive/);
  assert.throws(() => editLines('', { backrefs: true, line: 'x' }), /regexp is required with backrefs/);
  assert.throws(() => editLines('', { state: 'absent' }), /one of line, search_string, or regexp/);
});

const fileState = (content: string) => ({
  path: '/etc/x', check: false, content,
  state: { exists: true as const, type: 'file' as const, mode: 0o644, uid: 0, gid: 0, owner: 'root', group: 'root', size: content.length, mtime: 0, inode: 1, device: 1, checksum: 'differs' },
});

test('lineinfile plan: diff before/after, missing file needs create, dest alias', () => {
  const plan = planLineinfile(fileState('a\n'), { dest: '/etc/x', line: 'b' });
  assert.equal(plan.changes.length, 1);
  assert.deepEqual(plan.changes[0]!.diff, { path: '/etc/x', before: 'a\n', after: 'a\nb\n' });
  assert.equal(plan.result?.msg, 'line added');
  const missing = { path: '/etc/x', check: false, state: { exists: false as const } };
  assert.throws(() => planLineinfile(missing, { path: '/etc/x', line: 'b' }), /does not exist/);
  assert.equal(planLineinfile(missing, { path: '/etc/x', line: 'b', create: true }).changes.length, 1);
  assert.equal(planLineinfile({ ...missing, check: true }, { path: '/etc/x', line: 'b' }).changes.length, 1, 'check mode: planned, not failed');
  assert.equal(planLineinfile(missing, { path: '/etc/x', line: 'b', state: 'absent' }).changes.length, 0);
});

test('lineinfile on a real file: changed then ok, backup, create, hostile path and line', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rp-lif-'));
  const path = join(dir, `conf '$(touch PWNED)";x`);
  writeFileSync(path, 'port 6379\nbind 127.0.0.1\n');
  const ctx = makeContext(new LocalShellConnection());
  const args = { path, regexp: '^bind ', line: `bind 0.0.0.0 '$(id)'`, backup: true };
  const first = await runModule(lineinfile, args, ctx);
  assert.equal(first.changed, true);
  assert.equal(readFileSync(path, 'utf8'), `port 6379\nbind 0.0.0.0 '$(id)'\n`);
  assert.ok(typeof first.result.backup === 'string' && readFileSync(first.result.backup as string, 'utf8').includes('bind 127.0.0.1'));
  assert.equal((await runModule(lineinfile, args, ctx)).changed, false);
  const created = join(dir, 'sub', 'new.conf');
  await runModule(lineinfile, { path: created, line: 'x', create: true, mode: '0600' }, ctx);
  assert.equal(readFileSync(created, 'utf8'), 'x\n');
  assert.ok(!readdirSync(dir).includes('PWNED'));
});
