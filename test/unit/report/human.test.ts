import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHumanReporter, type ReporterOptions } from '../../../src/report/human.js';
import type { RunEvent } from '../../../src/core/events.js';
import { trimOutput } from '../../../src/core/errors.js';
import { changed, collector, failed, item, ok, playStart, result, runEnd, skipped, stats, task, taskEnd, taskStart, unreachable } from './fixtures.js';

function render(events: RunEvent[], opts: Partial<ReporterOptions> = {}): string {
  const out = collector();
  const r = createHumanReporter({ write: out.write, verbosity: 0, color: false, tty: false, diff: false, check: false, ...opts });
  for (const e of events) r.listener(e);
  r.close();
  return out.text();
}

const STARS = (title: string): string => `${title} ${'*'.repeat(80 - title.length - 1)}`;

test('a play prints Ansible-style banners, one line per host result and the recap', () => {
  const build = task('install build tools', { role: 'build-deps' });
  const restart = task('restart redis', { role: 'redis-master', handler: true, id: '0/h/restart' });
  const text = render([
    { type: 'run:start', time: 0, playbook: 'site.yml', check: false },
    playStart('redis servers', ['redismaster', 'redisslave1', 'redisslave2']),
    taskStart(build, ['redismaster', 'redisslave1', 'redisslave2']),
    result(build, 'redismaster', ok()),
    result(build, 'redisslave1', changed()),
    result(build, 'redisslave2', skipped()),
    taskEnd(build),
    taskStart(restart, ['redisslave1']),
    result(restart, 'redisslave1', changed()),
    taskEnd(restart),
    { type: 'play:end', time: 0, name: 'redis servers' },
    runEnd({
      redisslave2: stats({ skipped: 1 }),
      redismaster: stats({ ok: 5, changed: 2, skipped: 1 }),
      redisslave1: stats({ ok: 2, changed: 2 }),
    }),
  ]);
  assert.equal(
    text,
    [
      '',
      'PLAY [redis servers] ***********************************************************',
      '',
      'TASK [build-deps : install build tools] ****************************************',
      'ok: [redismaster]',
      'changed: [redisslave1]',
      'skipping: [redisslave2]',
      '',
      'RUNNING HANDLER [redis-master : restart redis] *********************************',
      'changed: [redisslave1]',
      '',
      'PLAY RECAP *********************************************************************',
      'redismaster                : ok=5    changed=2    unreachable=0    failed=0    skipped=1    rescued=0    ignored=0',
      'redisslave1                : ok=2    changed=2    unreachable=0    failed=0    skipped=0    rescued=0    ignored=0',
      'redisslave2                : ok=0    changed=0    unreachable=0    failed=0    skipped=1    rescued=0    ignored=0',
      '',
      '',
    ].join('\n'),
  );
});

test('banners follow the terminal width', () => {
  const text = render([playStart('web', ['a'])], { columns: 40 });
  assert.equal(text, `\nPLAY [web] ${'*'.repeat(29)}\n`);
});

test('check mode is announced in the play banner', () => {
  const text = render([{ type: 'run:start', time: 0, playbook: 'site.yml', check: true }, playStart('web', ['a'])]);
  assert.equal(text, `\n${STARS('PLAY [web] (check mode)')}\n`);
});

test('a failure shows the message first, the exit code and trimmed stderr; ignored failures say ...ignoring', () => {
  const t = task('compile');
  const stderr = Array.from({ length: 40 }, (_, i) => `error line ${i + 1}`).join('\n');
  const text = render([
    taskStart(t, ['a', 'b']),
    result(t, 'a', failed('non-zero return code', { rc: 2, stdout: 'noise', stderr, cmd: 'make' })),
    result(t, 'b', failed('boom', { rc: 1, stderr: 'bad' }, true)),
  ]);
  const lines = text.split('\n');
  const fatal = lines.find((l) => l.startsWith('fatal: [a]: FAILED! => '))!;
  const shown = JSON.parse(fatal.slice('fatal: [a]: FAILED! => '.length)) as Record<string, unknown>;
  assert.deepEqual(Object.keys(shown), ['msg', 'rc', 'stderr']);
  assert.equal(shown.msg, 'non-zero return code');
  assert.match(String(shown.stderr), /error line 40$/);
  assert.doesNotMatch(String(shown.stderr), /error line 1\n/);
  assert.ok(text.includes('fatal: [b]: FAILED! => {"msg": "boom", "rc": 1, "stderr": "bad"}\n...ignoring\n'));
});

