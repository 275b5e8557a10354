import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import blockinfile from '../../../src/modules/blockinfile.js';
import { editBlock, type BlockEditArgs } from '../../../src/modules/support/blockEdit.js';
import { LocalShellConnection, makeContext, runModule } from './fakeConnection.js';

const B = '# BEGIN ANSIBLE MANAGED BLOCK\n';
const E = '# END ANSIBLE MANAGED BLOCK\n';

const cases: { name: string; before: string | undefined; args: BlockEditArgs; after: string; msg: string }[] = [
  { name: 'append at EOF', before: 'a\n', args: { block: 'x\ny' }, after: `a\n${B}x\ny\n${E}`, msg: 'Block inserted' },
  { name: 'idempotent', before: `a\n${B}x\ny\n${E}`, args: { block: 'x\ny' }, after: `a\n${B}x\ny\n${E}`, msg: '' },
  { name: 'replace the block in place', before: `a\n${B}old\n${E}z\n`, args: { block: 'new' }, after: `a\n${B}new\n${E}z\n`, msg: 'Block inserted' },
  { name: 'empty block removes it', before: `a\n${B}old\n${E}z\n`, args: { block: '' }, after: 'a\nz\n', msg: 'Block removed' },
  { name: 'state absent removes it', before: `a\n${B}old\n${E}`, args: { state: 'absent', block: 'old' }, after: 'a\n', msg: 'Block removed' },
  { name: 'insertbefore BOF', before: 'a\n', args: { block: 'x', insertbefore: 'BOF' }, after: `${B}x\n${E}a\n`, msg: 'Block inserted' },
  { name: 'insertafter regexp (last match)', before: '[s]\nk\n[s]\nm\n', args: { block: 'x', insertafter: '^\\[s\\]' }, after: `[s]\nk\n[s]\n${B}x\n${E}m\n`, msg: 'Block inserted' },
  { name: 'insertbefore regexp', before: 'a\nend\n', args: { block: 'x', insertbefore: '^end' }, after: `a\n${B}x\n${E}end\n`, msg: 'Block inserted' },
  { name: 'adds newline to last line', before: 'a', args: { block: 'x' }, after: `a\n${B}x\n${E}`, msg: 'Block inserted' },
  { name: 'custom marker', before: '', args: { block: 'x', marker: '; {mark} redis', marker_begin: 'start', marker_end: 'stop' }, after: '; start redis\nx\n; stop redis\n', msg: 'Block inserted' },
  { name: 'create missing file', before: undefined, args: { block: 'x' }, after: `${B}x\n${E}`, msg: 'File created' },
  { name: 'markers out of order are handled', before: `${E}mid\n${B}`, args: { block: 'x' }, after: `${B}x\n${E}`, msg: 'Block inserted' },
  { name: 'prepend/append blank lines', before: 'a\nb\n', args: { block: 'x', insertafter: '^a', prepend_newline: true, append_newline: true }, after: `a\n\n${B}x\n${E}\nb\n`, msg: 'Block inserted' },
];

test('blockinfile editing table (Ansible semantics)', () => {
  for (const c of cases) {
    const out = editBlock(c.before, c.args);
    assert.equal(out.content, c.after, c.name);
    assert.equal(out.msg, c.msg, c.name);
  }
});

test('blockinfile on a real file: changed, then ok, check mode leaves it alone', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rp-bif-'));
  const path = join(dir, 'hosts $(x)');
  writeFileSync(path, '127.0.0.1 localhost\n');
  const conn = new LocalShellConnection();
  const args = { path, block: '10.0.0.1 s1\n10.0.0.2 s2', marker: '# {mark} sentinels' };
  const dry = await runModule(blockinfile, args, makeContext(conn, { check: true }));
  assert.equal(dry.changed, true);
  assert.equal(readFileSync(path, 'utf8'), '127.0.0.1 localhost\n');
  assert.equal(dry.plan.changes[0]!.diff!.after, '127.0.0.1 localhost\n# BEGIN sentinels\n10.0.0.1 s1\n10.0.0.2 s2\n# END sentinels\n');
  assert.equal((await runModule(blockinfile, args, makeContext(conn))).changed, true);
  assert.equal(readFileSync(path, 'utf8'), dry.plan.changes[0]!.diff!.after);
  assert.equal((await runModule(blockinfile, args, makeContext(conn))).changed, false);
});
