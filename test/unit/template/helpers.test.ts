import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { createTemplateEngine, helperNames } from '../../../src/template/index.js';

const engine = createTemplateEngine();
const pos = { file: 'site.yml', line: 3, col: 9 };
const vars = {
  port: 6379,
  port_text: '6379',
  name: 'Redis',
  hosts: [
    { name: 'r1', role: 'master', up: true },
    { name: 'r2', role: 'replica', up: false },
    { name: 'r3', role: 'replica', up: true },
  ],
  list: [3, 1, 2, 3],
  words: 'a b  c',
  conf: { maxmemory: '1gb', bind: '0.0.0.0' },
  empty: [],
  nothing: null,
};

/** Evaluate a single expression: its typed value. */
const value = (expr: string, v: Record<string, unknown> = vars): unknown => engine.evaluateExpression(expr, v, pos);

const cases: Array<[string, unknown]> = [
  ['default missing "x"', 'x'],
  ['default name "x"', 'Redis'],
  ['default nothing "x"', 'x'],
  ['default "" "x" true', 'x'],
  ['default missing.deeper.still 5', 5],
  ['eq port 6379', true],
  ['eq port_text 6379', true],
  ['eq name "redis"', false],
  ['eq (list 1 2) (list 1 2)', true],
  ['ne port 1', true],
  ['lt 1 2', true],
  ['le 2 2', true],
  ['gt port_text 100', true],
  ['ge "b" "a"', true],
  ['and true 1 "yes"', true],
  ['and true empty', false],
  ['or false 0 name', true],
  ['not "false"', true],
  ['not name', false],
  ['in "r1" (map hosts "name")', true],
  ['in "dis" name', true],
  ['in "maxmemory" conf', true],
  ['in "r9" (map hosts "name")', false],
  ['includes (map hosts "name") "r2"', true],
  ['join (map hosts "name") ","', 'r1,r2,r3'],
  ['join list', '3123'],
  ['split words', ['a', 'b', 'c']],
  ['split "a,b" ","', ['a', 'b']],
  ['upper name', 'REDIS'],
  ['lower name', 'redis'],
  ['replace "a-b-c" "-" "_"', 'a_b_c'],
  ['regex_replace "bind 127.0.0.1" "^bind (.*)$" "listen \\1"', 'listen 127.0.0.1'],
  ['regex_replace "a1b22" "[0-9]+" "#"', 'a#b#'],
  ['regex_search "version 7.2.4" "[0-9.]+"', '7.2.4'],
  ['regex_search "none" "[0-9]+"', null],
  // Python's json.dumps and PyYAML, as Ansible writes them (checked against ansible-core 2.14).
  ['to_json conf', '{"maxmemory": "1gb", "bind": "0.0.0.0"}'],
  ['to_yaml conf', '{bind: 0.0.0.0, maxmemory: 1gb}\n'],
  ['sum list', 9],
  ['sum (list (dict n=1) (dict n=2)) attribute="n"', 3],
  ['from_json "{\\"a\\": [1]}"', { a: [1] }],
  ['int "42"', 42],
  ['int "4.9"', 4],
  ['int "abc"', 0],
  ['int "abc" 7', 7],
  ['float "1.5"', 1.5],
  ['bool "yes"', true],
  ['bool "no"', false],
  ['bool "maybe"', false],
  ['bool 1', true],
  ['length hosts', 3],
  ['length name', 5],
  ['length conf', 2],
  ['first list', 3],
  ['last list', 3],
  ['map hosts "name"', ['r1', 'r2', 'r3']],
  ['select hosts "up"', [vars.hosts[0], vars.hosts[2]]],
  ['select hosts "role" "replica"', [vars.hosts[1], vars.hosts[2]]],
  ['select (list 0 1 "" "a")', [1, 'a']],
  ['reject hosts "up"', [vars.hosts[1]]],
  ['ternary true "a" "b"', 'a'],
  ['ternary "no" "a" "b"', 'b'],
  ['basename "/etc/redis/redis.conf"', 'redis.conf'],
  ['dirname "/etc/redis/redis.conf"', '/etc/redis'],
  ['b64encode "redis"', 'cmVkaXM='],
  ['b64decode "cmVkaXM="', 'redis'],
  ['trim "  x  "', 'x'],
  ['dict2items conf', [{ key: 'maxmemory', value: '1gb' }, { key: 'bind', value: '0.0.0.0' }]],
  ['items2dict (dict2items conf)', vars.conf],
  ['combine conf (dict bind="::1")', { maxmemory: '1gb', bind: '::1' }],
  ['unique list', [3, 1, 2]],
  ['sort list', [1, 2, 3, 3]],
  ['sort list reverse=true', [3, 3, 2, 1]],
  ['map (sort hosts "name" reverse=true) "name"', ['r3', 'r2', 'r1']],
  ['range 3', [0, 1, 2]],
  ['range 1 10 4', [1, 5, 9]],
  ['add port 1', 6380],
  ['add (list 1) (list 2)', [1, 2]],
  ['sub 10 4', 6],
  ['mul 3 "4"', 12],
  ['div 9 2', 4.5],
  ['mod 9 2', 1],
  ['quote "it\'s"', `'it'\\''s'`],
  ['quote "plain"', 'plain'],
  ['concat name ":" port', 'Redis:6379'],
  ['keys conf', ['maxmemory', 'bind']],
  ['min list', 1],
  ['max list', 3],
  ['flatten (list (list 1 2) 3)', [1, 2, 3]],
  ['lookup conf "bind"', '0.0.0.0'],
  ['lookup hosts 1', vars.hosts[1]],
];

