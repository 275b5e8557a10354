/**
 * scripts/bundle.mjs replaces tsc's dist/cli/main.js with one ES module; the `bin` must start with its shebang, and
 * tsc's map of the replaced file must not ship (it described different lines).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../../../', import.meta.url));

test('the bundled CLI starts with its shebang and leaves no stale source map beside it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rp-bundle-'));
  try {
    symlinkSync(join(repo, 'src'), join(dir, 'src'));
    mkdirSync(join(dir, 'dist/cli'), { recursive: true });
    writeFileSync(join(dir, 'dist/cli/main.js.map'), '{"version":3,"sources":["../../src/cli/main.ts"],"mappings":""}');
    const r = spawnSync(process.execPath, [join(repo, 'scripts/bundle.mjs')], { cwd: dir, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(readFileSync(join(dir, 'dist/cli/main.js'), 'utf8'), /^#!\/usr\/bin\/env node\n/);
    assert.equal(existsSync(join(dir, 'dist/cli/main.js.map')), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
