import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mergeRecaps } from '../../../src/report/recapMerge.js';
import type { HostStats, RunEvent } from '../../../src/core/events.js';
import { ok, playStart, result, runEnd, stats, task } from './fixtures.js';

const lines = (events: RunEvent[]): string[] => events.map((e) => JSON.stringify(e));
const slice = (s: Record<string, HostStats>, interrupted = false): string[] =>
  lines([{ type: 'run:start', time: 0, playbook: 'site.yml', check: false }, runEnd(s, interrupted)]);

test('two slices merge into one recap sorted by host, exit 0 when all succeeded', () => {
  const merged = mergeRecaps([slice({ web3: stats({ ok: 4, changed: 1 }), web1: stats({ ok: 4 }) }), slice({ web2: stats({ ok: 4, skipped: 2 }) })]);
  assert.deepEqual(Object.keys(merged.stats), ['web3', 'web1', 'web2']);
  assert.equal(merged.exitCode, 0);
  assert.equal(
    merged.text,
    [
      'PLAY RECAP *********************************************************************',
      'web1                       : ok=4    changed=0    unreachable=0    failed=0    skipped=0    rescued=0    ignored=0',
      'web2                       : ok=4    changed=0    unreachable=0    failed=0    skipped=2    rescued=0    ignored=0',
      'web3                       : ok=4    changed=1    unreachable=0    failed=0    skipped=0    rescued=0    ignored=0',
      '',
      '',
    ].join('\n'),
  );
});

test('a failed host in any slice gives 2; unreachable without failures gives 4', () => {
  assert.equal(mergeRecaps([slice({ a: stats({ ok: 1 }) }), slice({ b: stats({ failed: 1 }) })]).exitCode, 2);
  assert.equal(mergeRecaps([slice({ a: stats({ unreachable: 1 }) }), slice({ b: stats({ failed: 1 }) })]).exitCode, 2);
  assert.equal(mergeRecaps([slice({ a: stats({ unreachable: 1 }) }), slice({ b: stats({ ok: 1 }) })]).exitCode, 4);
});

test('an interrupted slice gives 99 and is named', () => {
  const merged = mergeRecaps([slice({ a: stats({ ok: 1 }) }, true), slice({ b: stats({ ok: 1 }) })]);
  assert.equal(merged.exitCode, 99);
  assert.match(merged.text, /\[WARNING\]: slice 1 of 2: interrupted/);
});

test('a slice without run:end is counted from its results and the merge does not claim success', () => {
  const t = task('x');
  const partial = lines([playStart('p', ['c']), result(t, 'c', ok())]);
  const merged = mergeRecaps([slice({ a: stats({ ok: 1 }) }), [...partial, 'not json', '']]);
  assert.deepEqual(merged.stats.c, stats({ ok: 1 }));
  assert.equal(merged.exitCode, 1);
  assert.match(merged.text, /slice 2 of 2: no run:end/);
  assert.match(merged.text, /slice 2 of 2: 1 line\(s\) were not run events/);
});
