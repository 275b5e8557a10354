/**
 * What the executor and CLI lab tests share: a project folder beside the lab's inventory, the engine run
 * programmatically with its events, and the CLI bundle run as a separate process (as a user runs it).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import type { RunEvent } from '../../src/core/events.js';
import { runPlaybook } from '../../src/run/playbook.js';
import type { RunPlaybookOptions, RunResult } from '../../src/run/options.js';
import type { LabHandle } from './harness.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CLI = join(ROOT, 'dist/cli/main.js');

/** A scratch folder for one test file, removed when the process exits. */
export function scratch(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `rp-${prefix}-`));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export function write(dir: string, name: string, text: string): string {
  const path = join(dir, name);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text.replace(/^\n/, ''));
  return path;
}

type HostVars = Record<string, unknown>;
interface InventoryShape {
  all: { vars: HostVars; hosts: Record<string, HostVars | null>; children?: unknown };
}

/**
 * A copy of the lab's inventory with changes: extra vars for some hosts, vars dropped from `all`.
 * The lab's own file stays untouched (other test files read it).
 */
export function labInventory(lab: LabHandle, dir: string, name: string, change: { hostVars?: Record<string, HostVars>; dropVars?: string[] } = {}): string {
  const inv = parse(readFileSync(lab.inventoryPath, 'utf8')) as InventoryShape;
  for (const v of change.dropVars ?? []) delete inv.all.vars[v];
  for (const [host, vars] of Object.entries(change.hostVars ?? {})) inv.all.hosts[host] = { ...(inv.all.hosts[host] ?? {}), ...vars };
  return write(dir, name, stringify(inv));
}

export interface Played {
  result: RunResult;
  events: RunEvent[];
  /** [task name, host, status] of every host:result, in the order they came. */
  results: Array<[string, string, string]>;
  /** The registered-style data of a task on a host (the last one with that name). */
  data(task: string, host: string): Record<string, unknown>;
}

/** Run a playbook (text) against an inventory with the engine itself, collecting every event. */
export async function play(dir: string, inventory: string, yaml: string, options: Partial<RunPlaybookOptions> = {}): Promise<Played> {
  const file = write(dir, `play-${Math.random().toString(36).slice(2, 8)}.yml`, yaml);
  const events: RunEvent[] = [];
  const result = await runPlaybook({ playbooks: file, inventory, cwd: dir, connectTimeoutMs: 5000, ...options, onEvent: (e) => { events.push(e); options.onEvent?.(e); } });
  const results = events.flatMap((e): Array<[string, string, string]> => (e.type === 'host:result' ? [[e.task.name, e.host, e.result.status]] : []));
  const data = (task: string, host: string): Record<string, unknown> => {
    const rec = result.tasks.filter((t) => t.task === task && t.host === host).at(-1);
    if (!rec) throw new Error(`no result of "${task}" on ${host}; results: ${JSON.stringify(results)}`);
    return rec.result;
  };
  return { result, events, results, data };
}

let bundled = false;
/**
 * The CLI as shipped (the esbuild bundle `npm run build` makes), rebuilt from the current sources once per file,
 * so the test never runs a stale binary.
 */
export function ensureCli(): string {
  if (!bundled) {
    const r = spawnSync(process.execPath, [join(ROOT, 'scripts/bundle.mjs')], { cwd: ROOT, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`bundling the CLI failed: ${r.stderr}`);
    bundled = true;
  }
  return CLI;
}

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export interface CliProcess {
  child: ChildProcess;
  /** Resolves once stdout so far matches. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  done: Promise<CliRun>;
}

/** Start `run-playbook ARGS` with no terminal (stdin /dev/null, output piped), as CI runs it. */
export function startCli(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): CliProcess {
  const started = Date.now();
  const child = spawn(process.execPath, [ensureCli(), ...args], { cwd, env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const waiters: Array<{ pattern: RegExp; resolve: () => void }> = [];
  child.stdout!.on('data', (c: Buffer) => {
    stdout += c.toString();
    for (const w of [...waiters]) if (w.pattern.test(stdout)) { waiters.splice(waiters.indexOf(w), 1); w.resolve(); }
  });
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const done = new Promise<CliRun>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr, ms: Date.now() - started })));
  const waitFor = (pattern: RegExp, timeoutMs = 20_000): Promise<void> =>
    new Promise((resolve, reject) => {
      if (pattern.test(stdout)) return resolve();
      const t = setTimeout(() => reject(new Error(`timed out waiting for ${pattern} in:\n${stdout}\n${stderr}`)), timeoutMs);
      waiters.push({ pattern, resolve: () => { clearTimeout(t); resolve(); } });
      void done.then(() => { clearTimeout(t); if (!pattern.test(stdout)) reject(new Error(`exited before ${pattern} appeared:\n${stdout}\n${stderr}`)); });
    });
  return { child, waitFor, done };
}

export function runCli(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  return startCli(args, cwd, env).done;
}

/** --json output → events. */
export function jsonEvents(stdout: string): RunEvent[] {
  return stdout.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as RunEvent);
}