test('-v adds result data to ok/changed/skipped lines; without -v they stay bare', () => {
  const t = task('ping');
  const events = [taskStart(t, ['a']), result(t, 'a', changed({ rc: 0, stdout: 'pong' })), result(t, 'b', skipped('no redis'))];
  assert.ok(render(events).includes('changed: [a]\nskipping: [b]\n'));
  const verbose = render(events, { verbosity: 1 });
  assert.ok(verbose.includes('changed: [a] => {"rc": 0, "stdout": "pong"}\n'));
  assert.ok(verbose.includes('skipping: [b] => {"skip_reason": "no redis"}\n'));
  const failing = render([taskStart(t, ['a']), result(t, 'a', failed('x', { rc: 1, stdout: 'out', stdout_lines: ['out'], changed: false }))], { verbosity: 1 });
  assert.ok(failing.includes('fatal: [a]: FAILED! => {"msg": "x", "rc": 1, "stdout": "out", "changed": false}\n'));
});

test('debug output is shown without -v, indented like Ansible', () => {
  const t = task('show', { module: 'debug' });
  const text = render([taskStart(t, ['a']), result(t, 'a', ok({ msg: 'hello' }))]);
  assert.ok(text.endsWith('ok: [a] => {\n    "msg": "hello"\n}\n'));
});

test('loop items print one line each and replace the summary line unless the loop failed', () => {
  const t = task('users');
  const text = render([
    taskStart(t, ['h']),
    item(t, 'h', 'foo', changed()),
    item(t, 'h', 'bar', ok()),
    item(t, 'h', 'baz', skipped()),
    result(t, 'h', changed()),
    item(t, 'g', 'qux', failed('no such user', {})),
    result(t, 'g', failed('One or more items failed', {})),
  ]);
  assert.ok(
    text.endsWith(
      [
        'changed: [h] => (item=foo)',
        'ok: [h] => (item=bar)',
        'skipping: [h] => (item=baz)',
        'failed: [g] (item=qux) => {"msg": "no such user"}',
        'fatal: [g]: FAILED! => {"msg": "One or more items failed"}',
        '',
      ].join('\n'),
    ),
    text,
  );
});

test('delegation shows as [host -> delegate]', () => {
  const t = task('lb');
  assert.ok(render([taskStart(t, ['a']), result(t, 'a', ok(), { delegatedTo: 'localhost' })]).includes('ok: [a -> localhost]\n'));
});

test('an unreachable host is reported once even when both events arrive', () => {
  const t = task('ping');
  const text = render([
    taskStart(t, ['x', 'y']),
    { type: 'host:unreachable', time: 0, host: 'x', msg: 'connect ECONNREFUSED 127.0.0.1:22' },
    result(t, 'x', unreachable('connect ECONNREFUSED 127.0.0.1:22')),
    result(t, 'y', unreachable('timed out', true)),
    { type: 'host:unreachable', time: 0, host: 'y', msg: 'timed out' },
  ]);
  assert.equal(
    text.split('\n').filter((l) => l.startsWith('fatal')).join('\n'),
    'fatal: [x]: UNREACHABLE! => {"msg": "connect ECONNREFUSED 127.0.0.1:22"}\nfatal: [y]: UNREACHABLE! => {"msg": "timed out"}',
  );
  assert.ok(text.includes('fatal: [y]: UNREACHABLE! => {"msg": "timed out"}\n...ignoring\n'));
});

