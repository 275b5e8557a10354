import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseListing, unescapeTarName } from '../../../src/modules/support/archive.js';

test('tar listings are unescaped, so names with newlines or backslashes are not re-extracted every run', () => {
  assert.equal(unescapeTarName('plain/name.txt'), 'plain/name.txt');
  assert.equal(unescapeTarName('a\\nb'), 'a\nb');
  assert.equal(unescapeTarName('back\\\\slash'), 'back\\slash');
  assert.equal(unescapeTarName('caf\\303\\251'), 'café');
});

test('a real tar listing of hostile names parses back to the exact names', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rp-tar-'));
  const names = ['dir/a b.txt', 'dir/line\nbreak', 'dir/back\\slash', 'dir/ünï'];
  mkdirSync(join(dir, 'src/dir'), { recursive: true });
  for (const n of names) writeFileSync(join(dir, 'src', n), 'x');
  execFileSync('tar', ['-czf', join(dir, 'a.tgz'), '-C', join(dir, 'src'), 'dir']);
  const listing = execFileSync('tar', ['-tzf', join(dir, 'a.tgz'), '--quoting-style=escape']).toString();
  assert.deepEqual(parseListing('tar.gz', listing).sort(), ['dir', ...names].sort());
});