for (const [expr, expected] of cases) {
  test(`helper: ${expr}`, () => {
    assert.deepEqual(value(`(${expr})`), expected);
  });
}

test('helpers work nested as sub-expressions inside a string', () => {
  assert.equal(engine.renderString('masters: {{join (map (select hosts "role" "master") "name") ", "}}', vars, pos), 'masters: r1');
});

test('env reads the controller environment, "" or the fallback when unset', () => {
  process.env.RUN_PLAYBOOK_TEST_ENV = 'from-env';
  assert.equal(value('(env "RUN_PLAYBOOK_TEST_ENV")'), 'from-env');
  delete process.env.RUN_PLAYBOOK_TEST_ENV;
  assert.equal(value('(env "RUN_PLAYBOOK_TEST_ENV")'), '');
  assert.equal(value('(env "RUN_PLAYBOOK_TEST_ENV" "dflt")'), 'dflt');
});

test('file reads a controller file relative to the working directory, trailing newline dropped', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rp-file-'));
  writeFileSync(join(dir, 'key.pub'), 'ssh-ed25519 AAAA\n');
  const rel = relative(process.cwd(), join(dir, 'key.pub'));
  assert.equal(value(`(file "${rel}")`), 'ssh-ed25519 AAAA');
  assert.throws(() => value('(file "does/not/exist.txt")'), (err: Error) => /file: cannot read .*exist\.txt.*ENOENT/.test(err.message));
});

test('a helper given the wrong type says so, positioned', () => {
  assert.throws(
    () => engine.renderString('{{join port ","}}', vars, pos),
    (err: Error) => err.message === 'site.yml:3:9: join expects a list, got number 6379',
  );
  assert.throws(() => value('(map hosts "nope")'), /map: item 0 has no attribute "nope"/);
});

test('wrong number of arguments is a load-time problem with the usage', () => {
  const [problem] = engine.check('{{join}}x{{upper a b}}', pos);
  assert.equal(problem?.message, 'upper takes 1 argument, got 2');
  assert.equal(problem?.hint, 'usage: {{upper TEXT}}');
  assert.equal(problem?.col, 9 + 9, "points at the {{ of the call");
});

test('helperNames lists every helper, including the block helpers', () => {
  for (const name of ['default', 'eq', 'select', 'map', 'env', 'file', 'lookup', 'if', 'each', 'quote']) {
    assert.ok(helperNames.includes(name), name);
  }
});

// Expected texts below are what ansible-core 2.14 renders for the same data with the Jinja filter.
test('to_json, to_nice_json, to_yaml and to_nice_yaml write what Ansible writes', () => {
  const data = { d: { b: 1, a: [1, 2], c: { x: 'y' }, s: 'héllo', e: [], yes: 'yes' }, xs: ['a', 'b'] };
  const r = (t: string): unknown => engine.render(t, data, pos);
  assert.equal(r('{{to_json d}}'), '{"b": 1, "a": [1, 2], "c": {"x": "y"}, "s": "h\\u00e9llo", "e": [], "yes": "yes"}');
  assert.equal(r('{{to_nice_json d}}'), '{\n    "a": [\n        1,\n        2\n    ],\n    "b": 1,\n    "c": {\n        "x": "y"\n    },\n    "e": [],\n    "s": "h\\u00e9llo",\n    "yes": "yes"\n}');
  assert.equal(r('{{to_yaml d}}'), "a: [1, 2]\nb: 1\nc: {x: y}\ne: []\ns: héllo\n'yes': 'yes'\n");
  assert.equal(r('{{to_nice_yaml d}}'), "a:\n- 1\n- 2\nb: 1\nc:\n    x: y\ne: []\ns: héllo\n'yes': 'yes'\n");
  assert.equal(r('{{to_yaml xs}}'), '[a, b]\n');
  assert.equal(r('{{to_nice_yaml xs}}'), '- a\n- b\n');
  assert.equal(r('{{to_nice_yaml (list (dict b=1 a=(list 1 2)) (list 3 (list 4)))}}'), '-   a:\n    - 1\n    - 2\n    b: 1\n-   - 3\n    -   - 4\n');
  assert.equal(r('{{to_yaml (list (dict b=1 a=(list 1 2)) (list 3 (list 4)))}}'), '- a: [1, 2]\n  b: 1\n- - 3\n  - [4]\n');
  assert.equal(r('{{to_yaml "abc"}}'), 'abc\n...\n');
  // A multi-line string stays valid YAML at any depth (PyYAML folds it differently; the value is the same).
  assert.deepEqual(engine.render('{{from_yaml (to_nice_yaml d)}}', { d: { k: { m: 'line1\nline2' } } }, pos), { k: { m: 'line1\nline2' } });
});

test('indent (Jinja\'s | indent) leaves the first line and blank lines alone unless asked', () => {
  const text = { t: 'a\nb\n\nc\n' };
  assert.equal(engine.render('{{indent t 2}}', text, pos), 'a\n  b\n\n  c\n');
  assert.equal(engine.render('{{indent t}}', text, pos), 'a\n    b\n\n    c\n');
  assert.equal(engine.render('{{indent t 2 first=true blank=true}}', text, pos), '  a\n  b\n  \n  c\n  ');
  assert.equal(engine.render('conf:\n  {{indent (to_nice_yaml d) 2}}', { d: { a: 1, b: 2 } }, pos), 'conf:\n  a: 1\n  b: 2\n');
});
