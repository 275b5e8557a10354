import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AnyModule } from '../../../src/core/registry.js';
import { ModuleError } from '../../../src/core/errors.js';
import debug from '../../../src/modules/debug.js';
import assertModule from '../../../src/modules/assert.js';
import fail from '../../../src/modules/fail.js';
import setFact from '../../../src/modules/set_fact.js';
import meta from '../../../src/modules/meta.js';
import addHost from '../../../src/modules/add_host.js';
import groupBy from '../../../src/modules/group_by.js';
import includeVars from '../../../src/modules/include_vars.js';
import pause from '../../../src/modules/pause.js';
import { systemModules } from '../../../src/modules/systemModules.js';
import { lookupVar } from '../../../src/modules/system/varPath.js';
import { fakeContext, type FakeOptions } from './fakeConnectionB.js';

async function runLocal(m: AnyModule, args: Record<string, unknown>, opts: FakeOptions = {}) {
  const fake = fakeContext(opts);
  const current = await m.read(fake.ctx, args);
  return { plan: m.plan(current, args), commands: fake.commands };
}

test('control modules never contact the host and are marked local', async () => {
  for (const m of [debug, assertModule, fail, setFact, meta, addHost, groupBy, includeVars, pause]) assert.equal(m.local, true, m.name);
  const { commands } = await runLocal(setFact, { a: 1 });
  assert.deepEqual(commands, []);
});

test('debug shows msg, a variable by path, and says when it is undefined', async () => {
  assert.deepEqual((await runLocal(debug, { msg: 'hi' })).plan.result, { msg: 'hi' });
  const vars = { r: { stdout_lines: ['a', 'b'], 'weird-key': 1 } };
  assert.equal((await runLocal(debug, { var: 'r.stdout_lines[1]' }, { vars })).plan.result?.['r.stdout_lines[1]'], 'b');
  assert.equal((await runLocal(debug, { var: "r['weird-key']" }, { vars })).plan.result?.["r['weird-key']"], 1);
  assert.equal((await runLocal(debug, { var: 'nope.x' }, { vars })).plan.result?.['nope.x'], 'VARIABLE IS NOT DEFINED!');
  assert.equal(lookupVar({ a: {} }, 'a.constructor').found, false);
});

test('assert fails at the first false condition with fail_msg, passes otherwise', async () => {
  const seen: string[] = [];
  const evaluate = (e: string) => (seen.push(e), e !== 'b');
  const bad = await runLocal(assertModule, { that: ['a', 'b', 'c'], fail_msg: 'lost a replica' }, { evaluate });
  assert.equal(bad.plan.fail, 'lost a replica');
  assert.equal(bad.plan.result?.['assertion'], 'b');
  assert.deepEqual(seen, ['a', 'b']);
  const noMsg = await runLocal(assertModule, { that: 'x == 1' }, { evaluate: () => false });
  assert.equal(noMsg.plan.fail, 'Assertion failed: x == 1');
  const ok = await runLocal(assertModule, { that: ['a'], success_msg: 'fine' }, { evaluate: () => true });
  assert.equal(ok.plan.fail, undefined);
  assert.equal(ok.plan.result?.['msg'], 'fine');
  assert.deepEqual(assertModule.expressionArgs, ['that']);
});

test('fail fails with its message or the default one', async () => {
  assert.equal((await runLocal(fail, { msg: 'no master' })).plan.fail, 'no master');
  assert.equal((await runLocal(fail, {})).plan.fail, 'Failed as requested from task');
});

test('set_fact returns a setFacts effect without cacheable among the facts', async () => {
  const { plan } = await runLocal(setFact, { master: '10.0.0.1', cacheable: true });
  assert.deepEqual(plan.effects, [{ kind: 'setFacts', facts: { master: '10.0.0.1' }, cacheable: true }]);
  assert.deepEqual(plan.changes, []);
});

test('meta maps each action to its effect', async () => {
  assert.deepEqual((await runLocal(meta, { action: 'flush_handlers' })).plan.effects, [{ kind: 'flushHandlers' }]);
  assert.deepEqual((await runLocal(meta, { action: 'end_host' })).plan.effects, [{ kind: 'endHost' }]);
  assert.deepEqual((await runLocal(meta, { action: 'noop' })).plan.effects, []);
  assert.equal(meta.freeForm, 'action');
});

