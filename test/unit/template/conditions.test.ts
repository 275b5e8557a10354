import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTemplateEngine, truthy } from '../../../src/template/index.js';

const engine = createTemplateEngine();
const pos = { file: 'site.yml', line: 7, col: 13 };
const vars = {
  redis_role: 'master',
  redis_enabled: true,
  inventory_hostname: 'r1',
  groups: { sentinels: ['s1', 's2'], redis: ['r1', 'r2'] },
  result: { rc: 0, changed: false, stdout: 'PONG' },
  off: 'false',
  n: 0,
};
const when = (...exprs: string[]): boolean => engine.evaluate(exprs.map((expr) => ({ expr, pos })), vars);

test('helper calls in parentheses, bare paths, and {{ }} forms all evaluate', () => {
  assert.equal(when('(eq redis_role "master")'), true);
  assert.equal(when('(eq redis_role "replica")'), false);
  assert.equal(when('redis_enabled'), true);
  assert.equal(when('{{ not (in inventory_hostname groups.sentinels) }}'), true);
  assert.equal(when('{{ in inventory_hostname groups.redis }}'), true);
});

test('`not x` and `(not x)` work: the condition is the inside of a {{ }}', () => {
  assert.equal(when('not redis_enabled'), false);
  assert.equal(when('(not redis_enabled)'), false);
  assert.equal(when('((not redis_enabled))'), false);
  assert.equal(when('eq redis_role "master"'), true);
});

test('registered results: rc, changed, stdout', () => {
  assert.equal(when('(eq result.rc 0)'), true);
  assert.equal(when('result.changed'), false);
  assert.equal(when('(not result.changed)'), true);
  assert.equal(when('(eq result.stdout "PONG")'), true);
});

test('a list is an AND; an empty list is true', () => {
  assert.equal(when(), true);
  assert.equal(when('redis_enabled', '(eq result.rc 0)'), true);
  assert.equal(when('redis_enabled', '(eq result.rc 1)'), false);
});

test('literals: true, false, numbers', () => {
  assert.equal(when('true'), true);
  assert.equal(when('false'), false);
  assert.equal(when('1'), true);
  assert.equal(when('0'), false);
});

test('truthiness rules (documented in docs/templating.md)', () => {
  const table: Array<[unknown, boolean]> = [
    [true, true], [false, false], [null, false], [undefined, false],
    [1, true], [0, false], [-1, true], [Number.NaN, false],
    ['yes', true], ['x', true], ['', false], ['false', false], ['False', false], ['no', false], ['off', false], ['0', false], [' NO ', false], ['n', false],
    [[], false], [[0], true], [{}, false], [{ a: 1 }, true],
  ];
  for (const [value, expected] of table) assert.equal(truthy(value), expected, JSON.stringify(value));
});

test('"false" from -e enabled=false is false in conditions and in {{#if}}', () => {
  assert.equal(when('off'), false);
  assert.equal(when('n'), false);
  assert.equal(engine.renderString('{{#if off}}on{{else}}off{{/if}} {{#unless off}}yes{{/unless}}', vars, pos), 'off yes');
});

test('evaluateExpression returns the value itself (for until, loop)', () => {
  assert.deepEqual(engine.evaluateExpression('groups.redis', vars, pos), ['r1', 'r2']);
  assert.deepEqual(engine.evaluateExpression('{{ groups.redis }}', vars, pos), ['r1', 'r2']);
  assert.equal(engine.evaluateExpression('(length groups.sentinels)', vars, pos), 2);
});

test('checkCondition accepts the Handlebars forms', () => {
  for (const expr of ['(eq redis_role "master")', 'redis_enabled', 'not redis_enabled', '{{ not (in a b) }}', 'true']) {
    assert.deepEqual(engine.checkCondition({ expr, pos }), [], expr);
  }
});

test('checkCondition rejects Jinja with a Handlebars hint, positioned in the condition', () => {
  const [p] = engine.checkCondition({ expr: 'redis_role == "master"', pos });
  assert.equal(p?.message, 'Jinja operator "==" is not Handlebars: comparisons are helpers');
  assert.equal(p?.hint, 'write (eq redis_role "master")');
  assert.deepEqual([p?.line, p?.col], [7, 13 + 11]);
  const [defined] = engine.checkCondition({ expr: 'redis_password is defined', pos });
  assert.equal(defined?.hint, 'write (ne (default redis_password null) null)');
  const [and] = engine.checkCondition({ expr: 'a and not b', pos });
  assert.equal(and?.hint, 'write (and a (not b))');
  const [filter] = engine.checkCondition({ expr: 'x | bool', pos });
  assert.equal(filter?.hint, 'write (bool x)');
  const [notIn] = engine.checkCondition({ expr: 'inventory_hostname not in groups.sentinels', pos });
  assert.equal(notIn?.hint, 'write (not (in inventory_hostname groups.sentinels))');
});

test('checkCondition rejects text around an expression and empty conditions', () => {
  assert.match(engine.checkCondition({ expr: '{{ a }} and {{ b }}', pos })[0]?.message ?? '', /one expression/);
  assert.equal(engine.checkCondition({ expr: '  ', pos })[0]?.message, 'empty condition');
});
