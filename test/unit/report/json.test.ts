import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createJsonReporter } from '../../../src/report/json.js';
import type { RunEvent } from '../../../src/core/events.js';
import { changed, collector, playStart, result, runEnd, stats, task, taskEnd, taskStart } from './fixtures.js';

test('one JSON object per event per line, with the event fields unchanged', () => {
  const t = task('install');
  const events: RunEvent[] = [
    { type: 'run:start', time: 1, playbook: 'site.yml', check: false },
    playStart('web', ['a']),
    taskStart(t, ['a']),
    { type: 'host:output', time: 2, task: t, host: 'a', stream: 'stderr', chunk: 'warn\n' },
    result(t, 'a', changed({ rc: 0 }), { durationMs: 42 }),
    taskEnd(t, 50),
    runEnd({ a: stats({ ok: 1, changed: 1 }) }),
  ];
  const out = collector();
  const r = createJsonReporter({ write: out.write });
  for (const e of events) r.listener(e);
  r.close();
  const lines = out.text().split('\n');
  assert.equal(lines.pop(), '', 'every line ends with a newline');
  assert.equal(lines.length, events.length);
  assert.deepEqual(lines.map((l) => JSON.parse(l)), JSON.parse(JSON.stringify(events)));
  assert.equal(
    lines[4],
    '{"type":"host:result","time":0,"task":{"id":"0/install","name":"install","module":"command","pos":{"file":"site.yml","line":3,"col":5},"handler":false},"host":"a","result":{"status":"changed","data":{"rc":0},"diffs":[],"warnings":[]},"durationMs":42,"noLog":false}',
  );
});
