import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exitCodeFromStats, formatRecap, recapFromEvents } from '../../../src/report/recap.js';
import { changed, failed, ok, playStart, result, runEnd, skipped, stats, task, unreachable } from './fixtures.js';

test('the recap aligns columns as Ansible does and sorts hosts by name (web2 before web10)', () => {
  const text = formatRecap({
    web10: stats({ ok: 12, changed: 3 }),
    web2: stats({ failed: 1, ok: 1 }),
    'a-very-long-host-name-beyond-26.example.com': stats({ unreachable: 1 }),
  });
  assert.equal(
    text,
    [
      'PLAY RECAP *********************************************************************',
      'a-very-long-host-name-beyond-26.example.com : ok=0    changed=0    unreachable=1    failed=0    skipped=0    rescued=0    ignored=0',
      'web2                       : ok=1    changed=0    unreachable=0    failed=1    skipped=0    rescued=0    ignored=0',
      'web10                      : ok=12   changed=3    unreachable=0    failed=0    skipped=0    rescued=0    ignored=0',
      '',
      '',
    ].join('\n'),
  );
});

test('coloured recap paints the host by its worst outcome and only non-zero counts', () => {
  const text = formatRecap({ a: stats({ ok: 2, changed: 1 }) }, { color: true });
  assert.ok(text.includes(`\x1b[33m${'a'.padEnd(26)}\x1b[0m : \x1b[32mok=2   \x1b[0m \x1b[33mchanged=1   \x1b[0m unreachable=0 `));
});

test('without run:end, stats are counted from results as Ansible counts them', () => {
  const t = task('x');
  const s = recapFromEvents([
    playStart('p', ['a', 'b', 'idle']),
    result(t, 'a', ok()),
    result(t, 'a', changed()),
    result(t, 'a', skipped()),
    result(t, 'a', failed('e', {}, true)),
    result(t, 'b', failed('e')),
    result(t, 'b', unreachable('gone')),
  ]);
  assert.deepEqual(s, {
    a: stats({ ok: 3, changed: 1, skipped: 1, ignored: 1 }),
    b: stats({ failed: 1, unreachable: 1 }),
    idle: stats(),
  });
});

test('without run:end, an ignored failure that changed the host counts as changed, as the executor counts it', () => {
  const t = task('x');
  const s = recapFromEvents([result(t, 'a', failed('rc 1', { changed: true }, true)), result(t, 'a', failed('rc 1', { changed: false }, true))]);
  assert.deepEqual(s, { a: stats({ ok: 2, changed: 1, ignored: 2 }) });
});

test('run:end stats win over counting (only the executor knows what a rescue absorbed)', () => {
  const t = task('x');
  const s = recapFromEvents([result(t, 'a', failed('e')), runEnd({ a: stats({ ok: 2, rescued: 1 }) })]);
  assert.deepEqual(s, { a: stats({ ok: 2, rescued: 1 }) });
});

test('exit codes: 0 success, 2 a host failed, 4 unreachable with none failed, 99 interrupted', () => {
  assert.equal(exitCodeFromStats({ a: stats({ ok: 1 }) }), 0);
  assert.equal(exitCodeFromStats({ a: stats({ failed: 1 }), b: stats({ unreachable: 1 }) }), 2);
  assert.equal(exitCodeFromStats({ a: stats({ ok: 1 }), b: stats({ unreachable: 1 }) }), 4);
  assert.equal(exitCodeFromStats({ a: stats({ ignored: 1, ok: 1 }) }), 0);
  assert.equal(exitCodeFromStats({ a: stats({ ok: 1 }) }, true), 99);
});
