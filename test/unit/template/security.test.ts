import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SourceError } from '../../../src/core/errors.js';
import { createTemplateEngine } from '../../../src/template/index.js';

const engine = createTemplateEngine();
const pos = { file: 'evil.yml', line: 1, col: 1 };
const vars = { obj: { a: 1 }, list: [1, 2], text: 'abc', key: 'constructor', proto: '__proto__' };

const fails = (source: string): string => {
  try {
    const out = engine.render(source, vars, pos);
    return `rendered: ${typeof out === 'function' ? 'a function!' : JSON.stringify(out)}`;
  } catch (err) {
    assert.ok(err instanceof SourceError, `not a SourceError: ${String(err)}`);
    return err.problems[0]?.message ?? '';
  }
};

test('paths reaching constructor / __proto__ / prototype are load errors', () => {
  for (const source of ['{{ obj.constructor }}', '{{ constructor }}', '{{ this.__proto__ }}', '{{ obj.[constructor].[constructor] }}', '{{ list.constructor.prototype }}', '{{ @root.constructor }}', '{{#with obj.constructor}}x{{/with}}']) {
    const problems = engine.check(source, pos);
    assert.ok(problems.length > 0, source);
    assert.match(problems[0]?.message ?? '', /which templates may not access/, source);
    assert.match(fails(source), /which templates may not access/, source);
  }
  assert.match(engine.check('{{join (obj.__proto__) ","}}', pos)[0]?.message ?? '', /unknown helper/);
});

test('dynamic lookups cannot reach prototypes either', () => {
  assert.equal(fails('{{ lookup obj key }}'), '(lookup obj key) is undefined');
  assert.equal(fails('{{ lookup obj proto }}'), '(lookup obj proto) is undefined');
  assert.equal(fails('{{ lookup (lookup text "constructor") "name" }}'), '(lookup text "constructor") is undefined');
  assert.equal(fails('{{default (lookup obj "toString") "safe"}}'), 'rendered: "safe"');
  assert.equal(fails('{{ map (list obj) "constructor" }}'), 'map: item 0 has no attribute "constructor"');
  assert.equal(fails('{{ obj.toString }}'), 'undefined variable "obj.toString": "obj" has no key "toString"');
  assert.equal(fails('{{ obj.hasOwnProperty }}'), 'undefined variable "obj.hasOwnProperty": "obj" has no key "hasOwnProperty"');
});

test('helpers that build objects do not let "__proto__" change a prototype', () => {
  const out = engine.render('{{ items2dict (list (dict key="__proto__" value=1) (dict key="polluted" value=2)) }}', vars, pos) as Record<string, unknown>;
  assert.equal(Object.getPrototypeOf(out), Object.prototype);
  assert.equal(out.polluted, 2);
  const combined = engine.render('{{ combine obj (from_json "{\\"__proto__\\": {\\"polluted\\": true}}") }}', vars, pos) as Record<string, unknown>;
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.equal(Object.getPrototypeOf(combined), Object.prototype);
  assert.equal(combined.polluted, undefined);
});

test('internal and reserved names cannot be called or read', () => {
  assert.match(engine.check('{{ __rp_value obj 0 }}', pos)[0]?.message ?? '', /reserved|unknown helper/);
  assert.match(engine.check('{{ @__rp }}', pos)[0]?.message ?? '', /reserved/);
  assert.match(engine.check('{{ helperMissing x }}', pos)[0]?.message ?? '', /unknown helper/);
  assert.match(engine.check('{{ log "x" }}', pos)[0]?.message ?? '', /unknown helper/);
});

test('HTML escaping is off but nothing else is interpreted: output is the data', () => {
  assert.equal(engine.renderString('{{ v }}', { v: '{{ obj }}\'";$(rm -rf /)' }, pos), '{{ obj }}\'";$(rm -rf /)');
});
