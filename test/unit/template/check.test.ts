import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SourceError } from '../../../src/core/errors.js';
import { createTemplateEngine } from '../../../src/template/index.js';

const engine = createTemplateEngine();
const pos = { file: 'roles/redis/tasks/main.yml', line: 30, col: 12 };
const one = (source: string) => {
  const problems = engine.check(source, pos);
  assert.equal(problems.length, 1, JSON.stringify(problems));
  return problems[0]!;
};

test('strings without {{ are fine (fast path), and valid Handlebars is fine', () => {
  for (const s of ['plain', 'awk \'{print $1}\'', 'echo ${#arr[@]}', '{{ x }}', '{{#each xs as |x i|}}{{x}}{{/each}}', '{{foo.[0]}}', '\\{{ not a template }}', '{{{{raw}}}}{{ x | y }}{{{{/raw}}}}', '{{!-- {{ x | y }} --}}', '{{sort x reverse=true}}', '{{ default x "a|b" }}']) {
    assert.deepEqual(engine.check(s, pos), [], s);
  }
});

test('Jinja filters get the Handlebars form as a hint', () => {
  const table: Array<[string, string]> = [
    [`{{ x | default('y') }}`, 'write {{default x "y"}}'],
    [`{{ xs | join(',') }}`, 'write {{join xs ","}}'],
    ['{{ name | upper }}', 'write {{upper name}}'],
    ['{{ port | int }}', 'write {{int port}}'],
    ['{{ xs | length }}', 'write {{length xs}}'],
    ['{{ conf | to_json }}', 'write {{to_json conf}}'],
    [`{{ hosts | map(attribute='name') | join(',') }}`, 'write {{join (map hosts "name") ","}}'],
    [`{{ hosts | selectattr('role', 'equalto', 'master') | list }}`, 'write {{select hosts "role" "master"}}'],
    [`{{ x | default(omit) }}`, 'write {{default x omit}}'],
    [`{{ a | combine(b, recursive=True) }}`, 'write {{combine a b recursive=true}}'],
  ];
  for (const [source, hint] of table) assert.equal(one(source).hint, hint, source);
});

test('a Jinja problem points at the construct in the file', () => {
  const p = one('first line\n  value: {{ x | default("y") }}');
  assert.deepEqual([p.file, p.line, p.col], ['roles/redis/tasks/main.yml', 31, 15]);
  assert.equal(p.message, 'Jinja filter "| default" is not Handlebars: a helper comes before its arguments');
});

test('Jinja statements, comparisons, tests, subscripts, calls and literals', () => {
  assert.equal(one('{% if redis_enabled %}').hint, 'write {{#if redis_enabled}}…{{else}}…{{/if}}');
  assert.equal(one('{% for h in groups.redis %}').hint, 'write {{#each groups.redis as |h|}}…{{/each}}');
  assert.equal(one('{% for k, v in conf.items() %}').hint, 'write {{#each conf as |v k|}}…{{/each}}');
  assert.equal(one('{%- endfor %}').hint, 'write {{/each}}');
  assert.equal(one('{# note #}').hint, 'write {{!-- … --}}');
  assert.equal(one(`{{ a == 'b' }}`).hint, 'write {{eq a "b"}}');
  assert.equal(one(`{{#if a != 1}}x{{/if}}`).hint, 'write {{#if (ne a 1)}}');
  assert.equal(one('{{ x is defined }}').hint, 'write {{ne (default x null) null}}');
  assert.equal(one(`{{ hostvars[item] }}`).hint, 'write {{lookup hostvars item}}');
  assert.equal(one(`{{ hostvars[item]['ip'] }}`).hint, 'write {{lookup (lookup hostvars item) "ip"}}');
  assert.equal(one(`{{ groups['redis'][0] }}`).hint, 'write {{groups.redis.[0]}}');
  assert.equal(one(`{{ lookup('env', 'HOME') }}`).hint, 'write {{env "HOME"}}');
  assert.equal(one('{{ a ~ "-" ~ b }}').message, 'Jinja operator "~" is not Handlebars: use add, sub, mul, div, mod or concat');
  assert.equal(one('{{ port + 1 }}').hint, 'write {{add port 1}}');
  assert.equal(one(`{{ 'a' if x else 'b' }}`).hint, 'write {{ternary x "a" "b"}}');
  assert.equal(one('{{ True }}').hint, 'write {{true}}');
});

