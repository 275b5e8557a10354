import type { Become, Connection } from '../core/connection.js';
import type { Diff } from '../core/events.js';
import type { Task, Vars } from '../core/model.js';
import type { AnyModule, Effect, Plan } from '../core/registry.js';
import { ModuleError, SourceError, UnreachableError } from '../core/errors.js';
import { describeErrors, validatorFor } from '../core/ajv.js';
import { Secret } from '../core/sh.js';
import type { RunContext } from './context.js';
import { moduleContext } from './moduleContext.js';
import type { Scope } from './scope.js';

/** The outcome of one module call (one loop item), before register/notify/stats. */
export interface Outcome {
  status: 'ok' | 'changed' | 'skipped' | 'failed';
  data: Record<string, unknown>;
  diffs: Diff[];
  warnings: string[];
  effects: Effect[];
  msg?: string;
}

export const OMIT = '__omit_place_holder__run_playbook__';

export interface InvokeInput {
  run: RunContext;
  task: Task;
  module: AnyModule;
  scope: Scope;
  host: string;
  vars: Vars;
  check: boolean;
  diff: boolean;
  become: Become | undefined;
  env: Record<string, string>;
  /** Opens (or reuses) the connection of the host the task runs on (itself or its delegate). */
  connect(): Promise<Connection>;
  sshPort: number | undefined;
  onLog(message: string): void;
  onOutput(stream: 'stdout' | 'stderr', chunk: Buffer): void;
}

const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => { clearTimeout(t); resolve(); }, { once: true });
  });

/** Render the arguments (never expression arguments), drop omitted ones, validate against the module's schema. */
export function renderArgs(input: InvokeInput): Record<string, unknown> {
  const { run, task, module } = input;
  const expressionArgs = new Set(module.expressionArgs ?? []);
  const secretArgs = new Set(module.secretArgs ?? []);
  const args: Record<string, unknown> = {};
  for (const [name, raw] of Object.entries(task.args)) {
    const pos = task.argPositions[name] ?? task.pos;
    const value = expressionArgs.has(name) ? raw : run.templates.render(raw, input.vars, pos);
    if (value === OMIT) continue;
    args[name] = value;
  }
  const validate = validatorFor(module.schema as object);
  if (!validate(args)) {
    const first = validate.errors?.[0];
    const argName = first?.instancePath.split('/')[1] ?? (first?.params as { missingProperty?: string } | undefined)?.missingProperty ?? '';
    const pos = task.argPositions[argName] ?? task.pos;
    throw new SourceError(describeErrors(validate.errors, args).map((message) => ({ ...pos, message: `${message} for module "${module.name}"` })));
  }
  for (const name of secretArgs) {
    if (typeof args[name] === 'string') args[name] = new Secret(args[name] as string);
  }
  return args;
}

function diffsOf(plan: Plan): Diff[] {
  return plan.changes.flatMap((c) => (c.diff ? [{ ...(c.diff.path ? { path: c.diff.path } : {}), before: c.diff.before, after: c.diff.after }] : []));
}

/**
 * read → plan → (stop here under --check) → apply. The module never knows whether it is a check run;
 * a plan it cannot predict is skipped under --check, as Ansible skips command/shell.
 */
export async function invokeModule(input: InvokeInput): Promise<Outcome> {
  const { run, module, task } = input;
  let args: Record<string, unknown>;
  try {
    args = renderArgs(input);
  } catch (e) {
    if (e instanceof SourceError) return failed(e.message, {});
    throw e;
  }
  const conn = module.local ? localOnly(input.host) : await input.connect();
  const ctx = moduleContext({ run, host: input.host, conn, become: input.become, vars: input.vars, scope: input.scope, check: input.check, env: input.env, pos: task.pos, sshPort: input.sshPort, onLog: input.onLog, onOutput: input.onOutput });
  try {
    const current = await module.read(ctx, args);
    const plan = module.plan(current, args);
    const warnings = [...(plan.warnings ?? [])];
    const diffs = input.diff ? diffsOf(plan) : [];
    if (plan.fail !== undefined) return { ...failed(plan.fail, plan.result ?? {}), warnings };
    const wouldChange = plan.changes.length > 0 || plan.unpredictable === true;
    if (input.check && plan.unpredictable && !module.local) {
      return { status: 'skipped', data: { ...(plan.result ?? {}), skipped: true, msg: 'skipped in check mode: this task cannot predict its changes' }, diffs: [], warnings, effects: [] };
    }
    if (input.check || !wouldChange || !module.apply) {
      const data = { ...(plan.result ?? {}), ...(input.check && wouldChange ? { changes: plan.changes.map((c) => c.summary) } : {}) };
      return { status: plan.changes.length > 0 ? 'changed' : 'ok', data, diffs, warnings, effects: plan.effects ?? [] };
    }
    const applied = (await module.apply(ctx, plan, args, current)) ?? {};
    return {
      status: applied.changed === false ? 'ok' : 'changed',
      data: { ...(plan.result ?? {}), ...(applied.result ?? {}) },
      diffs,
      warnings: [...warnings, ...(applied.warnings ?? [])],
      effects: [...(plan.effects ?? []), ...(applied.effects ?? [])],
    };
  } catch (e) {
    if (e instanceof ModuleError) return failed(e.message, e.data);
    if (e instanceof SourceError || e instanceof UnreachableError) throw e;
    if (run.killSignal.aborted) return failed('interrupted', {});
    throw e;
  }
}

function failed(msg: string, data: Record<string, unknown>): Outcome {
  return { status: 'failed', msg, data: { ...data, msg }, diffs: [], warnings: [], effects: [] };
}

/** Control modules (debug, set_fact, …) never touch a host; using the connection from one is a bug we name. */
function localOnly(host: string): Connection {
  const refuse = (): never => {
    throw new Error(`internal: a local-only module tried to use the connection of ${host}`);
  };
  return { host, run: refuse, put: refuse, get: refuse, forward: refuse, close: async () => undefined };
}

export { sleep };
