import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTemplateEngine, hasTemplate } from '../../../src/template/index.js';

const engine = createTemplateEngine();
const pos = { file: 'roles/redis/tasks/main.yml', line: 12, col: 11 };
const vars = { redis_port: 6379, groups: { redis: ['r1', 'r2'] }, a: 1, enabled: true, conf: { x: 1 }, nothing: null, name: 'r1' };

test('a single mustache keeps the type of its value', () => {
  assert.equal(engine.render('{{ redis_port }}', vars, pos), 6379);
  assert.deepEqual(engine.render('{{ groups.redis }}', vars, pos), ['r1', 'r2']);
  assert.equal(engine.render('{{ (eq a 1) }}', vars, pos), true);
  assert.equal(engine.render('{{eq a 1}}', vars, pos), true);
  assert.deepEqual(engine.render('{{ conf }}', vars, pos), { x: 1 });
  assert.equal(engine.render('{{ nothing }}', vars, pos), null);
  assert.equal(engine.render('{{join groups.redis ","}}', vars, pos), 'r1,r2');
  assert.equal(engine.render('{{ 5 }}', vars, pos), 5);
});

test('whitespace inside and around the braces is tolerated', () => {
  assert.equal(engine.render('{{redis_port}}', vars, pos), 6379);
  assert.equal(engine.render('  {{   redis_port   }}\n', vars, pos), 6379);
  // a string value keeps the surrounding text
  assert.equal(engine.render(' {{ name }}\n', vars, pos), ' r1\n');
});

test('anything else renders to a string; lists and objects as JSON', () => {
  assert.equal(engine.render('port {{ redis_port }}', vars, pos), 'port 6379');
  assert.equal(engine.render('{{ redis_port }}{{ a }}', vars, pos), '63791');
  assert.equal(engine.renderString('{{ redis_port }}', vars, pos), '6379');
  assert.equal(engine.renderString('hosts={{ groups.redis }}', vars, pos), 'hosts=["r1","r2"]');
  assert.equal(engine.renderString('[{{ nothing }}]', vars, pos), '[]');
});

test('render walks objects and arrays deeply and leaves other values alone', () => {
  const input = { port: '{{ redis_port }}', list: ['{{ a }}', 'x', 3, true], nested: { hosts: '{{ groups.redis }}' }, none: null };
  assert.deepEqual(engine.render(input, vars, pos), { port: 6379, list: [1, 'x', 3, true], nested: { hosts: ['r1', 'r2'] }, none: null });
  const plain = { a: ['x'], b: { c: 1 } };
  assert.equal(engine.render(plain, vars, pos), plain, 'nothing to render: the same object comes back');
});

test('no HTML escaping: config files keep <, >, & and quotes', () => {
  assert.equal(engine.renderString('{{ v }}', { v: `<a href="x">&'` }, pos), `<a href="x">&'`);
});

test('hasTemplate spots {{ }} in strings only', () => {
  assert.equal(hasTemplate('{{ x }}'), true);
  assert.equal(hasTemplate('port 6379'), false);
  assert.equal(hasTemplate(6379), false);
  assert.equal(hasTemplate(['{{ x }}']), false);
});

test('values substituted are never rendered again (data from hosts stays data)', () => {
  const hostile = { stdout: '{{ env "HOME" }}{{#each x}}', secret: 's3cret' };
  assert.equal(engine.renderString('out: {{ stdout }}', hostile, pos), 'out: {{ env "HOME" }}{{#each x}}');
  assert.equal(engine.render('{{ stdout }}', hostile, pos), '{{ env "HOME" }}{{#each x}}');
  assert.deepEqual(engine.render({ a: '{{ stdout }}' }, hostile, pos), { a: '{{ env "HOME" }}{{#each x}}' });
});

test('templates are compiled once and cached: repeated renders are much cheaper than compiling', () => {
  const fresh = createTemplateEngine();
  const source = 'n={{ redis_port }} {{#each groups.redis}}{{this}} {{/each}}';
  assert.equal(fresh.renderString(source, vars, pos), 'n=6379 r1 r2 ');
  const cached = time(() => {
    for (let i = 0; i < 1000; i++) fresh.renderString(source, { ...vars, redis_port: i }, pos);
  });
  const uncached = time(() => {
    for (let i = 0; i < 1000; i++) fresh.renderString(`${source} #${i}`, vars, pos);
  });
  assert.ok(cached * 3 < uncached, `cached ${cached.toFixed(1)} ms vs compiling each time ${uncached.toFixed(1)} ms`);
  assert.ok(cached < 500, `thousands of renders per second expected; 1000 took ${cached.toFixed(1)} ms`);
});

function time(fn: () => void): number {
  const start = performance.now();
  fn();
  return performance.now() - start;
}
