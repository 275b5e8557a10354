import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OptionsError } from '../../../src/core/errors.js';
import { parseSlice, sliceHosts } from '../../../src/load/slice.js';

const hosts = Array.from({ length: 103 }, (_, i) => `host${String(i).padStart(3, '0')}.example.com`);

test('--slice: every host is in exactly one of the N slices', () => {
  for (const n of [1, 2, 3, 7, 200]) {
    const seen = new Map<string, number>();
    for (let i = 1; i <= n; i++) for (const h of sliceHosts(hosts, i, n)) seen.set(h, (seen.get(h) ?? 0) + 1);
    assert.equal(seen.size, hosts.length, `N=${n}: all hosts covered`);
    assert.ok([...seen.values()].every((c) => c === 1), `N=${n}: no host twice`);
  }
});

test('--slice: slices are balanced (sizes differ by at most one)', () => {
  const sizes = [1, 2, 3, 4, 5].map((i) => sliceHosts(hosts, i, 5).length);
  assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1, `sizes ${sizes}`);
  assert.deepEqual([1, 2, 3].map((i) => sliceHosts(['a', 'b', 'c'], i, 3).length), [1, 1, 1]);
});

test('--slice: the same host set gives the same slices whatever the inventory order', () => {
  const shuffled = [...hosts].reverse();
  for (let i = 1; i <= 4; i++) {
    assert.deepEqual(new Set(sliceHosts(shuffled, i, 4)), new Set(sliceHosts(hosts, i, 4)));
  }
  assert.deepEqual(sliceHosts(hosts, 2, 4), sliceHosts(hosts, 2, 4));
});

test('--slice: a slice keeps the given host order', () => {
  const slice = sliceHosts(hosts, 1, 3);
  assert.deepEqual(slice, [...slice].sort());
});

test('--slice parses I/N and refuses anything else', () => {
  assert.deepEqual(parseSlice('2/5'), { index: 2, count: 5 });
  assert.deepEqual(parseSlice(' 1 / 1 '), { index: 1, count: 1 });
  for (const bad of ['0/3', '4/3', '1/0', 'a/b', '2', '-1/3', '1.5/3']) {
    assert.throws(() => parseSlice(bad), OptionsError, bad);
  }
});
