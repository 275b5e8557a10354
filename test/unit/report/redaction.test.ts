import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHumanReporter } from '../../../src/report/human.js';
import { createJsonReporter } from '../../../src/report/json.js';
import { CENSORED, cleanValue } from '../../../src/report/redact.js';
import { Secret } from '../../../src/core/sh.js';
import type { RunEvent } from '../../../src/core/events.js';
import { changed, collector, failed, item, ok, result, runEnd, stats, task, taskStart } from './fixtures.js';

const SECRET = 'hunter2-password';
const secretTask = task('set password', { module: 'user' });

/** A no_log task whose every path (items, output, log, diffs, data, failure) carries the secret. */
const noLogRun: RunEvent[] = [
  taskStart(secretTask, ['a', 'b']),
  { type: 'host:output', time: 0, task: secretTask, host: 'a', stream: 'stdout', chunk: `echo ${SECRET}\n` },
  { type: 'host:log', time: 0, task: secretTask, host: 'a', message: `using ${SECRET}` },
  item(secretTask, 'a', `alice:${SECRET}`, changed({ password: SECRET }, { diffs: [{ path: '/etc/shadow', before: 'x', after: SECRET }] })),
  result(secretTask, 'a', changed({ password: SECRET }, { diffs: [{ path: '/etc/shadow', before: 'x', after: SECRET }], warnings: [`weak ${SECRET}`] }), { noLog: true }),
  result(secretTask, 'b', failed(`cannot set ${SECRET}`, { stderr: SECRET, rc: 1 }), { noLog: true }),
  runEnd({ a: stats({ ok: 1, changed: 1 }), b: stats({ failed: 1 }) }),
];

for (const verbosity of [0, 1, 2, 3]) {
  test(`human output at verbosity ${verbosity} with --diff never shows a no_log task's data, items, output or diffs`, () => {
    const out = collector();
    const r = createHumanReporter({ write: out.write, verbosity, color: false, tty: false, diff: true, check: false });
    for (const e of noLogRun) r.listener(e);
    r.close();
    const text = out.text();
    assert.ok(!text.includes(SECRET), text);
    assert.ok(!text.includes('alice'), 'the loop item label is masked too');
    assert.ok(text.includes('changed: [a] => (item=********)'));
    const shown = verbosity >= 3 ? `{\n    "censored": "${CENSORED}"\n}` : `{"censored": "${CENSORED}"}`;
    assert.ok(text.includes(`fatal: [b]: FAILED! => ${shown}`), text);
    assert.ok(!text.includes('--- before'));
  });
}

test('JSON output censors no_log results, items, output and log lines', () => {
  const out = collector();
  const r = createJsonReporter({ write: out.write });
  for (const e of noLogRun) r.listener(e);
  r.close();
  const text = out.text();
  assert.ok(!text.includes(SECRET), text);
  const events = text.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  const res = events.find((e) => e.type === 'host:result' && e.host === 'b') as { result: Record<string, unknown> };
  assert.deepEqual(res.result, { status: 'failed', msg: CENSORED, data: { censored: CENSORED }, ignored: false, diffs: [] });
  const it = events.find((e) => e.type === 'host:item') as { item: string; result: { data: unknown; diffs: unknown[] } };
  assert.equal(it.item, '********');
  assert.deepEqual(it.result.data, { censored: CENSORED });
  assert.deepEqual(it.result.diffs, []);
});

test('items and output of a task are released as soon as its result shows no_log is off', () => {
  const t = task('list');
  const out = collector();
  const r = createHumanReporter({ write: out.write, verbosity: 2, color: false, tty: false, diff: false, check: false });
  r.listener(taskStart(t, ['a']));
  r.listener(item(t, 'a', 'one', ok()));
  assert.ok(!out.text().includes('item=one'), 'held until the result says whether no_log applies');
  r.listener(result(t, 'a', ok()));
  assert.ok(out.text().endsWith('ok: [a] => (item=one)\n'));
});

test('a TaskRef that already says noLog: false lets output stream before the result', () => {
  const t = { ...task('build'), noLog: false };
  const out = collector();
  const r = createHumanReporter({ write: out.write, verbosity: 2, color: false, tty: false, diff: false, check: false });
  r.listener(taskStart(t, ['a']));
  r.listener({ type: 'host:output', time: 0, task: t, host: 'a', stream: 'stdout', chunk: 'compiling\n' });
  assert.ok(out.text().endsWith('[a] compiling\n'));
});

test('items still held when the run is cut short are dropped as if no_log', () => {
  const t = task('loop');
  const out = collector();
  const r = createJsonReporter({ write: out.write });
  r.listener(item(t, 'a', `k=${SECRET}`, ok({ v: SECRET })));
  r.close();
  assert.ok(out.text().includes('"item":"********"'));
  assert.ok(!out.text().includes(SECRET));
});

test('Secrets print as ******** and Buffers as text, in human -v and JSON output', () => {
  const t = task('connect');
  const data = { password: new Secret(SECRET), nested: [{ token: new Secret(SECRET) }], raw: Buffer.from('hello'), bin: Buffer.from([0xff, 0xfe]) };
  const human = collector();
  const h = createHumanReporter({ write: human.write, verbosity: 1, color: false, tty: false, diff: false, check: false });
  h.listener(result(t, 'a', ok(data)));
  assert.equal(human.text(), 'ok: [a] => {"password": "********", "nested": [{"token": "********"}], "raw": "hello", "bin": "<2 bytes of binary data>"}\n');
  const json = collector();
  const j = createJsonReporter({ write: json.write });
  j.listener(result(t, 'a', failed('bad', data)));
  assert.ok(!json.text().includes(SECRET));
  assert.ok(!json.text().includes('"type":"Buffer"'));
  assert.ok(json.text().includes('"raw":"hello"'));
});

test('cleanValue survives cycles', () => {
  const a: Record<string, unknown> = { name: 'a' };
  a.self = a;
  assert.deepEqual(cleanValue(a), { name: 'a', self: '[circular]' });
});

test('an event that carries noLog: true itself is censored without waiting', () => {
  const t = task('k');
  const out = collector();
  const r = createJsonReporter({ write: out.write });
  r.listener({ type: 'host:output', time: 0, task: t, host: 'a', stream: 'stdout', chunk: SECRET, noLog: true } as RunEvent);
  assert.ok(out.text().includes(CENSORED));
  assert.ok(!out.text().includes(SECRET));
});
