/**
 * Lab tests of modules: write a small project (playbook + files), run it with runPlaybook against the lab's
 * inventory, and read back each host's per-task status, result, message and --diff before/after.
 * Shared by the module lab tests; one call is one real run (about a second against warm lab hosts).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import assert from 'node:assert/strict';
import type { Diff, HostStatus, RunEvent } from '../../src/core/events.js';
import { runPlaybook } from '../../src/run/playbook.js';
import type { RunPlaybookOptions, RunResult } from '../../src/run/options.js';
import type { LabHandle } from './harness.js';

export interface TaskOutcome {
  host: string;
  task: string;
  module: string;
  status: HostStatus;
  /** What `register` would hold: the module's result fields (msg on failure). */
  result: Record<string, unknown>;
  /** Failure or unreachable message; '' otherwise. */
  msg: string;
  /** --diff before/after pairs (empty without diff). */
  diffs: Diff[];
  warnings: string[];
}

export interface ModuleRun {
  result: RunResult;
  events: RunEvent[];
  /** The project folder the playbook ran from (files/, templates/, fetched files). */
  dir: string;
  /** Every task outcome of one host, in order. */
  host(name: string): TaskOutcome[];
  /** The outcome of the task with this name on this host; fails the test when there is none. */
  task(host: string, name: string): TaskOutcome;
  /** [task name, status] pairs of one host, in order: the easiest thing to compare as a whole. */
  statuses(host: string): Array<[string, HostStatus]>;
}

export interface ModuleRunInput {
  /** The playbook's YAML (site.yml). */
  playbook: string;
  /** Extra project files: path relative to the project → content. */
  files?: Record<string, string | Buffer>;
  /** Reuse a project folder (e.g. a second run of the same playbook). */
  dir?: string;
  extraVars?: Record<string, unknown>;
  limit?: string;
  check?: boolean;
  diff?: boolean;
  options?: Partial<RunPlaybookOptions>;
}

const madeDirs = new Set<string>();
// project folders go when the test process ends, also when a test failed midway (sync: 'exit' cannot await)
process.on('exit', () => {
  for (const dir of madeDirs) rmSync(dir, { recursive: true, force: true });
});

function newProjectDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'rp-lab-mod-'));
  madeDirs.add(dir);
  return dir;
}

/** A project folder holding the given files (a new one, removed at exit, unless `dir` is given). */
export function writeProject(files: Record<string, string | Buffer>, dir = newProjectDir()): string {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

export async function runModules(lab: LabHandle, input: ModuleRunInput): Promise<ModuleRun> {
  const dir = writeProject({ 'site.yml': input.playbook, ...(input.files ?? {}) }, input.dir);
  const events: RunEvent[] = [];
  const result = await runPlaybook({
    playbooks: join(dir, 'site.yml'),
    inventory: lab.inventoryPath,
    cwd: dir,
    ...(input.extraVars ? { extraVars: input.extraVars } : {}),
    ...(input.limit ? { limit: input.limit } : {}),
    check: input.check ?? false,
    diff: input.diff ?? false,
    ...input.options,
    onEvent: (e) => events.push(e),
  });
  const outcomes: TaskOutcome[] = [];
  // records carry the registered data in order; host:result events carry the diffs and messages, in the same order
  const resultEvents = events.filter((e): e is Extract<RunEvent, { type: 'host:result' }> => e.type === 'host:result');
  for (const record of result.tasks) {
    const index = resultEvents.findIndex((e) => e.host === record.host && e.task.name === record.task);
    const event = index >= 0 ? resultEvents.splice(index, 1)[0] : undefined;
    const r = event?.result;
    outcomes.push({
      host: record.host,
      task: record.task,
      module: record.module,
      status: record.status,
      result: record.result,
      msg: r && (r.status === 'failed' || r.status === 'unreachable') ? r.msg : '',
      diffs: r && r.status !== 'unreachable' && r.status !== 'skipped' ? r.diffs : [],
      warnings: r && (r.status === 'ok' || r.status === 'changed') ? r.warnings : [],
    });
  }
  const host = (name: string): TaskOutcome[] => outcomes.filter((o) => o.host === name);
  return {
    result,
    events,
    dir,
    host,
    task(hostName, name) {
      const found = host(hostName).find((o) => o.task === name);
      assert.ok(found, `no result for task "${name}" on ${hostName}; ran: ${host(hostName).map((o) => `${o.task}=${o.status}`).join(', ')}`);
      return found;
    },
    statuses: (name) => host(name).map((o) => [o.task, o.status]),
  };
}

/** Quote a value for the sh command line of lab.exec (verification commands run from outside the host). */
export function shq(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** Run a verification command on a lab host; it must succeed. Returns stdout. */
export async function onHost(lab: LabHandle, host: string, command: string): Promise<string> {
  const r = await lab.exec(host, command);
  assert.equal(r.code, 0, `${host}: ${command}\n${r.stderr}`);
  return r.stdout;
}

/** `mode owner group` of a path on a host, e.g. '640 nobody daemon'. */
export async function modeOwner(lab: LabHandle, host: string, path: string): Promise<string> {
  return (await onHost(lab, host, `stat -c '%a %U %G' -- ${shq(path)}`)).trim();
}

/** The exact bytes of a file on a host (base64 on the way, so newlines and binary survive). */
export async function fileBytes(lab: LabHandle, host: string, path: string): Promise<Buffer> {
  return Buffer.from((await onHost(lab, host, `base64 -w0 -- ${shq(path)}`)).trim(), 'base64');
}

/** True when the path exists (or is a dangling link) on the host. */
export async function existsOnHost(lab: LabHandle, host: string, path: string): Promise<boolean> {
  const r = await lab.exec(host, `test -e ${shq(path)} || test -L ${shq(path)}`);
  return r.code === 0;
}

/** Every task that changed / was ok, for assertions like "the second run changed nothing". */
export function changedTasks(run: ModuleRun, host: string): string[] {
  return run.host(host).filter((o) => o.status === 'changed').map((o) => o.task);
}
