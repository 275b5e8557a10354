import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createProfileReporter } from '../../../src/report/profile.js';
import type { RunEvent } from '../../../src/core/events.js';
import { collector, ok, result, runEnd, stats, task, taskEnd, taskStart } from './fixtures.js';

test('--profile prints the slowest tasks first with host count, total and max time', () => {
  const fast = task('ping', { pos: { file: 'site.yml', line: 10, col: 5 } });
  const slow = task('compile redis', { role: 'redis', pos: { file: 'roles/redis/tasks/main.yml', line: 4, col: 3 } });
  const medium = task('apt', { pos: { file: 'site.yml', line: 20, col: 5 } });
  const events: RunEvent[] = [
    taskStart(fast, ['a', 'b'], 0), result(fast, 'a', ok(), { durationMs: 100 }), result(fast, 'b', ok(), { durationMs: 120 }), taskEnd(fast, 130),
    taskStart(slow, ['a', 'b'], 200), result(slow, 'a', ok(), { durationMs: 36_000 }), result(slow, 'b', ok(), { durationMs: 41_500 }), taskEnd(slow, 41_600),
    taskStart(medium, ['a'], 42_000), result(medium, 'a', ok(), { durationMs: 2_000 }), taskEnd(medium, 2_010),
    runEnd({ a: stats({ ok: 3 }), b: stats({ ok: 2 }) }),
  ];
  const out = collector();
  const p = createProfileReporter({ write: out.write, top: 2 });
  for (const e of events) p.listener(e);
  p.close();
  assert.equal(
    out.text(),
    [
      '',
      'PROFILE [slowest 2 of 3 tasks] *************************************************',
      ' total     max  hosts  task                   position',
      '41.60s  41.50s      2  redis : compile redis  roles/redis/tasks/main.yml:4',
      ' 2.01s   2.00s      1  apt                    site.yml:20',
      '',
    ].join('\n'),
  );
});

test('a task run in several serial batches adds up, and an interrupted task is timed to its last result', () => {
  const t = task('restart');
  const cut = task('build');
  const events: RunEvent[] = [
    taskStart(t, ['a'], 0), result(t, 'a', ok(), { durationMs: 900 }), taskEnd(t, 1000),
    taskStart(t, ['b'], 2000), result(t, 'b', ok(), { durationMs: 1400 }), taskEnd(t, 1500),
    taskStart(cut, ['a', 'b'], 5000), result(cut, 'a', ok(), { durationMs: 3000, time: 8000 }),
  ];
  const out = collector();
  const p = createProfileReporter({ write: out.write });
  for (const e of events) p.listener(e);
  p.close();
  const rows = out.text().split('\n').slice(3, 5);
  assert.equal(rows[0], '3.00s  3.00s      1  build    site.yml:3');
  assert.equal(rows[1], '2.50s  1.40s      2  restart  site.yml:3');
});