test('--diff prints unified diffs before the result line, only with --diff', () => {
  const t = task('config', { module: 'template' });
  const r = changed({}, { diffs: [{ path: '/etc/redis.conf', before: 'port 6379\nbind 127.0.0.1\n', after: 'port 6380\nbind 127.0.0.1\n' }] });
  const events = [taskStart(t, ['a']), result(t, 'a', r)];
  const text = render(events, { diff: true });
  assert.ok(
    text.endsWith(
      [
        '--- before: /etc/redis.conf',
        '+++ after: /etc/redis.conf',
        '@@ -1,2 +1,2 @@',
        '-port 6379',
        '+port 6380',
        ' bind 127.0.0.1',
        '',
        'changed: [a]',
        '',
      ].join('\n'),
    ),
    text,
  );
  assert.ok(!render(events).includes('before:'));
});

test('--diff hunk headers write one-line ranges as difflib (Ansible) and GNU diff do: `-1 +1`', () => {
  const t = task('state', { module: 'file' });
  const r = changed({}, { diffs: [{ path: '/tmp/x', before: 'state: file\n', after: 'state: absent\n' }, { path: '/tmp/y', before: '', after: 'one\n' }] });
  const text = render([taskStart(t, ['a']), result(t, 'a', r)], { diff: true });
  assert.ok(text.includes('+++ after: /tmp/x\n@@ -1 +1 @@\n-state: file\n+state: absent\n'), text);
  assert.ok(text.includes('+++ after: /tmp/y\n@@ -0,0 +1 @@\n+one\n'), text);
});

test('warnings print as [WARNING]: after the result and on their own', () => {
  const t = task('apt');
  const text = render([
    taskStart(t, ['a']),
    result(t, 'a', changed({}, { warnings: ['consider using the apt module'] })),
    { type: 'warning', time: 0, message: 'no hosts matched "dbs"' },
    { type: 'warning', time: 0, message: 'python missing', host: 'a' },
  ]);
  assert.ok(text.endsWith('changed: [a]\n[WARNING]: consider using the apt module\n[WARNING]: no hosts matched "dbs"\n[WARNING]: [a] python missing\n'));
});

test('-vv streams command output line by line, prefixed with the host, including a last line without newline', () => {
  const t = task('build');
  const events: RunEvent[] = [
    taskStart(t, ['a']),
    { type: 'host:output', time: 0, task: t, host: 'a', stream: 'stdout', chunk: 'CC redis' },
    { type: 'host:output', time: 0, task: t, host: 'a', stream: 'stdout', chunk: '.o\nLINK redis-server\nInstall' },
    result(t, 'a', changed()),
  ];
  const text = render(events, { verbosity: 2 });
  assert.ok(text.includes('task path: site.yml:3:5\n'));
  assert.ok(text.endsWith('[a] CC redis.o\n[a] LINK redis-server\n[a] Install\nchanged: [a]\n'), text);
  assert.ok(!render(events, { verbosity: 1 }).includes('[a] CC'));
});

test('an interrupted run says so after the recap', () => {
  const text = render([runEnd({ a: stats({ ok: 1 }) }, true)]);
  assert.match(text, /PLAY RECAP[\s\S]*a +: ok=1[\s\S]*\[ERROR\]: interrupted/);
});

test('colour appears only when enabled: green ok, yellow changed, red failure', () => {
  const t = task('x');
  const events = [taskStart(t, ['a']), result(t, 'a', ok()), result(t, 'b', changed()), result(t, 'c', failed('no'))];
  const coloured = render(events, { color: true });
  assert.ok(coloured.includes('\x1b[32mok: [a]\x1b[0m'));
  assert.ok(coloured.includes('\x1b[33mchanged: [b]\x1b[0m'));
  assert.ok(coloured.includes('\x1b[31mfatal: [c]: FAILED!'));
  assert.ok(!render(events).includes('\x1b['));
});

