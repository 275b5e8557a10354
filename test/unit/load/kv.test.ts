import { test } from 'node:test';
import assert from 'node:assert/strict';
import { coerceKvValue, FREE_FORM_PARAMS, parseKv, splitArgs } from '../../../src/load/kv.js';
import { mapLoop } from '../../../src/load/keywords.js';

test('k=v strings split on spaces, honouring quotes', () => {
  assert.deepEqual(parseKv('name=tcl state=present'), { params: { name: 'tcl', state: 'present' }, free: '' });
  assert.deepEqual(parseKv(`content="a b" dest='/tmp/x y' mode=0644`).params, { content: 'a b', dest: '/tmp/x y', mode: '0644' });
  assert.deepEqual(parseKv('msg="say \\"hi\\""').params, { msg: 'say "hi"' });
});

test('a {{ }} expression with spaces stays one value', () => {
  assert.deepEqual(parseKv('msg={{ greeting }} dest=/x').params, { msg: '{{ greeting }}', dest: '/x' });
});

test('unbalanced quotes are reported, not guessed', () => {
  assert.match(parseKv('msg="oops').error ?? '', /unbalanced double quote/);
  assert.equal(splitArgs("a 'b").ok, false);
});

test('free-form text keeps the command and lifts only Ansible\'s own parameters', () => {
  const r = parseKv('ls -l "my dir" chdir=/tmp creates=/x FOO=bar', FREE_FORM_PARAMS);
  assert.deepEqual(r.params, { chdir: '/tmp', creates: '/x' });
  assert.equal(r.free, 'ls -l "my dir" FOO=bar');
});

test('k=v values take the type the module schema asks for', () => {
  assert.equal(coerceKvValue('yes', { type: 'boolean' }), true);
  assert.equal(coerceKvValue('no', { type: 'boolean' }), false);
  assert.equal(coerceKvValue('3600', { type: 'integer' }), 3600);
  assert.equal(coerceKvValue('0644', { type: 'string' }), '0644');
  assert.equal(coerceKvValue('present', { enum: ['present'] }), 'present');
  assert.deepEqual(coerceKvValue('a,b', { type: 'array' }), ['a', 'b']);
});

test('with_items flattens one level, with_dict becomes key/value items, with_indexed_items pairs', () => {
  assert.deepEqual(mapLoop('with_items', [['a', 'b'], 'c']), { loop: ['a', 'b', 'c'] });
  assert.deepEqual(mapLoop('with_dict', { alice: 1, bob: 2 }), { loop: [{ key: 'alice', value: 1 }, { key: 'bob', value: 2 }] });
  assert.deepEqual(mapLoop('with_dict', '{{ users }}'), { loop: '{{ dict2items users }}' });
  assert.deepEqual(mapLoop('with_indexed_items', ['x', 'y']), { loop: [[0, 'x'], [1, 'y']] });
  assert.deepEqual(mapLoop('loop', '{{ groups.redis }}'), { loop: '{{ groups.redis }}' });
});

test('with_sequence expands literal ranges and formats', () => {
  assert.deepEqual(mapLoop('with_sequence', 'start=1 end=3'), { loop: ['1', '2', '3'] });
  assert.deepEqual(mapLoop('with_sequence', 'count=2 format=web%02d'), { loop: ['web01', 'web02'] });
  assert.ok('error' in mapLoop('with_sequence', 'end={{ n }}'));
});
