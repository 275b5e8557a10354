#!/usr/bin/env node
// bench/overhead: whole-process `run-playbook` against `ansible-playbook` (pipelining on, forks = hosts, no facts)
// on the bench's own lab: playbooks of `command: "true"` tasks on 3 and 12 full hosts and 50 light hosts.
// Targets (issue 5): ≥ 25× faster than ansible-playbook at 12 hosts; < 1 ms per task per host on an open
// connection; controller peak RSS < 200 MB at 50 hosts.
//
// Run as root after `npm run build`: RUN_PLAYBOOK_LAB_ID=<d> node bench/overhead.mjs [rounds] [--skip-light]
// The lab is brought up here and down at the end (on failure and Ctrl-C too).
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { alternate, median, printTable, timeProcess } from './stats.mjs';
import { ansibleConfig, ansibleEnv, cli, labUp, root, statsPreload, withLab } from './labControl.mjs';

const args = process.argv.slice(2);
const rounds = Number(args.find((a) => /^\d+$/.test(a)) ?? 3);
const skipLight = args.includes('--skip-light');
if (!existsSync(cli)) throw new Error('dist/cli/main.js is missing: run `npm run build` first');

const dir = mkdtempSync(join(tmpdir(), 'rp-bench-overhead-'));
const playbook = (n) => {
  const path = join(dir, `true-${n}.yml`);
  const tasks = Array.from({ length: n }, (_, i) => `    - name: task ${i + 1}\n      command: "true"\n`).join('');
  writeFileSync(path, `- hosts: all\n  gather_facts: false\n  tasks:\n${tasks}`);
  return path;
};
const pb = { 1: playbook(1), 20: playbook(20), 200: playbook(200) };
const preload = statsPreload(dir);
const statsFile = join(dir, 'stats.json');

/** Per-size samples of the run-playbook process's own figures (from the preload). */
const procStats = new Map();

function runRp(inventory, hosts, limit, n) {
  const extra = limit ? ['-l', limit] : [];
  const ms = timeProcess(process.execPath, ['--require', preload, cli, pb[n], '-i', inventory, '-f', String(hosts), ...extra], {
    env: { ...process.env, RP_BENCH_STATS: statsFile },
  });
  const s = JSON.parse(readFileSync(statsFile, 'utf8'));
  const key = `${hosts}/${n}`;
  if (!procStats.has(key)) procStats.set(key, []);
  procStats.get(key).push(s);
  return ms;
}

function runAnsible(inventory, hosts, limit, n) {
  const extra = limit ? ['-l', limit] : [];
  return timeProcess('ansible-playbook', ['-i', inventory, ...extra, pb[n]], { env: ansibleEnv(ansibleConfig(dir, hosts)) });
}

/** Sequential commands through one open connection: the framing's own cost, without the executor. */
async function perCommand(inventory, host, count) {
  const { parse } = await import('yaml');
  const { openConnection } = await import(join(root, 'dist/connect/index.js'));
  const { sh } = await import(join(root, 'dist/core/sh.js'));
  const inv = parse(readFileSync(inventory, 'utf8'));
  const vars = { ...inv.all.vars, ...inv.all.hosts[host] };
  const conn = await openConnection(host, vars, { knownHostsFiles: [vars.run_playbook_known_hosts] });
  try {
    const signal = new AbortController().signal; // as the executor passes one: the kill path stays armed
    for (let i = 0; i < 50; i++) await conn.run(sh`(${['true']})`, { signal });
    const times = [];
    for (let i = 0; i < count; i++) {
      const t0 = performance.now();
      await conn.run(sh`(${['true']})`, { signal, timeoutMs: 60_000 });
      times.push(performance.now() - t0);
    }
    return median(times);
  } finally {
    await conn.close();
  }
}

const rows = [];
const taskRows = [];
const rssRows = [];

function measure(label, inventory, hosts, limit) {
  const results = alternate(
    [
      { name: 'rp20', run: () => runRp(inventory, hosts, limit, 20) },
      { name: 'ans20', run: () => runAnsible(inventory, hosts, limit, 20) },
      { name: 'rp1', run: () => runRp(inventory, hosts, limit, 1) },
      { name: 'ans1', run: () => runAnsible(inventory, hosts, limit, 1) },
      { name: 'rp200', run: () => runRp(inventory, hosts, limit, 200) },
    ],
    rounds,
  );
  const m = Object.fromEntries(results.map((r) => [r.name, r.median]));
  const cpu = (n) => median(procStats.get(`${hosts}/${n}`).map((s) => s.cpuMs));
  const rss = (n) => Math.max(...procStats.get(`${hosts}/${n}`).map((s) => s.rssMb));
  rows.push([label, (m.rp20 / 1000).toFixed(2), (m.ans20 / 1000).toFixed(2), `${(m.ans20 / m.rp20).toFixed(1)}×`, hosts === 12 ? '≥ 25×' : '']);
  taskRows.push([
    label,
    ((m.rp20 - m.rp1) / (19 * hosts)).toFixed(2),
    ((m.rp200 - m.rp1) / (199 * hosts)).toFixed(2),
    ((cpu(200) - cpu(1)) / (199 * hosts)).toFixed(2),
    ((m.ans20 - m.ans1) / (19 * hosts)).toFixed(1),
    '< 1 ms',
  ]);
  rssRows.push([label, rss(20).toFixed(0), rss(200).toFixed(0), hosts === 50 ? '< 200 MB' : '']);
}

let perCommandMs;
try {
  await withLab(async (interrupted) => {
    const full = labUp(['--hosts', '12']);
    perCommandMs = await perCommand(full, 'lab1', 500);
    measure('3 full hosts', full, 3, 'lab1,lab2,lab3');
    if (interrupted()) return;
    measure('12 full hosts', full, 12, undefined);
    if (interrupted() || skipLight) return;
    const light = labUp(['--light', '--hosts', '50']);
    measure('50 light hosts', light, 50, undefined);
  });
} finally {
  rmSync(dir, { recursive: true, force: true });
}

printTable(`20 × command: "true", whole process, median of ${rounds} alternating runs (seconds)`, ['hosts', 'run-playbook', 'ansible-playbook', 'ratio', 'target'], rows);
printTable(
  'Per task per host, ms: (T(20 tasks) − T(1 task)) / (19 × hosts), (T(200) − T(1)) / (199 × hosts) wall, and controller CPU',
  ['hosts', 'run-playbook (20)', 'run-playbook (200)', 'controller CPU (200)', 'ansible-playbook (20)', 'target'],
  taskRows,
);
printTable('run-playbook controller peak RSS (VmHWM, max over runs), MB', ['hosts', '20 tasks', '200 tasks', 'target'], rssRows);
if (perCommandMs !== undefined) printTable('One open connection, sequential', ['what', 'median ms'], [['command through the persistent shell (500 runs, lab1)', perCommandMs.toFixed(2)]]);