test('inline JSON keeps strings intact and nests arrays and objects on one line', async () => {
  const { inlineJson } = await import('../../../src/report/resultLines.js');
  assert.equal(inlineJson({ a: [1, { b: 'x,\n y' }], c: {}, d: [] }), '{"a": [1, {"b": "x,\\n y"}], "c": {}, "d": []}');
});

test('log messages (retries, prompts) show without -v, one prefixed line each, and never for no_log tasks', () => {
  const t = task('wait for redis');
  const events: RunEvent[] = [
    taskStart(t, ['a']),
    { type: 'host:log', time: 0, task: t, host: 'a', message: 'FAILED - RETRYING: wait for redis (3 retries left)' },
    { type: 'host:log', time: 0, task: t, host: 'a', message: 'one\ntwo' },
    result(t, 'a', ok()),
  ];
  assert.ok(render(events).endsWith('[a] FAILED - RETRYING: wait for redis (3 retries left)\n[a] one\n[a] two\nok: [a]\n'));
  const hidden = [...events.slice(0, 3), result(t, 'a', ok(), { noLog: true })];
  assert.ok(!render(hidden).includes('RETRYING'));
});

test('a role task whose TaskRef name already says `role : name` (as the executor sends it) names the role once', () => {
  const t = task('r1 : first', { role: 'r1' });
  const text = render([playStart('p', ['a']), taskStart(t, ['a']), result(t, 'a', ok()), taskEnd(t)]);
  assert.ok(text.includes('TASK [r1 : first] *'), text);
  assert.ok(!text.includes('r1 : r1'), text);
});

test('strategy free: a result of another task than the last banner prints its banner again; concurrent starts print one', () => {
  const one = task('one');
  const two = task('two');
  const text = render([
    playStart('p', ['a', 'b']),
    taskStart(one, ['a']),
    taskStart(one, ['b']),
    result(one, 'a', ok()),
    taskEnd(one),
    taskStart(two, ['a']),
    result(one, 'b', ok()),
    taskEnd(one),
    result(two, 'a', changed()),
    taskEnd(two),
  ]);
  assert.equal(
    text,
    ['', STARS('PLAY [p]'), '', STARS('TASK [one]'), 'ok: [a]', '', STARS('TASK [two]'), '', STARS('TASK [one]'), 'ok: [b]', '', STARS('TASK [two]'), 'changed: [a]', ''].join('\n'),
  );
});

test('a task that starts again after it ended (an include loop round) gets its banner again', () => {
  const t = task('inc');
  const text = render([playStart('p', ['a']), taskStart(t, ['a']), result(t, 'a', ok()), taskEnd(t), taskStart(t, ['a']), result(t, 'a', ok()), taskEnd(t)]);
  assert.equal(text.split('TASK [inc]').length - 1, 2, text);
});

test('a task delegated to its own host names the host once, as Ansible', () => {
  const t = task('deleg');
  const text = render([playStart('p', ['a']), taskStart(t, ['a']), result(t, 'a', changed(), { delegatedTo: 'a' }), result(t, 'b', changed(), { delegatedTo: 'a' }), taskEnd(t)]);
  assert.ok(text.includes('changed: [a]\n'), text);
  assert.ok(text.includes('changed: [b -> a]\n'), text);
});

test('a loop whose every item was skipped ends with the host summary `skipping: [host]`, as Ansible', () => {
  const t = task('loop');
  const text = render([playStart('p', ['a']), taskStart(t, ['a']), item(t, 'a', 'x', skipped()), result(t, 'a', skipped()), taskEnd(t)]);
  assert.ok(text.endsWith('skipping: [a] => (item=x)\nskipping: [a]\n'), text);
});