test('several Jinja constructs are all reported, in order', () => {
  const problems = engine.check('{% if a %}\n{{ b | upper }}\n{% endif %}', pos);
  assert.deepEqual(problems.map((p) => [p.line, p.col]), [[30, 12], [31, 6], [32, 1]]);
});

test('Handlebars syntax errors report the template line converted to the file line', () => {
  const p = one('line1\nline2 {{#if x}}\n{{/fi}}');
  assert.deepEqual([p.line, p.col], [31, 10], 'at the `if` of line 2');
  assert.equal(p.message, "Handlebars syntax error: if doesn't match fi");
  const unclosed = one('a {{ x ');
  // The culprit is the "{{" left open, not the end of the text where the parser gave up.
  assert.equal(unclosed.message, 'Handlebars syntax error: "{{" is never closed');
  assert.equal(unclosed.line, 30);
  const bad = one('a\n  {{ x = }}');
  assert.deepEqual([bad.line, bad.message], [31, 'Handlebars syntax error: unexpected "="']);
});

test('unknown helpers, block misuse, partials and arity are load errors', () => {
  assert.deepEqual([one('{{ uper name }}').message, one('{{ uper name }}').hint], ['unknown helper "uper"', 'did you mean "upper"? (helpers are listed in docs/templating.md)']);
  assert.equal(one('{{#items}}x{{/items}}').hint, 'write {{#each items}}…{{/each}} or {{#if items}}…{{/if}}');
  assert.equal(one('{{#join xs}}x{{/join}}').message, '"join" is not a block helper');
  assert.equal(one('{{> header}}').message, 'partials ({{> name}}) are not supported');
  assert.equal(one('{{#if}}x{{/if}}').message, 'if takes 1 argument, got 0');
  assert.equal(one('{{ (nope x) }}').message, 'unknown helper "nope"');
});

test('a variable that shares a helper name is still a variable when used alone', () => {
  assert.deepEqual(engine.check('{{ env }} {{ file }}', pos), []);
  assert.equal(engine.render('{{ env }}', { env: 'prod' }, pos), 'prod');
});

test('render refuses what check refuses, with the same positioned message', () => {
  assert.throws(
    () => engine.render(`{{ x | default('y') }}`, {}, pos),
    (err: unknown) => err instanceof SourceError && err.problems[0]?.hint === 'write {{default x "y"}}' && err.problems[0]?.col === 17,
  );
});

test('checkFile and renderFile: positions are in the template file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rp-tpl-'));
  const good = join(dir, 'redis.conf.hbs');
  writeFileSync(good, 'port {{ redis_port }}\n{{#each binds}}bind {{this}}\n{{/each}}maxmemory {{default maxmemory "0"}}\n');
  assert.deepEqual(engine.checkFile(good), []);
  assert.equal(engine.renderFile(good, { redis_port: 6379, binds: ['127.0.0.1', '::1'] }), 'port 6379\nbind 127.0.0.1\nbind ::1\nmaxmemory 0\n');
  const ported = join(dir, 'redis.conf.j2');
  writeFileSync(ported, 'port {{ redis_port }}\n{% if redis_password %}\nrequirepass {{ redis_password }}\n{% endif %}\n');
  assert.deepEqual(engine.checkFile(ported).map((p) => `${p.file}:${p.line}:${p.col}`), [`${ported}:2:1`, `${ported}:4:1`]);
  assert.throws(() => engine.renderFile(good, { binds: [] }), (err: Error) => err.message === `${good}:1:9: undefined variable "redis_port"`);
  assert.equal(engine.checkFile(join(dir, 'missing.hbs'))[0]?.message, 'template file not found');
});

test('check of a 2,000-task playbook worth of strings is fast', () => {
  const fresh = createTemplateEngine();
  const start = performance.now();
  for (let i = 0; i < 2000; i++) {
    fresh.check(`install package ${i}`, pos);
    fresh.check(`{{ pkg_${i % 50} }}`, pos);
    fresh.check(`/etc/app/{{ name }}/${i}.conf`, pos);
    fresh.checkCondition({ expr: `(eq role "r${i % 20}")`, pos });
  }
  const ms = performance.now() - start;
  assert.ok(ms < 1500, `8,000 checks took ${ms.toFixed(0)} ms`);
});

