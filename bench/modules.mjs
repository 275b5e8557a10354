#!/usr/bin/env node
// bench/modules: the idempotent re-run (second run, nothing to change) of 10 tasks of each module on 3 full lab
// hosts, run-playbook against ansible-playbook (pipelining on, forks = hosts, no facts) on the same lab.
// One YAML serves both: templates hold only `{{x}}` (no filters), which Handlebars and Jinja read alike. Each tool
// works on its own paths and users, so neither sees the other's changes.
//
// Run as root after `npm run build`: RUN_PLAYBOOK_LAB_ID=<d> node bench/modules.mjs [rounds]
// The lab is brought up here and down at the end (on failure and Ctrl-C too).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { median, printTable } from './stats.mjs';
import { ansibleConfig, ansibleEnv, cli, labUp, withLab } from './labControl.mjs';

const rounds = Number(process.argv[2] ?? 3);
const HOSTS = 3;
if (!existsSync(cli)) throw new Error('dist/cli/main.js is missing: run `npm run build` first');

const range = Array.from({ length: 10 }, (_, i) => i + 1);
const SERVICES = ['ssh', 'dbus', 'systemd-journald', 'systemd-logind'];
// installed on every full lab host by the base image (docs/lab.md), so `state: present` has nothing to do
const PACKAGES = ['sudo', 'procps', 'iproute2', 'openssh-server', 'python3', 'ca-certificates', 'dbus', 'systemd', 'systemd-sysv', 'bash'];

/** Module → its 10 tasks, as YAML lines under `tasks:`; `{{base}}` and `{{who}}` keep the two tools apart. */
const MODULES = {
  'command (creates)': (i) => `command: { cmd: "touch {{base}}-c${i}", creates: "{{base}}-c${i}" }`,
  file: (i) => `file: { path: "{{base}}-d${i}", state: directory, mode: "0755" }`,
  copy: (i) => `copy: { content: "copied ${i}\\n", dest: "{{base}}-copy${i}", mode: "0644" }`,
  template: (i) => `template: { src: bench.conf, dest: "{{base}}-tpl${i}", mode: "0644" }`,
  lineinfile: (i) => `lineinfile: { path: "{{base}}-lines", line: "key${i}=value", create: true }`,
  blockinfile: (i) => `blockinfile: { path: "{{base}}-block${i}", block: "a = ${i}\\nb = ${i}", create: true }`,
  stat: (i) => `stat: { path: "/etc/${i % 2 ? 'hostname' : 'hosts'}" }`,
  apt: (i) => `apt: { name: ${PACKAGES[i - 1]}, state: present }`,
  service: (i) => `service: { name: ${SERVICES[(i - 1) % SERVICES.length]}, state: started }`,
  user: (i) => `user: { name: "{{who}}${i}", system: true, create_home: false, shell: /usr/sbin/nologin }`,
};

const dir = mkdtempSync(join(tmpdir(), 'rp-bench-modules-'));
mkdirSync(join(dir, 'templates'));
writeFileSync(join(dir, 'templates/bench.conf'), '# written by bench/modules\nname = {{x}}\nport = {{port}}\n');

function playbookFor(name, tool) {
  const vars = tool === 'rp' ? { base: '/tmp/rpbench-rp', who: 'rpbrp' } : { base: '/tmp/rpbench-an', who: 'rpban' };
  const tasks = range.map((i) => `    - name: ${name} ${i}\n      ${MODULES[name](i)}\n`).join('');
  const path = join(dir, `${name.replace(/\W+/g, '-')}-${tool}.yml`);
  writeFileSync(path, `- hosts: all\n  gather_facts: false\n  vars:\n    base: ${vars.base}\n    who: ${vars.who}\n    x: bench\n    port: 6379\n  tasks:\n${tasks}`);
  return path;
}