test('a failure message that already ends with the output tail does not repeat it (command modules put it there)', () => {
  const t = task('build');
  const hundred = Array.from({ length: 100 }, (_, i) => String(i + 1)).join('\n');
  const text = render([
    taskStart(t, ['a', 'b']),
    result(t, 'a', failed('shell failed (rc 3): err', { rc: 3, stdout: 'out', stderr: 'err' })),
    result(t, 'b', failed(`shell failed (rc 1): ${trimOutput(hundred)}`, { rc: 1, stdout: hundred, stderr: '' })),
  ]);
  assert.ok(text.includes('fatal: [a]: FAILED! => {"msg": "shell failed (rc 3): err", "rc": 3}\n'), text);
  // A tail the message does not contain is still shown.
  const other = render([taskStart(t, ['a']), result(t, 'a', failed('shell failed (rc 1): …\n99\n100', { rc: 1, stdout: 'x\n1\n2', stderr: '' }))]);
  assert.ok(other.includes('"stdout": "x\\n1\\n2"'), other);
  const lastLine = text.split('\n').find((l) => l.startsWith('fatal: [b]'))!;
  assert.equal(lastLine.match(/100/g)?.length, 1, lastLine);
});

test('-v: a loop summary does not repeat the items shown above it, and `failed`/`skipped` keys are left out (as Ansible)', () => {
  const t = task('loop');
  const items = [{ item: 'a', changed: true, failed: false }, { item: 'b', failed: true, msg: 'no' }];
  const text = render(
    [
      taskStart(t, ['a', 'b']),
      item(t, 'a', 'a', changed({ rc: 0 })),
      item(t, 'a', 'b', failed('no', { rc: 1, failed: true })),
      result(t, 'a', failed('1 of 2 items failed', { results: items, changed: false, failed: true }, true)),
      item(t, 'b', 'x', { status: 'skipped', reason: 'Conditional result was False', data: { skipped: true, skip_reason: 'Conditional result was False' } }),
      result(t, 'b', { status: 'skipped', reason: 'all items skipped', data: { results: [{ skipped: true }], skipped: true, msg: 'all items skipped' } }),
    ],
    { verbosity: 1 },
  );
  assert.ok(text.includes('fatal: [a]: FAILED! => {"msg": "1 of 2 items failed", "changed": false}\n...ignoring\n'), text);
  assert.ok(text.includes('failed: [a] (item=b) => {"msg": "no", "rc": 1}\n'), text);
  assert.ok(text.includes('skipping: [b] => (item=x) => {"skip_reason": "Conditional result was False"}\n'), text);
  assert.ok(text.includes('skipping: [b] => {"skip_reason": "all items skipped", "msg": "all items skipped"}\n'), text);
  // -vvv shows everything as it came.
  assert.ok(render([taskStart(t, ['a']), item(t, 'a', 'x', changed()), result(t, 'a', failed('1 of 1 items failed', { results: items }))], { verbosity: 3 }).includes('"results": ['));
});

test('`included:` names every host of the same file on one line, after the task, as Ansible (cyan)', () => {
  const inc = task('include', { module: 'include_tasks' });
  const incl = (file: string) => ok({ _included: file });
  const events = [
    taskStart(inc, ['a', 'b', 'c', 'd']),
    result(inc, 'a', incl('/p/x.yml')),
    result(inc, 'b', skipped()),
    result(inc, 'c', incl('/p/x.yml')),
    result(inc, 'd', incl('/p/y.yml')),
    taskEnd(inc),
  ];
  const text = render(events);
  assert.ok(text.endsWith('skipping: [b]\nincluded: /p/x.yml for a, c\nincluded: /p/y.yml for d\n'), text);
  assert.ok(render(events, { color: true }).includes('\x1b[36mincluded: /p/x.yml for a, c\x1b[0m'));
  // A run cut short before task:end still shows them.
  assert.ok(render(events.slice(0, 3)).endsWith('included: /p/x.yml for a\n'));
});
