import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OptionsError, SourceError } from '../../../src/core/errors.js';
import { parseExtraVars } from '../../../src/load/vars.js';
import { loadVarsDirs } from '../../../src/load/varsDirs.js';

const dir = mkdtempSync(join(tmpdir(), 'extra-'));
writeFileSync(join(dir, 'vars.yml'), 'redis_port: 6380\nnodes: [a, b]\n');
writeFileSync(join(dir, 'vars.json'), '{"redis_port": 6381, "tls": true}');
writeFileSync(join(dir, 'list.yml'), '- a\n- b\n');
writeFileSync(join(dir, 'broken.yml'), 'a: 1\n  b: 2\n');

test('-e k=v: values stay strings, quotes group words', () => {
  assert.deepEqual(parseExtraVars(['redis_port=6380 mode="read only" flag=true'], dir), { redis_port: '6380', mode: 'read only', flag: 'true' });
});

test('-e JSON/YAML mapping keeps types', () => {
  assert.deepEqual(parseExtraVars(['{"redis_port": 6380, "nodes": ["a"]}'], dir), { redis_port: 6380, nodes: ['a'] });
  assert.deepEqual(parseExtraVars(['{port: 1, enabled: yes}'], dir), { port: 1, enabled: true });
});

test('-e @file.yml and @file.json, relative to cwd', () => {
  assert.deepEqual(parseExtraVars(['@vars.yml'], dir), { redis_port: 6380, nodes: ['a', 'b'] });
  assert.deepEqual(parseExtraVars(['@vars.json'], dir), { redis_port: 6381, tls: true });
});

test('several -e: later wins per variable', () => {
  assert.deepEqual(parseExtraVars(['@vars.yml', 'redis_port=7000', '{"tls": false}'], dir), { redis_port: '7000', nodes: ['a', 'b'], tls: false });
});

test('-e errors: missing file, not a mapping, bad JSON, bare word, YAML syntax error positioned', () => {
  assert.throws(() => parseExtraVars(['@nope.yml'], dir), (e: unknown) => e instanceof OptionsError && /-e @nope\.yml: file not found/.test(e.message));
  assert.throws(() => parseExtraVars(['@list.yml'], dir), (e: unknown) => e instanceof SourceError && /mapping of names to values, not a list/.test(e.problems[0]!.message));
  assert.throws(() => parseExtraVars(['{"a": '], dir), (e: unknown) => e instanceof OptionsError && /not valid JSON\/YAML/.test(e.message));
  assert.throws(() => parseExtraVars(['port'], dir), (e: unknown) => e instanceof OptionsError && /expected key=value, got "port"/.test(e.message));
  assert.throws(() => parseExtraVars(['@broken.yml'], dir), (e: unknown) => {
    assert.ok(e instanceof SourceError);
    assert.equal(e.problems[0]!.file, join(dir, 'broken.yml'));
    assert.match(e.problems[0]!.message, /YAML/);
    return true;
  });
});

test('vars dirs: file per name, folder per name merged in name order, first of NAME/NAME.yml/.yaml/.json wins', () => {
  const root = mkdtempSync(join(tmpdir(), 'vdirs-'));
  mkdirSync(join(root, 'group_vars/web'), { recursive: true });
  mkdirSync(join(root, 'host_vars'));
  writeFileSync(join(root, 'group_vars/all.yml'), 'a: 1\n');
  writeFileSync(join(root, 'group_vars/all.json'), '{"a": 2}');
  writeFileSync(join(root, 'group_vars/web/b.yml'), 'x: b\nz: b\n');
  writeFileSync(join(root, 'group_vars/web/a.yml'), 'x: a\n');
  writeFileSync(join(root, 'group_vars/web/notes.md'), '# not vars\n');
  writeFileSync(join(root, 'group_vars/web/.hidden.yml'), 'x: hidden\n');
  writeFileSync(join(root, 'group_vars/README.md'), '# not vars\n');
  writeFileSync(join(root, 'host_vars/web1.example.com'), 'port: 1\n');
  writeFileSync(join(root, 'host_vars/web2.yml~'), 'port: 2\n');
  assert.deepEqual(loadVarsDirs(root), {
    groupVars: { all: { a: 1 }, web: { x: 'b', z: 'b' } },
    hostVars: { 'web1.example.com': { port: 1 } },
  });
});

test('vars dirs: a vault-encrypted value or file is a positioned error with a hint', () => {
  const root = mkdtempSync(join(tmpdir(), 'vault-'));
  mkdirSync(join(root, 'host_vars'));
  writeFileSync(join(root, 'host_vars/db1.yml'), 'user: app\npassword: !vault |\n  $ANSIBLE_VAULT;1.1;AES256\n  6231\n');
  assert.throws(() => loadVarsDirs(root), (e: unknown) => {
    assert.ok(e instanceof SourceError);
    assert.deepEqual([e.problems[0]!.line, e.problems[0]!.col], [2, 11]);
    assert.match(e.problems[0]!.message, /encrypted with Ansible Vault/);
    assert.match(e.problems[0]!.hint!, /does not decrypt/);
    return true;
  });
});

test('vars dirs: absent folders give empty vars', () => {
  assert.deepEqual(loadVarsDirs(mkdtempSync(join(tmpdir(), 'none-'))), { groupVars: {}, hostVars: {} });
});