/** One whole run; returns ms and the recap's totals (the PLAY RECAP lines both tools print alike). */
function run(tool, inventory, playbook) {
  const [cmd, args, env] =
    tool === 'rp'
      ? [process.execPath, [cli, playbook, '-i', inventory, '-f', String(HOSTS)], process.env]
      : ['ansible-playbook', ['-i', inventory, playbook], ansibleEnv(ansibleConfig(dir, HOSTS))];
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { cwd: dir, encoding: 'utf8', env, maxBuffer: 64 * 1024 * 1024 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const totals = { hosts: 0, changed: 0, failed: 0, unreachable: 0 };
  for (const m of (r.stdout ?? '').matchAll(/^\S+\s+: ok=\d+\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)/gm)) {
    totals.hosts++;
    totals.changed += Number(m[1]);
    totals.unreachable += Number(m[2]);
    totals.failed += Number(m[3]);
  }
  if (r.status !== 0 || totals.hosts !== HOSTS || totals.failed || totals.unreachable) {
    throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}\n${(r.stdout ?? '').slice(-3000)}\n${(r.stderr ?? '').slice(-2000)}`);
  }
  return { ms, changed: totals.changed };
}

const rows = [];
const startup = { rp: 0, an: 0 };
try {
  await withLab(async (interrupted) => {
    const inventory = labUp(['--hosts', String(HOSTS)]);
    // what a run costs before any task (start, load, connect): subtracted for the net figures
    const empty = join(dir, 'empty.yml');
    writeFileSync(empty, '- hosts: all\n  gather_facts: false\n  tasks:\n    - name: connect\n      command: "true"\n');
    const base = { rp: [], an: [] };
    for (let r = 0; r < rounds; r++) for (const tool of ['rp', 'an']) base[tool].push(run(tool, inventory, empty).ms);
    startup.rp = median(base.rp);
    startup.an = median(base.an);
    rows.push(['(one command task: start, load, connect)', (startup.rp / 1000).toFixed(2), '', (startup.an / 1000).toFixed(2), '', `${(startup.an / startup.rp).toFixed(1)}×`, '']);
    for (const name of Object.keys(MODULES)) {
      if (interrupted()) return;
      const pb = { rp: playbookFor(name, 'rp'), an: playbookFor(name, 'an') };
      // first runs: bring each tool's paths and users to the state the tasks ask for
      run('rp', inventory, pb.rp);
      run('an', inventory, pb.an);
      const times = { rp: [], an: [] };
      for (let r = 0; r < rounds; r++) {
        for (const tool of ['rp', 'an']) {
          const { ms, changed } = run(tool, inventory, pb[tool]);
          if (changed) throw new Error(`${name}: the re-run with ${tool === 'rp' ? 'run-playbook' : 'ansible-playbook'} reported ${changed} changed (not idempotent)`);
          times[tool].push(ms);
        }
      }
      const rp = median(times.rp);
      const an = median(times.an);
      const net = (ms, base) => (ms > base ? (10 / ((ms - base) / 1000)).toFixed(1) : 'n/a');
      rows.push([name, (rp / 1000).toFixed(2), net(rp, startup.rp), (an / 1000).toFixed(2), net(an, startup.an), `${(an / rp).toFixed(1)}×`, `${((an - startup.an) / (rp - startup.rp)).toFixed(1)}×`]);
      process.stderr.write(`bench: ${name}: run-playbook ${(rp / 1000).toFixed(2)} s, ansible-playbook ${(an / 1000).toFixed(2)} s\n`);
    }
  });
} finally {
  rmSync(dir, { recursive: true, force: true });
}

printTable(
  `Idempotent re-run of 10 tasks per module on ${HOSTS} full hosts, whole process, median of ${rounds} alternating runs (every run: changed=0).\n` +
    'tasks/s (net) = 10 / (time − time of the one-command-task run); each task runs on all 3 hosts.',
  ['module', 'run-playbook s', 'run-playbook tasks/s (net)', 'ansible-playbook s', 'ansible-playbook tasks/s (net)', 'ratio', 'ratio (net)'],
  rows,
);
