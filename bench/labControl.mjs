// Shared by the lab benchmarks: bring the bench's own lab up and down, and the ansible-playbook side of a run.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const root = resolve(new URL('..', import.meta.url).pathname);
export const cli = join(root, 'dist/cli/main.js');

function lab(args) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'src/lab/main.ts', ...args], { cwd: root, encoding: 'utf8', env: process.env });
}

/** `lab up ARGS`; returns the inventory path. A second try after a failure: 12 containers booting on 2 busy cores can miss sshd's 90 s. */
export function labUp(args) {
  let r;
  for (let attempt = 1; attempt <= 2; attempt++) {
    process.stderr.write(`bench: lab up ${args.join(' ')} (attempt ${attempt})\n`);
    r = lab(['up', ...args]);
    const m = /^inventory: (\S+)$/m.exec(r.stdout ?? '');
    if (r.status === 0 && m) return m[1];
  }
  throw new Error(`lab up ${args.join(' ')} failed:\n${r.stdout}\n${r.stderr}`);
}

export function labDown() {
  const r = lab(['down']);
  if (r.status !== 0) process.stderr.write(`bench: lab down failed:\n${r.stdout}\n${r.stderr}\n`);
}

/**
 * Runs fn with a lab that is brought down afterwards, on failure too, and on Ctrl-C (spawnSync lets the child
 * take the SIGINT; the handler only keeps this process alive long enough for the finally block).
 */
export async function withLab(fn) {
  let interrupted = false;
  const onSigint = () => {
    interrupted = true;
  };
  process.on('SIGINT', onSigint);
  try {
    return await fn(() => interrupted);
  } finally {
    labDown();
    process.off('SIGINT', onSigint);
  }
}

/** An ansible.cfg for a fair comparison: pipelining on, forks = hosts, no host key prompt (the inventory's ssh args make it strict). */
export function ansibleConfig(dir, forks) {
  const path = join(dir, `ansible-${forks}.cfg`);
  writeFileSync(
    path,
    `[defaults]\nforks = ${forks}\ninterpreter_python = auto_silent\nretry_files_enabled = False\ngathering = explicit\nnocolor = True\n\n[ssh_connection]\npipelining = True\n`,
  );
  return path;
}

export function ansibleEnv(cfg) {
  return { ...process.env, ANSIBLE_CONFIG: cfg, ANSIBLE_PIPELINING: '1', ANSIBLE_NOCOLOR: '1', ANSIBLE_HOST_KEY_CHECKING: 'True' };
}

/** A preload for the run-playbook process: its peak RSS (VmHWM) and CPU time, written at exit to $RP_BENCH_STATS. */
export function statsPreload(dir) {
  const path = join(dir, 'stats-preload.cjs');
  writeFileSync(
    path,
    `const fs = require('node:fs');
process.on('exit', () => {
  const hwm = /VmHWM:\\s+(\\d+)/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
  const u = process.cpuUsage();
  fs.writeFileSync(process.env.RP_BENCH_STATS, JSON.stringify({ rssMb: hwm ? Number(hwm[1]) / 1024 : NaN, cpuMs: (u.user + u.system) / 1000 }));
});
`,
  );
  return path;
}