test('hints follow Jinja precedence, Python string escapes, result tests, and render what Ansible renders', () => {
  const data = {
    xs: ['a', 'b', 'c'], s: 'Hello World', n: 6379, r: { failed: false, changed: true }, skipped: { skipped: true },
    hv: { r1: { ansible_host: '10.1.1.1' } }, item: 'r1', nums: [3, 1, 2], conf: { a: 1, b: 2 },
  };
  // [Jinja, hint, what ansible-core 2.14 renders for the same data]
  const table: Array<[string, string, unknown]> = [
    ['{{ xs | length > 2 }}', 'write {{gt (length xs) 2}}', true],
    ['{{ xs | map("upper") | list | length == 3 and n > 1 }}', '', undefined],
    [`{{ s | regex_replace('^(\\\\w+) (\\\\w+)$', '\\\\2 \\\\1') }}`, 'write {{regex_replace s "^(\\w+) (\\w+)$" "\\2 \\1"}}', 'World Hello'],
    [`{{ s | regex_search('W\\\\w+') }}`, 'write {{regex_search s "W\\w+"}}', 'World'],
    [`{{ s | replace('o', "'") }}`, `write {{replace s "o" "'"}}`, "Hell' W'rld"],
    [`{{ s | replace('o', '"') }}`, `write {{replace s "o" '"'}}`, 'Hell" W"rld'],
    ['{{ n - 1 - 1 }}', 'write {{sub (sub n 1) 1}}', 6377],
    ["{{ 'a' ~ n | string ~ 'b' }}", 'write {{concat (concat "a" (string n)) "b"}}', 'a6379b'],
    ['{{ r is failed }}', 'write {{default r.failed false}}', false],
    ['{{ r is not failed }}', 'write {{not (default r.failed false)}}', true],
    ['{{ r is succeeded }}', 'write {{not (default r.failed false)}}', true],
    ['{{ r is changed }}', 'write {{default r.changed false}}', true],
    ['{{ skipped is skipped }}', 'write {{default skipped.skipped false}}', true],
    ['{{ skipped is changed }}', 'write {{default skipped.changed false}}', false],
    ["{{ xs[-1] }}", 'write {{last xs}}', 'c'],
    ['{{ range(1, 4) | list }}', 'write {{range 1 4}}', [1, 2, 3]],
    ['{{ nums | sum }}', 'write {{sum nums}}', 6],
    ['{{ conf | to_nice_yaml | indent(2) }}', 'write {{indent (to_nice_yaml conf) 2}}', 'a: 1\n  b: 2\n'],
    ['{{ conf | to_nice_yaml(indent=2) | indent(width=4, first=True) }}', '', undefined],
  ];
  for (const [jinja, hint, rendered] of table) {
    const problems = engine.check(jinja, pos);
    assert.equal(problems.length, 1, jinja);
    if (hint === '') continue;
    assert.equal(problems[0]!.hint, hint, jinja);
    assert.deepEqual(engine.render(hint.slice('write '.length), data, pos), rendered, hint);
  }
  assert.equal(
    engine.check("{{ hv[item].ansible_host }}", pos)[0]!.hint,
    'write {{lookup (lookup hv item) "ansible_host"}}',
  );
  assert.equal(engine.render('{{lookup (lookup hv item) "ansible_host"}}', data, pos), '10.1.1.1');
  assert.match(one('{{ n // 2 }}').message, /Jinja operator "\/\/" is not Handlebars/);
  // Jinja's `~` binds tighter than `+`/`-` and looser than `*`: a + (b ~ c), (a ~ b) - c, a ~ (b * c).
  assert.equal(engine.check('{{ a + b ~ c }}', pos)[0]!.hint, 'write {{add a (concat b c)}}');
  assert.equal(engine.check('{{ a ~ b - c }}', pos)[0]!.hint, 'write {{sub (concat a b) c}}');
  assert.equal(engine.check('{{ a ~ b * c }}', pos)[0]!.hint, 'write {{concat a (mul b c)}}');
  // A string ending in a backslash has no Handlebars spelling ("\\" "/" lexes as one string): no hint, not a broken one.
  const backslash = engine.check(`{{ p | regex_replace('\\\\\\\\', '/') }}`, pos);
  assert.equal(backslash.length, 1);
  assert.ok(!backslash[0]!.hint?.startsWith('write {{'), backslash[0]!.hint);
});
