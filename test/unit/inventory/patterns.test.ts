import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OptionsError } from '../../../src/core/errors.js';
import { loadInventory } from '../../../src/load/inventory.js';
import { matchHosts, matchHostsWithWarnings } from '../../../src/load/patterns.js';
import { inventoryLayers, mergeLayers } from '../../../src/load/vars.js';

const fixtures = new URL('../../fixtures/inventory/', import.meta.url).pathname;
const inv = await loadInventory('yaml/hosts.yml', { cwd: fixtures });
const ALL = ['bastion', 'redis1', 'redis2', 'redis3', 'web01.example.com', 'web02.example.com', 'web03.example.com'];
const WEB = ['web01.example.com', 'web02.example.com', 'web03.example.com'];

const cases: Array<[string, string[]]> = [
  ['all', ALL],
  ['*', ALL],
  ['redis2', ['redis2']],
  ['redis', ['redis1', 'redis2', 'redis3']],
  ['redis_replicas', ['redis2', 'redis3']],
  ['redis*', ['redis1', 'redis2', 'redis3']],
  ['redis?', ['redis1', 'redis2', 'redis3']],
  ['web0[12]*', ['web01.example.com', 'web02.example.com']],
  ['web0[!12]*', ['web03.example.com']],
  ['*.example.com', WEB],
  ['~web0[23]', ['web02.example.com', 'web03.example.com']],
  ['~(bastion|redis1)', ['bastion', 'redis1']],
  ['redis_master:web', ['redis1', ...WEB]],
  ['redis_master,web', ['redis1', ...WEB]],
  ['web, redis_master', ['redis1', ...WEB]], // inventory order, whatever the pattern order
  ['redis:&sentinels', ['redis1', 'redis2', 'redis3']],
  ['redis:&redis_replicas', ['redis2', 'redis3']],
  ['redis:!redis_master', ['redis2', 'redis3']],
  ['!redis_master:redis', ['redis2', 'redis3']], // exclusions apply last, wherever written
  ['!web', ['bastion', 'redis1', 'redis2', 'redis3']], // only exclusions: start from all
  ['all:!redis*:!bastion', WEB],
  ['&sentinels:!redis3', ['redis1', 'redis2']],
  ['ungrouped', ['bastion']],
  // Ansible's subscripts: index, negative index, open and inclusive slices; a bracket of digits is a subscript, not a glob
  ['redis[0]', ['redis1']],
  ['redis[-1]', ['redis3']],
  ['redis[1:]', ['redis2', 'redis3']],
  ['redis[0:1]', ['redis1', 'redis2']],
  ['web[1:]:!web03*', ['web02.example.com']],
  ['redis:!redis[0]', ['redis2', 'redis3']],
  ['web0[12]', []], // Ansible: "web0" with subscript [12], which matches nothing
];
for (const [pattern, expected] of cases) {
  test(`pattern ${JSON.stringify(pattern)}`, () => {
    assert.deepEqual(matchHosts(inv, pattern), expected);
  });
}

test('@file: one name a line, relative to cwd, comments and blank lines ignored', () => {
  const dir = mkdtempSync(join(tmpdir(), 'limit-'));
  writeFileSync(join(dir, 'retry.txt'), '# failed last time\nredis3\n\nbastion\n');
  assert.deepEqual(matchHosts(inv, '@retry.txt', { cwd: dir }), ['bastion', 'redis3']);
  assert.deepEqual(matchHosts(inv, 'redis:!@retry.txt', { cwd: dir }), ['redis1', 'redis2']);
  assert.deepEqual(matchHosts(inv, 'all:&@retry.txt', { cwd: dir }), ['bastion', 'redis3']);
});

test('@file that does not exist is an OptionsError naming the file', () => {
  assert.throws(() => matchHosts(inv, '@missing.txt', { cwd: '/tmp' }), (e: unknown) => {
    assert.ok(e instanceof OptionsError);
    assert.match(e.message, /host pattern "@missing\.txt": cannot read \/tmp\/missing\.txt/);
    return true;
  });
});

test('an invalid regex is an OptionsError', () => {
  assert.throws(() => matchHosts(inv, '~web(('), { name: 'OptionsError', message: /invalid regular expression/ });
});

test('unknown names match nothing and warn, with a suggestion', () => {
  const r = matchHostsWithWarnings(inv, 'redis_mastr:web');
  assert.deepEqual(r.hosts, WEB);
  assert.deepEqual(r.warnings, ['Could not match supplied host pattern, ignoring: redis_mastr (did you mean "redis_master"?)']);
  assert.deepEqual(matchHostsWithWarnings(inv, 'all').warnings, []);
});

test('implicit localhost: matched by name only, not part of all, connection local', () => {
  assert.deepEqual(matchHosts(inv, 'localhost'), ['localhost']);
  assert.deepEqual(matchHostsWithWarnings(inv, 'localhost').warnings, []);
  assert.deepEqual(matchHosts(inv, 'redis_master:localhost'), ['redis1', 'localhost']);
  assert.equal(matchHosts(inv, 'all').includes('localhost'), false);
  assert.deepEqual(matchHosts(inv, 'localhost:!localhost'), []);
  assert.equal(mergeLayers(inventoryLayers(inv, undefined, 'localhost'))['ansible_connection'], 'local');
  // all-group vars reach the implicit localhost too, as in Ansible.
  assert.equal(mergeLayers(inventoryLayers(inv, undefined, 'localhost'))['ntp_server'], 'pool.ntp.org');
});

test('a localhost listed in the inventory is a normal host', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'inv-local-'));
  writeFileSync(join(dir, 'hosts.ini'), '[control]\nlocalhost ansible_connection=ssh\n');
  const local = await loadInventory(join(dir, 'hosts.ini'));
  assert.deepEqual(matchHosts(local, 'all'), ['localhost']);
  assert.equal(mergeLayers(inventoryLayers(local, undefined, 'localhost'))['ansible_connection'], 'ssh');
});

test('a subscript past the end matches nothing, with a warning that says so', () => {
  const r = matchHostsWithWarnings(inv, 'redis[7]');
  assert.deepEqual(r.hosts, []);
  assert.match(r.warnings.join('\n'), /redis\[7\]": index 7 is out of range \(3 hosts/);
});
