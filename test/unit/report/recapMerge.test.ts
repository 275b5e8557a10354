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

test('an input with no run events (a human log, an empty file) is invalid input: exit 5, named, no recap', () => {
  const good = slice({ a: stats({ ok: 1 }) });
  const human = ['', 'PLAY [x] ****', 'ok: [a]', 'PLAY RECAP ****'];
  const merged = mergeRecaps([good, human], ['s1.jsonl', 'run.log']);
  assert.equal(merged.exitCode, 5);
  assert.equal(merged.text, '');
  assert.match(merged.error ?? '', /^run\.log: no run events in it \(3 line\(s\) of something else\): give the --json output/);
  assert.match(mergeRecaps([good, []], ['s1.jsonl', 'empty.jsonl']).error ?? '', /^empty\.jsonl: no run events in it \(it is empty\)/);
});

test('the same slice given twice is invalid input (its hosts would count double)', () => {
  const s1 = slice({ a: stats({ ok: 1 }) });
  const merged = mergeRecaps([s1, slice({ b: stats({ ok: 1 }) }), [...s1, '']], ['s1.jsonl', 's2.jsonl', 'copy.jsonl']);
  assert.equal(merged.exitCode, 5);
  assert.equal(merged.error, 'copy.jsonl is the same output as s1.jsonl: each slice must be given once');
});

test('hosts in more than one slice are named in a warning; their counts are added', () => {
  const merged = mergeRecaps([slice({ localhost: stats({ ok: 1 }), a: stats({ ok: 1 }) }), slice({ localhost: stats({ ok: 2 }), b: stats({ ok: 1 }) })]);
  assert.equal(merged.exitCode, 0);
  assert.deepEqual(merged.stats.localhost, stats({ ok: 3 }));
  assert.match(merged.text, /\[WARNING\]: host\(s\) in more than one slice, their counts added up: localhost\n/);
});

test('a run:end with counts that are not numbers is not trusted (skipped as a bad line)', () => {
  const bad = JSON.stringify({ type: 'run:end', time: 0, stats: { h: { ok: 'x' } }, durationMs: 1, interrupted: false });
  const merged = mergeRecaps([[JSON.stringify({ type: 'run:start', time: 0, playbook: 'p', check: false }), bad]]);
  assert.doesNotMatch(merged.text, /ok=0x/);
  assert.match(merged.text, /1 line\(s\) were not run events/);
  assert.equal(merged.exitCode, 1, 'no trustworthy run:end: the slice did not finish as far as we can tell');
});