test('add_host takes name:port, group aliases and free variables', async () => {
  const { plan } = await runLocal(addHost, { name: 'db1:2222', groups: ['redis'], group: 'new', redis_port: 6380 });
  assert.deepEqual(plan.effects, [{ kind: 'addHost', name: 'db1', groups: ['redis', 'new'], vars: { ansible_port: 2222, redis_port: 6380 } }]);
  await assert.rejects(runLocal(addHost, { groups: 'x' }), ModuleError);
});

test('group_by returns a groupBy effect with parents', async () => {
  const { plan } = await runLocal(groupBy, { key: 'redis_master', parents: 'redis' });
  assert.deepEqual(plan.effects, [{ kind: 'groupBy', groups: ['redis_master'], parents: ['redis'] }]);
});

test('include_vars finds a file in the role vars/ folder next to files/, loads dirs in order, nests under name', async () => {
  const root = mkdtempSync(join(tmpdir(), 'iv-'));
  mkdirSync(join(root, 'role', 'vars', 'more'), { recursive: true });
  mkdirSync(join(root, 'role', 'files'));
  writeFileSync(join(root, 'role', 'vars', 'debian.yml'), 'redis_user: redis\nports: [6379]\n');
  writeFileSync(join(root, 'role', 'vars', 'more', 'a.yml'), 'x: 1\ny: 1\n');
  writeFileSync(join(root, 'role', 'vars', 'more', 'b.json'), '{"y": 2}');
  const searchPaths = { files: [join(root, 'role', 'files')], templates: [] };
  const one = await runLocal(includeVars, { file: 'debian.yml' }, { searchPaths });
  assert.deepEqual(one.plan.effects, [{ kind: 'includeVars', vars: { redis_user: 'redis', ports: [6379] } }]);
  const dir = await runLocal(includeVars, { dir: 'more', name: 'cfg' }, { searchPaths });
  assert.deepEqual(dir.plan.effects, [{ kind: 'includeVars', vars: { cfg: { x: 1, y: 2 } } }]);
  await assert.rejects(runLocal(includeVars, { file: 'missing.yml' }, { searchPaths }), /not found; looked in/);
  writeFileSync(join(root, 'role', 'vars', 'list.yml'), '- a\n');
  await assert.rejects(runLocal(includeVars, { file: 'list.yml' }, { searchPaths }), /must hold a mapping/);
});

test('pause waits the given time, and fails clearly when asked to prompt without a terminal', async () => {
  const t0 = Date.now();
  const { plan } = await runLocal(pause, { seconds: 0.05 });
  assert.ok(Date.now() - t0 >= 45);
  assert.equal(typeof plan.result?.['start'], 'string');
  if (!process.stdin.isTTY) await assert.rejects(runLocal(pause, { prompt: 'continue?' }), /without a terminal/);
});

test('every group-B module has a name, a description, an example and an object schema', () => {
  assert.equal(systemModules.length, 25);
  const names = new Set(systemModules.map((m) => m.name));
  assert.equal(names.size, 25);
  for (const m of systemModules) {
    assert.ok(m.meta.description.length > 10, m.name);
    assert.ok(m.meta.example.includes(m.name), `${m.name} example names the module`);
    assert.equal((m.schema as { type?: string }).type, 'object');
  }
});

test('every group-B schema compiles under ajv strict mode and documents each argument', async () => {
  const { Ajv } = await import('ajv');
  const ajv = new Ajv({ strict: true, useDefaults: true });
  for (const m of systemModules) {
    assert.doesNotThrow(() => ajv.compile(m.schema as object), m.name);
    for (const [k, v] of Object.entries((m.schema as { properties?: Record<string, { description?: string }> }).properties ?? {})) {
      assert.ok(v.description, `${m.name}.${k} has a description`);
    }
  }
  const validate = ajv.compile(systemModules.find((m) => m.name === 'apt')!.schema as object);
  assert.equal(validate({ name: 'tcl', bogus: 1 }), false);
});
