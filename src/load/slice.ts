import { createHash } from 'node:crypto';
import { OptionsError } from '../core/errors.js';

/**
 * --slice I/N: the I-th (1-based) of N disjoint parts of the hosts, for splitting one run over N machines or CI jobs.
 * Hosts are ordered by a hash of their name and dealt out round-robin, so a slice depends only on the set of
 * host names (not on the order the inventory lists them), every host is in exactly one slice, and slice sizes
 * differ by at most one. The hosts of a slice keep the order they were given in.
 */
export function sliceHosts(hosts: string[], index: number, count: number): string[] {
  checkSlice(index, count, `${index}/${count}`);
  const unique = [...new Set(hosts)];
  const ranked = unique.map((name) => ({ name, key: hashKey(name) })).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.name < b.name ? -1 : 1));
  const mine = new Set(ranked.filter((_, i) => i % count === index - 1).map((r) => r.name));
  return unique.filter((h) => mine.has(h));
}

/** "2/5" → { index: 2, count: 5 }; OptionsError for anything else. */
export function parseSlice(text: string): { index: number; count: number } {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!m) throw new OptionsError(`--slice ${JSON.stringify(text)}: expected I/N, e.g. --slice 2/5 for the second of five parts`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  checkSlice(index, count, text);
  return { index, count };
}

function checkSlice(index: number, count: number, text: string): void {
  if (!Number.isInteger(count) || count < 1) throw new OptionsError(`--slice ${text}: the number of slices must be at least 1`);
  if (!Number.isInteger(index) || index < 1 || index > count) throw new OptionsError(`--slice ${text}: the slice must be between 1 and ${count}`);
}

function hashKey(name: string): string {
  return createHash('sha256').update(name).digest('hex').slice(0, 16);
}
