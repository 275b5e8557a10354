import { test, mock } from 'node:test';
import assert from 'node:assert/strict';
import { createHumanReporter } from '../../../src/report/human.js';
import { formatElapsed } from '../../../src/report/status.js';
import { collector, ok, result, task, taskEnd, taskStart } from './fixtures.js';

const build = task('build', { role: 'redis' });

function setup(tty: boolean) {
  mock.timers.enable({ apis: ['setInterval'] });
  let clock = 1_000;
  const out = collector();
  const r = createHumanReporter({ write: out.write, verbosity: 0, color: false, tty, diff: false, check: false, now: () => clock });
  const advance = (ms: number): void => {
    clock += ms;
    mock.timers.tick(ms);
  };
  return { out, r, advance };
}

test('on a TTY, a task running over 2 s gets a status line naming the hosts still busy', (t) => {
  t.after(() => mock.timers.reset());
  const { out, r, advance } = setup(true);
  r.listener(taskStart(build, ['redismaster', 'redisslave1', 'redisslave2']));
  advance(2000);
  assert.ok(!out.text().includes('⏳'), 'nothing within the first 2 s');
  r.listener(result(build, 'redismaster', ok()));
  advance(10_000);
  assert.ok(out.lines.at(-1)!.startsWith('\r\x1b[K⏳ TASK [redis : build] 12s — waiting for redisslave1, redisslave2'), JSON.stringify(out.lines.at(-1)));
  // Real output first clears the line, so the status never mixes with a result.
  r.listener(result(build, 'redisslave1', ok()));
  const clearAt = out.lines.lastIndexOf('\r\x1b[K');
  assert.ok(clearAt >= 0 && out.lines[clearAt + 1] === 'ok: [redisslave1]\n', JSON.stringify(out.lines.slice(-4)));
  // ...and it comes back for the host still running.
  assert.match(out.lines.at(-1)!, /waiting for redisslave2$/);
  r.listener(result(build, 'redisslave2', ok()));
  r.listener(taskEnd(build));
  const before = out.lines.length;
  advance(5000);
  assert.equal(out.lines.length, before, 'no status once the task ended');
  r.close();
});

test('close() clears a visible status line and stops the timer', (t) => {
  t.after(() => mock.timers.reset());
  const { out, r, advance } = setup(true);
  r.listener(taskStart(build, ['a']));
  advance(3000);
  assert.match(out.lines.at(-1)!, /⏳/);
  r.close();
  assert.equal(out.lines.at(-1), '\r\x1b[K');
  const before = out.lines.length;
  advance(5000);
  assert.equal(out.lines.length, before);
});

test('no status line when the output is not a terminal', (t) => {
  t.after(() => mock.timers.reset());
  const { out, r, advance } = setup(false);
  r.listener(taskStart(build, ['a']));
  advance(30_000);
  r.close();
  assert.ok(!out.text().includes('⏳'));
  assert.ok(!out.text().includes('\x1b[K'));
});

test('the status line fits the terminal width', (t) => {
  t.after(() => mock.timers.reset());
  mock.timers.enable({ apis: ['setInterval'] });
  let clock = 0;
  const out = collector();
  const r = createHumanReporter({ write: out.write, verbosity: 0, color: false, tty: true, diff: false, check: false, now: () => clock, columns: 40 });
  r.listener(taskStart(build, Array.from({ length: 30 }, (_, i) => `host-number-${i}`)));
  clock += 5000;
  mock.timers.tick(5000);
  const line = out.lines.at(-1)!.replace('\r\x1b[K', '');
  assert.ok(line.length <= 39, line);
  assert.ok(line.endsWith('…'));
  r.close();
});

test('elapsed time reads as seconds, then minutes, then hours', () => {
  assert.equal(formatElapsed(12_400), '12s');
  assert.equal(formatElapsed(65_000), '1m05s');
  assert.equal(formatElapsed(3_725_000), '1h02m');
});

test('clearStatus() erases a visible status line (the CLI calls it before its Ctrl-C notice on stderr)', (t) => {
  t.after(() => mock.timers.reset());
  const { out, r, advance } = setup(true);
  r.listener(taskStart(build, ['a']));
  advance(3000);
  assert.match(out.lines.at(-1)!, /⏳/);
  r.clearStatus();
  assert.equal(out.lines.at(-1), '\r\x1b[K');
  const n = out.lines.length;
  r.clearStatus();
  assert.equal(out.lines.length, n, 'nothing to erase the second time');
  r.close();
});
