import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addHost, addHostToGroups, groupNamesOf, groupsMap, hostNames, loadInventory } from '../../../src/load/inventory.js';
import { inventoryLayers, mergeLayers } from '../../../src/load/vars.js';

const fixtures = new URL('../../fixtures/inventory/', import.meta.url).pathname;
const varsOf = async (source: string, host: string) => {
  const inv = await loadInventory(source, { cwd: fixtures });
  return mergeLayers(inventoryLayers(inv, undefined, host));
};

test('YAML inventory: hosts in file order, nested children, ranges expanded, a host in two groups merged', async () => {
  const inv = await loadInventory('yaml/hosts.yml', { cwd: fixtures });
  assert.deepEqual(hostNames(inv), ['bastion', 'redis1', 'redis2', 'redis3', 'web01.example.com', 'web02.example.com', 'web03.example.com']);
  const groups = groupsMap(inv);
  assert.deepEqual(groups['redis'], ['redis1', 'redis2', 'redis3']);
  assert.deepEqual(groups['redis_master'], ['redis1']);
  assert.deepEqual(groups['sentinels'], ['redis1', 'redis2', 'redis3']);
  assert.deepEqual(groups['ungrouped'], ['bastion']);
  assert.deepEqual(groups['all'], hostNames(inv));
  assert.deepEqual(inv.hosts.get('redis3')!.vars, { sentinel_quorum: 2 });
  assert.deepEqual(inv.hosts.get('web02.example.com')!.vars, { http_port: 8080 });
  assert.equal(inv.hosts.get('redis1')!.pos.line, 19);
});

test('group_names: every group containing the host through children, sorted, without all', async () => {
  const inv = await loadInventory('yaml/hosts.yml', { cwd: fixtures });
  assert.deepEqual(groupNamesOf(inv, 'redis1'), ['redis', 'redis_master', 'sentinels']);
  assert.deepEqual(groupNamesOf(inv, 'bastion'), ['ungrouped']);
  assert.deepEqual(groupNamesOf(inv, 'web01.example.com'), ['web']);
});

test('YAML group vars: deeper group wins over its parent, which wins over all', async () => {
  assert.equal((await varsOf('yaml/hosts.yml', 'redis1'))['tier'], 'redis_master');
  assert.equal((await varsOf('yaml/hosts.yml', 'redis2'))['tier'], 'redis');
  assert.equal((await varsOf('yaml/hosts.yml', 'web01.example.com'))['tier'], 'all');
  assert.equal((await varsOf('yaml/hosts.yml', 'redis2'))['redis_port'], 6379);
});

test('INI inventory: sections, :children, :vars, host:port, ranges and Ansible-typed values', async () => {
  const inv = await loadInventory('ini/hosts', { cwd: fixtures });
  assert.deepEqual(hostNames(inv), ['bastion', 'redis1', 'redis2', 'redis3']);
  assert.deepEqual(groupsMap(inv)['redis'], ['redis1', 'redis2', 'redis3']);
  assert.deepEqual(groupsMap(inv)['sentinels'], ['redis1', 'redis2', 'redis3']);
  assert.deepEqual(groupNamesOf(inv, 'bastion'), ['ungrouped']);
  assert.deepEqual(inv.hosts.get('redis1')!.vars, { ansible_host: '10.0.1.1', ansible_port: 2222, maxmemory: '100 mb' });
  // Python literals as Ansible's literal_eval reads them: True → true, None → null, numbers typed.
  assert.deepEqual(inv.hosts.get('redis2')!.vars, { replica_priority: 10, enabled: true, nothing: null });
  assert.deepEqual(inv.hosts.get('redis3')!.vars, { ansible_port: 2200 });
  // [g:vars]: quotes removed, trailing comment dropped, `yes` stays a string.
  assert.deepEqual(inv.groups.get('redis')!.vars, { redis_port: 6379, bind: '0.0.0.0', appendonly: 'yes' });
});

test('folder inventory: YAML and INI files merged in name order, backups/hidden/README skipped, vars dirs inside it', async () => {
  const inv = await loadInventory('folder', { cwd: fixtures });
  assert.deepEqual(hostNames(inv), ['web1', 'web2', 'db1']);
  assert.deepEqual(groupsMap(inv)['web'], ['web1', 'web2']);
  const web2 = await varsOf('folder', 'web2');
  // group_vars/web/ is a folder: 10-http.yml then 20-more.json; host_vars/web2.yaml beats them.
  assert.deepEqual(
    { ...web2 },
    { http_port: 8080, workers: 8, tls: true, ntp_server: 'time.example.com', ansible_host: '10.0.2.2' },
  );
  assert.deepEqual(await varsOf('folder', 'db1'), { ntp_server: 'time.example.com', db_engine: 'postgres' });
});

test('several sources merge; a host list "a,b," works like ansible -i', async () => {
  const inv = await loadInventory(['yaml/hosts.yml', 'folder', 'extra1,extra2,'], { cwd: fixtures });
  assert.ok(hostNames(inv).includes('web1'));
  assert.ok(hostNames(inv).includes('redis1'));
  assert.deepEqual(groupNamesOf(inv, 'extra2'), ['ungrouped']);
  // vars dirs of the folder apply to hosts of the other sources too (they are one inventory).
  assert.equal((await loadInventory(['yaml/hosts.yml', 'folder'], { cwd: fixtures })).varsDirs.groupVars['all']!['ntp_server'], 'time.example.com');
});

test('JSON inventory and a YAML inventory without extension are read as YAML', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'inv-'));
  writeFileSync(join(dir, 'hosts.json'), JSON.stringify({ all: { children: { db: { hosts: { db1: { ansible_port: 2201 } } } } } }));
  writeFileSync(join(dir, 'hosts'), 'all:\n  hosts:\n    app1:\n');
  const inv = await loadInventory(dir);
  assert.deepEqual(hostNames(inv).sort(), ['app1', 'db1']);
  assert.equal(inv.hosts.get('db1')!.vars['ansible_port'], 2201);
});

test('a missing inventory source is an options error naming it', async () => {
  await assert.rejects(loadInventory('nope.yml', { cwd: fixtures }), { name: 'OptionsError', message: /inventory source not found: nope\.yml/ });
});

test('add_host at run time: new host and group appear in groups, group_names and all', async () => {
  const inv = await loadInventory('yaml/hosts.yml', { cwd: fixtures });
  addHost(inv, 'new1', ['canary', 'web'], { ansible_host: '10.0.9.9' });
  assert.deepEqual(groupsMap(inv)['canary'], ['new1']);
  assert.ok(groupsMap(inv)['web']!.includes('new1'));
  assert.equal(hostNames(inv).at(-1), 'new1');
  assert.deepEqual(groupNamesOf(inv, 'new1'), ['canary', 'web']);
  assert.equal(mergeLayers(inventoryLayers(inv, undefined, 'new1'))['ansible_host'], '10.0.9.9');
  addHost(inv, 'loner', [], {});
  assert.deepEqual(groupNamesOf(inv, 'loner'), ['ungrouped']);
});

test('group_by at run time: host joins the group, made a child of the given parents', async () => {
  const inv = await loadInventory('yaml/hosts.yml', { cwd: fixtures });
  addHostToGroups(inv, 'bastion', ['os_debian'], ['linux']);
  assert.deepEqual(groupNamesOf(inv, 'bastion'), ['linux', 'os_debian']);
  assert.deepEqual(groupsMap(inv)['linux'], ['bastion']);
  assert.deepEqual(groupsMap(inv)['ungrouped'], []);
});
