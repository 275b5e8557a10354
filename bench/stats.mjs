// Shared by the benchmarks: timing whole processes, medians, and the table every benchmark prints.
import { spawnSync } from 'node:child_process';

export function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Wall time of one whole process in ms; throws with its output when it fails (a benchmark of a failure is no benchmark). */
export function timeProcess(cmd, args, opts = {}) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, ...opts });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== (opts.expectStatus ?? 0)) {
    throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}\n${(r.stdout ?? '').slice(-2000)}\n${(r.stderr ?? '').slice(-2000)}`);
  }
  return ms;
}

/** Runs each case `rounds` times, alternating between cases so drift in machine load hits all of them alike. */
export function alternate(cases, rounds) {
  const times = cases.map(() => []);
  for (let r = 0; r < rounds; r++) cases.forEach((c, i) => times[i].push(c.run()));
  return cases.map((c, i) => ({ name: c.name, median: median(times[i]), min: Math.min(...times[i]), runs: times[i].length }));
}

export function printTable(title, header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => '| ' + cells.map((c, i) => String(c).padEnd(widths[i])).join(' | ') + ' |';
  console.log(`\n${title}\n`);
  console.log(line(header));
  console.log('|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|');
  for (const r of rows) console.log(line(r));
  console.log('');
}
