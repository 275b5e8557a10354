/**
 * A small helper for the module lab tests: write a playbook from plain objects, run it on the lab with runPlaybook,
 * and keep what a user would see — every event, the JSON lines, the human output — next to each host's result.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import assert from 'node:assert/strict';
import { stringify } from 'yaml';
import { runPlaybook } from '../../src/run/playbook.js';
import type { RunResult } from '../../src/run/options.js';
import type { Diff, HostResult, RunEvent } from '../../src/core/events.js';
import { createHumanReporter, createJsonReporter } from '../../src/report/index.js';
import type { LabHandle } from './harness.js';

export interface PlayOptions {
  hosts?: string;
  check?: boolean;
  diff?: boolean;
  vars?: Record<string, unknown>;
  extraVars?: Record<string, unknown>;
  /** Files written beside the playbook (relative name → content), e.g. vars files for include_vars. */
  files?: Record<string, string>;
  verbosity?: number;
}

export interface HostOutcome {
  status: HostResult['status'];
  /** The task's registered data (failed ones included). */
  data: Record<string, unknown>;
  msg: string;
  diffs: Diff[];
  warnings: string[];
}

export interface Outcome {
  run: RunResult;
  events: RunEvent[];
  human: string;
  json: string;
  /** The result of the named task on a host; fails the test when the task did not report for that host. */
  on(task: string, host: string): HostOutcome;
  /** Statuses of a named task by host. */
  statuses(task: string): Record<string, string>;
}

let dir: string | undefined;
let counter = 0;

function outcomeOf(e: Extract<RunEvent, { type: 'host:result' }>): HostOutcome {
  const r = e.result;
  switch (r.status) {
    case 'ok':
    case 'changed':
      return { status: r.status, data: r.data, msg: '', diffs: r.diffs, warnings: r.warnings };
    case 'skipped':
      return { status: r.status, data: r.data, msg: r.reason, diffs: [], warnings: [] };
    case 'failed':
      return { status: r.status, data: r.data, msg: r.msg, diffs: r.diffs, warnings: [] };
    case 'unreachable':
      return { status: r.status, data: {}, msg: r.msg, diffs: [], warnings: [] };
  }
}

/** Run one play of `tasks` (objects as in YAML) on `hosts` of the lab. */
export function play(lab: LabHandle, tasks: object[], opts: PlayOptions = {}): Promise<Outcome> {
  const doc = { name: `modules lab ${counter + 1}`, hosts: opts.hosts ?? 'redismaster', gather_facts: false, ...(opts.vars ? { vars: opts.vars } : {}), tasks };
  return playbook(lab, [doc], opts);
}

/** Run a whole playbook (a list of plays as in YAML) on the lab. */
export async function playbook(lab: LabHandle, doc: object[], opts: PlayOptions = {}): Promise<Outcome> {
  dir ??= mkdtempSync(join(tmpdir(), 'rp-modules-lab-'));
  counter += 1;
  const file = join(dir, `play-${counter}.yml`);
  writeFileSync(file, stringify(doc));
  for (const [name, content] of Object.entries(opts.files ?? {})) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  const events: RunEvent[] = [];
  let human = '';
  let json = '';
  const humanReporter = createHumanReporter({ write: (t) => (human += t), verbosity: opts.verbosity ?? 1, color: false, tty: false, diff: opts.diff ?? false, check: opts.check ?? false });
  const jsonReporter = createJsonReporter({ write: (l) => (json += l) });
  const run = await runPlaybook({
    playbooks: file,
    inventory: lab.inventoryPath,
    cwd: dir,
    check: opts.check ?? false,
    diff: opts.diff ?? false,
    ...(opts.extraVars ? { extraVars: opts.extraVars } : {}),
    onEvent: (e) => {
      events.push(e);
      humanReporter.listener(e);
      jsonReporter.listener(e);
    },
  });
  humanReporter.close();
  jsonReporter.close();
  const results = events.filter((e): e is Extract<RunEvent, { type: 'host:result' }> => e.type === 'host:result');
  return {
    run,
    events,
    human,
    json,
    on(task, host) {
      const e = results.filter((r) => r.task.name === task && r.host === host).pop();
      assert.ok(e, `no result of task "${task}" on ${host}; output:\n${human}`);
      return outcomeOf(e);
    },
    statuses(task) {
      return Object.fromEntries(results.filter((r) => r.task.name === task).map((r) => [r.host, r.result.status]));
    },
  };
}

/** Run a command on a lab host from outside and return its stdout; a non-zero exit fails the test. */
export async function onHost(lab: LabHandle, host: string, command: string): Promise<string> {
  const r = await lab.exec(host, command);
  assert.equal(r.code, 0, `${host}: ${command}\n${r.stderr}`);
  return r.stdout;
}

/** The same tasks twice: the first run's outcome, then the second's. */
export async function twice(lab: LabHandle, tasks: object[], opts: PlayOptions = {}): Promise<[Outcome, Outcome]> {
  const first = await play(lab, tasks, opts);
  const second = await play(lab, tasks, opts);
  return [first, second];
}
