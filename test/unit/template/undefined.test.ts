import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SourceError } from '../../../src/core/errors.js';
import { createTemplateEngine } from '../../../src/template/index.js';

const engine = createTemplateEngine();
const pos = { file: 'roles/redis/tasks/main.yml', line: 20, col: 14 };
const vars = {
  redis_port: 6379,
  hosts: [{ name: 'r1' }, { name: 'r2', port: 1 }],
  hostvars: { r1: { ip: '10.0.0.1' } },
  result: { rc: 0, changed: true, stdout: '' },
  empty: [],
};

/** The one problem a render throws, as `file:line:col: message`. */
function failure(fn: () => unknown): { where: string; message: string; hint?: string } {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof SourceError, `expected a SourceError, got ${String(err)}`);
    const [p] = err.problems;
    assert.ok(p);
    return { where: `${p.file}:${p.line}:${p.col}`, message: p.message, ...(p.hint ? { hint: p.hint } : {}) };
  }
  assert.fail('expected an error');
}

const render = (source: string) => () => engine.render(source, vars, pos);

test('an undefined variable names the variable, the file and the line', () => {
  const f = failure(render('{{ redis_prot }}'));
  assert.equal(f.where, 'roles/redis/tasks/main.yml:20:17');
  assert.equal(f.message, 'undefined variable "redis_prot"');
  assert.match(f.hint ?? '', /default redis_prot/);
});

test('a missing key of a defined variable names the key', () => {
  assert.equal(failure(render('{{ result.stderr }}')).message, 'undefined variable "result.stderr": "result" has no key "stderr"');
  assert.equal(failure(render('{{ nope.a.b }}')).message, 'undefined variable "nope" (in "nope.a.b")');
});

test('undefined inside helper arguments and sub-expressions is caught (Handlebars strict would not)', () => {
  assert.equal(failure(render('{{join missing_list ","}}')).message, 'undefined variable "missing_list"');
  assert.equal(failure(render('{{join (map hosts missing_attr) ","}}')).message, 'undefined variable "missing_attr"');
  assert.equal(failure(render('{{#if (eq nope 1)}}x{{/if}}')).message, 'undefined variable "nope"');
  assert.equal(failure(render('{{concat "a" b=nope}}')).message, 'undefined variable "nope"');
});

test('the line of a multi-line string is the file line', () => {
  const f = failure(render('line one\nline two\n  port {{ redis_port }} {{ missing }}'));
  assert.equal(f.where, 'roles/redis/tasks/main.yml:22:28');
});

test('#each, this, @index, @first, @last, @key, ../ and block params resolve; their misses are reported', () => {
  const out = engine.renderString(
    '{{#each hosts}}{{@index}}{{#if @first}}^{{/if}}{{name}}@{{../redis_port}}{{#if @last}}${{/if}};{{/each}}' +
      '{{#each hostvars as |hv host|}}{{host}}={{hv.ip}}/{{@key}}{{/each}}' +
      '{{#each hosts}}{{#with this}}[{{this.name}}]{{/with}}{{/each}}',
    vars,
    pos,
  );
  assert.equal(out, '0^r1@6379;1r2@6379$;r1=10.0.0.1/r1[r1][r2]');
  assert.equal(failure(render('{{#each hosts}}{{port}}{{/each}}')).message, 'undefined variable "port"');
  assert.equal(failure(render('{{#each hosts as |h|}}{{h.nope}}{{/each}}')).message, 'undefined variable "h.nope"');
  assert.equal(failure(render('{{#each hosts}}{{../nope}}{{/each}}')).message, 'undefined variable "../nope"');
  assert.equal(failure(render('{{#each missing}}x{{/each}}')).message, 'undefined variable "missing"');
});

test('the first argument of default may be undefined, and only that one', () => {
  assert.equal(engine.render('{{default missing_var "x"}}', vars, pos), 'x');
  assert.equal(engine.render('{{default result.nope.deeper 3}}', vars, pos), 3);
  assert.equal(engine.render('{{default (lookup hostvars "r9") "none"}}', vars, pos), 'none');
  assert.equal(failure(render('{{default "x" missing_fallback}}')).message, 'undefined variable "missing_fallback"');
  assert.equal(failure(render('{{default (lookup nope "r9") "none"}}')).message, 'undefined variable "nope"');
});

test('lookup keeps its meaning (lookup hostvars item); a missing key is reported', () => {
  assert.equal(engine.render('{{ (lookup (lookup hostvars item) "ip") }}', { ...vars, item: 'r1' }, pos), '10.0.0.1');
  assert.equal(failure(() => engine.render('{{lookup hostvars item}}', { ...vars, item: 'r7' }, pos)).message, '(lookup hostvars item) is undefined');
  assert.equal(failure(render('{{ first empty }}')).message, '(first empty) is undefined');
});

test('conditions report undefined variables too, positioned in the condition', () => {
  const f = failure(() => engine.evaluate([{ expr: '(eq redis_role "master")', pos }], vars));
  assert.equal(f.message, 'undefined variable "redis_role"');
  assert.equal(f.where, 'roles/redis/tasks/main.yml:20:18');
  assert.equal(failure(() => engine.evaluate([{ expr: 'not redis_enabled', pos }], vars)).message, 'undefined variable "redis_enabled"');
});

test('a null value is defined (YAML `x: ~`), only a missing one is an error', () => {
  assert.equal(engine.render('{{ x }}', { x: null }, pos), null);
  assert.equal(engine.renderString('[{{ x }}]', { x: null }, pos), '[]');
});

test('render-time problems never carry a stack trace: they are SourceErrors with positions', () => {
  const f = failure(() => engine.renderString('a\n{{#each redis_port}}x{{/each}}', vars, pos));
  assert.equal(f.where, 'roles/redis/tasks/main.yml:21:1');
  assert.equal(f.message, '#each expects a list or an object, got a number');
});
