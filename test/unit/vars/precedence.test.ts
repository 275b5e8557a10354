import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Vars } from '../../../src/core/model.js';
import { loadInventory } from '../../../src/load/inventory.js';
import { inventoryLayers, mergeLayers, VAR_LEVELS, type VarLevel } from '../../../src/load/vars.js';
import { loadVarsDirs } from '../../../src/load/varsDirs.js';

/**
 * A project on disk: inventory/hosts.yml with redis1 in redis_master (child of redis), inventory/group_vars,
 * inventory/host_vars, and a playbook folder with its own group_vars/host_vars. `files` sets variables at the
 * inventory levels (written where an Ansible user would write them); other levels are passed as layers, as the
 * executor does.
 */
const INVENTORY_FILES: Partial<Record<VarLevel, string>> = {
  inventoryGroupVarsAll: 'inventory/group_vars/all.yml',
  playbookGroupVarsAll: 'playbook/group_vars/all.yml',
  inventoryGroupVarsGroups: 'inventory/group_vars/redis.yml',
  playbookGroupVarsGroups: 'playbook/group_vars/redis.yml',
  inventoryHostVars: 'inventory/host_vars/redis1.yml',
  playbookHostVars: 'playbook/host_vars/redis1.yml',
};

async function resolveVars(set: Partial<Record<VarLevel, Vars>>, host = 'redis1'): Promise<Vars> {
  const root = mkdtempSync(join(tmpdir(), 'prec-'));
  const write = (rel: string, text: string): void => {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  };
  const yamlMap = (vars: Vars | undefined, indent: string): string =>
    Object.entries(vars ?? {}).map(([k, v]) => `${indent}${k}: ${JSON.stringify(v)}\n`).join('');
  write(
    'inventory/hosts.yml',
    'all:\n  children:\n    redis:\n      vars:\n        placeholder: 1\n' +
      yamlMap(set.inventoryGroup, '        ') +
      '      children:\n        redis_master:\n          hosts:\n            redis1:\n' +
      (set.inventoryHost ? yamlMap(set.inventoryHost, '              ') : ''),
  );
  mkdirSync(join(root, 'playbook'), { recursive: true });
  const layers: Partial<Record<VarLevel, Vars>> = {};
  for (const [level, vars] of Object.entries(set) as Array<[VarLevel, Vars]>) {
    const file = INVENTORY_FILES[level];
    if (file) write(file, yamlMap(vars, ''));
    else if (level !== 'inventoryGroup' && level !== 'inventoryHost') layers[level] = vars;
  }
  const inv = await loadInventory(join(root, 'inventory'));
  return mergeLayers({ ...inventoryLayers(inv, loadVarsDirs(join(root, 'playbook')), host), ...layers });
}

test('VAR_LEVELS is issue 3 order, lowest first', () => {
  assert.deepEqual(VAR_LEVELS, [
    'roleDefaults', 'inventoryGroup', 'inventoryGroupVarsAll', 'playbookGroupVarsAll', 'inventoryGroupVarsGroups',
    'playbookGroupVarsGroups', 'inventoryHost', 'inventoryHostVars', 'playbookHostVars', 'facts', 'playVars',
    'playVarsFiles', 'roleVars', 'blockVars', 'taskVars', 'includeVars', 'setFacts', 'roleParams', 'extraVars',
  ]);
});

for (let i = 1; i < VAR_LEVELS.length; i++) {
  const level = VAR_LEVELS[i]!;
  const below = VAR_LEVELS[i - 1]!;
  test(`precedence: ${level} beats ${below}`, async () => {
    const vars = await resolveVars({ [below]: { probe: below, only_below: true }, [level]: { probe: level } });
    assert.equal(vars['probe'], level);
    assert.equal(vars['only_below'], true, 'a variable set only below still shows through');
  });
}

test('precedence: all levels at once, removing the top one reveals the next', async () => {
  const all = Object.fromEntries(VAR_LEVELS.map((l) => [l, { probe: l }])) as Record<VarLevel, Vars>;
  for (let top = VAR_LEVELS.length - 1; top >= 0; top -= 6) {
    const set = Object.fromEntries(VAR_LEVELS.slice(0, top + 1).map((l) => [l, all[l]]));
    assert.equal((await resolveVars(set))['probe'], VAR_LEVELS[top]);
  }
});

test('any host var beats any group var: inventory host var over the playbook group_vars of the deepest group', async () => {
  const vars = await resolveVars({ playbookGroupVarsGroups: { probe: 'group' }, inventoryHost: { probe: 'host' } });
  assert.equal(vars['probe'], 'host');
});

test('a variable is replaced whole, not merged (hash_behaviour=replace)', async () => {
  const vars = await resolveVars({ inventoryGroupVarsAll: { cfg: { a: 1, b: 2 } }, inventoryHostVars: { cfg: { a: 9 } } });
  assert.deepEqual(vars['cfg'], { a: 9 });
});

test('group order: all first, then by depth (deeper wins), then by name at the same depth', async () => {
  const root = mkdtempSync(join(tmpdir(), 'depth-'));
  writeFileSync(
    join(root, 'hosts.ini'),
    [
      '[all:vars]', 'p_all=all', 'p_depth=all',
      '[zeta]', 'h1', '[zeta:vars]', 'p_name=zeta', 'p_depth=zeta',
      '[alpha]', 'h1', '[alpha:vars]', 'p_name=alpha', 'p_depth=alpha',
      '[leaf]', 'h1', '[leaf:vars]', 'p_depth=leaf', 'p_all=leaf',
      '[alpha:children]', 'leaf',
    ].join('\n'),
  );
  const inv = await loadInventory(join(root, 'hosts.ini'));
  const vars = mergeLayers(inventoryLayers(inv, undefined, 'h1'));
  assert.equal(vars['p_name'], 'zeta', 'same depth: alphabetical, so zeta (later) wins over alpha');
  assert.equal(vars['p_depth'], 'leaf', 'leaf is a child of alpha: deeper wins over both depth-1 groups');
  assert.equal(vars['p_all'], 'leaf', 'every group beats all');
});

test('ansible_group_priority orders groups of the same depth', async () => {
  const root = mkdtempSync(join(tmpdir(), 'prio-'));
  writeFileSync(join(root, 'hosts.ini'), '[alpha]\nh1\n[alpha:vars]\np=alpha\nansible_group_priority=10\n[zeta]\nh1\n[zeta:vars]\np=zeta\n');
  const inv = await loadInventory(join(root, 'hosts.ini'));
  assert.equal(mergeLayers(inventoryLayers(inv, undefined, 'h1'))['p'], 'alpha');
});

test('inventoryLayers: group_vars of a group the host is not in do not apply', async () => {
  const root = mkdtempSync(join(tmpdir(), 'other-'));
  mkdirSync(join(root, 'group_vars'));
  writeFileSync(join(root, 'hosts.ini'), '[web]\nw1\n[db]\nd1\n');
  writeFileSync(join(root, 'group_vars/db.yml'), 'engine: postgres\n');
  const inv = await loadInventory(join(root, 'hosts.ini'));
  assert.equal(mergeLayers(inventoryLayers(inv, undefined, 'w1'))['engine'], undefined);
  assert.equal(mergeLayers(inventoryLayers(inv, undefined, 'd1'))['engine'], 'postgres');
});
