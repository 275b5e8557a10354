import type { Become } from '../core/connection.js';
import type { HostResult, TaskRef } from '../core/events.js';
import type { Task, Vars } from '../core/model.js';
import { SourceError, UnreachableError } from '../core/errors.js';
import { Secret } from '../core/sh.js';
import type { PlayContext } from './context.js';
import { newHostState, type HostState } from './hostState.js';
import { invokeModule, sleep, type Outcome } from './invoke.js';
import { applyEffects } from './effects.js';
import { enter, rootScope, type Scope } from './scope.js';
import { hostVars, taskRef, truthy } from './taskVars.js';
import { createLimit } from './limit.js';
import { createOutputDecoder } from './outputDecoder.js';
import { countResult, recordFailure } from './stats.js';
import { tagsSelected } from './tags.js';
import { isLocalHost } from '../connect/index.js';

interface ItemOutcome extends Outcome {
  item?: unknown;
  /** delegate_to as rendered for this host (and item): what the result line names, never the raw template. */
  delegatedTo?: string;
}

/** Run one task on every active host of the batch (or the first, with run_once), bounded by forks and throttle. */
export async function runTask(pc: PlayContext, task: Task, parent: Scope, hosts: HostState[]): Promise<void> {
  const run = pc.run;
  const scope = enter(parent, task, String(pc.taskCounter++));
  if (!tagsSelected(run.options, scope.tags)) return;
  const ref = taskRef(pc, task, scope);
  const active = hosts.filter((h) => h.status === 'active');
  if (active.length === 0 || run.stopping()) return;
  const once = scope.runOnce === true || run.registry.get(task.module)?.oncePerBatch === true;
  const targets = once ? active.slice(0, 1) : active;
  const started = Date.now();
  const quiet = run.registry.get(task.module)?.unreported === true;
  if (!quiet) run.emit({ type: 'task:start', time: started, task: ref, hosts: targets.map((h) => h.name) });
  const throttle = scope.throttle !== undefined ? createLimit(Number(scope.throttle) || 1) : undefined;
  const outcomes = await Promise.all(
    targets.map((host) => run.forks(() => (throttle ? throttle(() => runOnHost(pc, task, scope, ref, host, quiet)) : runOnHost(pc, task, scope, ref, host, quiet)))),
  );
  if (once && outcomes[0]) {
    // run_once: the one result stands for every host of the batch (register and facts included), as in Ansible.
    for (const other of active.slice(1)) shareRunOnce(pc, task, scope, active[0]!, other, outcomes[0]);
  }
  if (!quiet) run.emit({ type: 'task:end', time: Date.now(), task: ref, durationMs: Date.now() - started });
  const fatal = scope.anyErrorsFatal ?? pc.play.anyErrorsFatal;
  // Ignored failures do not count; unreachable hosts do, as in Ansible's linear strategy.
  const lost = targets.filter((h) => h.status === 'failed' || h.status === 'unreachable').map((h) => h.name);
  if (fatal && !scope.rescuable && !pc.fatal && lost.length > 0) {
    pc.ended = pc.fatal = true;
    // Ansible prints NO MORE HOSTS LEFT here; say why the hosts that did not fail stop too.
    pc.run.emit({ type: 'warning', time: Date.now(), message: `any_errors_fatal: ${lost.join(', ')} failed: the play ends for every host and no later play runs` });
  }
}

function shareRunOnce(pc: PlayContext, task: Task, scope: Scope, ran: HostState, host: HostState, outcome: ItemOutcome | undefined): void {
  if (!outcome || host.status !== 'active') return;
  // The same registered value the host that ran got (changed, failed, stdout_lines…), not the bare data.
  if (task.register) host.setFacts[task.register] = registered(outcome);
  if (outcome.status === 'failed') {
    if (scope.ignoreErrors) return;
    // As Ansible: a run_once task that fails fails every host of the batch (counted once, on the host that ran).
    host.status = 'failed';
    if (scope.rescuable) {
      host.setFacts.ansible_failed_task = ran.setFacts.ansible_failed_task;
      host.setFacts.ansible_failed_result = ran.setFacts.ansible_failed_result;
    }
    return;
  }
  applyEffects(pc, host, outcome.effects);
}

/** Everything for one host: conditions, loop items, retries, register, notify, events. Never throws. */
async function runOnHost(pc: PlayContext, task: Task, scope: Scope, ref: TaskRef, host: HostState, quiet: boolean): Promise<ItemOutcome | undefined> {
  const run = pc.run;
  const started = Date.now();
  if (!quiet) run.emit({ type: 'host:start', time: started, task: ref, host: host.name });
  let outcome: ItemOutcome;
  let noLog = false;
  try {
    const vars = hostVars(pc, host, scope, task);
    noLog = truthy(run.templates.render(scope.noLog ?? false, vars, task.pos));
    const items = task.loop === undefined ? undefined : loopItems(pc, task, vars);
    if (items === undefined) {
      outcome = await runItem(pc, task, scope, host, vars, ref, noLog);
    } else {
      outcome = await runItems(pc, task, scope, host, vars, ref, items, noLog);
    }
  } catch (e) {
    if (e instanceof UnreachableError) {
      return unreachable(pc, task, scope, ref, host, e.message, started);
    }
    const msg = e instanceof SourceError ? e.message : `internal error: ${e instanceof Error ? (run.verbosity >= 3 ? e.stack : e.message) : String(e)}`;
    outcome = { status: 'failed', msg, data: { msg }, diffs: [], warnings: [], effects: [] };
  }
  if (task.register) host.setFacts[task.register] = registered(outcome);
  if (outcome.status === 'changed') for (const n of task.notify) host.notified.add(n);
  if (outcome.status !== 'failed') applyEffects(pc, host, outcome.effects);
  const ignored = outcome.status === 'failed' && (scope.ignoreErrors ?? false);
  if (outcome.status === 'failed' && !ignored) {
    recordFailure(host, scope);
    // As Ansible: a failure an enclosing rescue will handle is described to rescue/always (and the rest of
    // the run) by these two variables.
    if (scope.rescuable) Object.assign(host.setFacts, failedTaskVars(task, outcome, noLog));
  }
  run.records.push({ host: host.name, task: ref.name, module: task.module, status: outcome.status, durationMs: Date.now() - started, result: outcome.data });
  // A task that only steers the run (meta) has no result line and no place in the recap, unless it failed.
  if (quiet && outcome.status !== 'failed') return outcome;
  countResult(host, outcome.status, ignored, outcome.data.changed === true);
  const result = toHostResult(outcome, ignored, run.check || scope.checkMode === true);
  run.emit({ type: 'host:result', time: Date.now(), task: ref, host: host.name, result, durationMs: Date.now() - started, noLog, ...(outcome.delegatedTo ? { delegatedTo: outcome.delegatedTo } : {}) });
  return outcome;
}

/** ansible_failed_task / ansible_failed_result, as Ansible sets them for rescue and always. */
function failedTaskVars(task: Task, outcome: Outcome, noLog: boolean): Vars {
  const result = noLog
    ? { censored: "the output has been hidden due to the fact that 'no_log: true' was specified for this result", failed: true, changed: false }
    : registered(outcome);
  return {
    ansible_failed_task: { name: task.name ?? '', action: task.module, ...(task.role ? { role: task.role.name } : {}), ...(noLog ? {} : { args: task.args }) },
    ansible_failed_result: result,
  };
}

/** The delegate of a task that ended before it could say (unreachable): rendered again, best effort. */
function delegateName(pc: PlayContext, task: Task, scope: Scope, host: HostState): string | undefined {
  try {
    return String(pc.run.templates.render(scope.delegateTo, hostVars(pc, host, scope, task), task.pos));
  } catch {
    return undefined;
  }
}

function unreachable(pc: PlayContext, task: Task, scope: Scope, ref: TaskRef, host: HostState, msg: string, started: number): undefined {
  // ignore_unreachable counts like ignore_errors: ok and ignored (Ansible's stats), and the host stays in the play.
  const ignored = scope.ignoreUnreachable ?? false;
  if (ignored) {
    host.stats.ignored++;
    host.stats.ok++;
  } else {
    host.status = 'unreachable';
    host.stats.unreachable++;
  }
  if (!ignored) pc.run.emit({ type: 'host:unreachable', time: Date.now(), host: host.name, msg });
  const delegate = scope.delegateTo !== undefined ? delegateName(pc, task, scope, host) : undefined;
  pc.run.emit({ type: 'host:result', time: Date.now(), task: ref, host: host.name, result: { status: 'unreachable', msg, ignored }, durationMs: Date.now() - started, noLog: false, ...(delegate ? { delegatedTo: delegate } : {}) });
  pc.run.records.push({ host: host.name, task: ref.name, module: task.module, status: 'unreachable', durationMs: Date.now() - started, result: { msg } });
  return undefined;
}

function loopItems(pc: PlayContext, task: Task, vars: Vars): unknown[] {
  const rendered = pc.run.templates.render(task.loop, vars, task.pos);
  if (Array.isArray(rendered)) return rendered;
  if (rendered === null || rendered === undefined || rendered === '') return [];
  throw SourceError.at(task.pos, `loop must be a list, got ${typeof rendered === 'object' ? 'a mapping' : JSON.stringify(rendered)}`, 'for a mapping use with_dict or {{dict2items x}}');
}

async function runItems(pc: PlayContext, task: Task, scope: Scope, host: HostState, vars: Vars, ref: TaskRef, items: unknown[], noLog: boolean): Promise<ItemOutcome> {
  const control = task.loopControl;
  const loopVar = control?.loopVar ?? 'item';
  const results: Record<string, unknown>[] = [];
  const merged: ItemOutcome = { status: 'skipped', data: {}, diffs: [], warnings: [], effects: [] };
  let anyRan = false;
  for (const [index, item] of items.entries()) {
    if (pc.run.stopping()) break;
    const itemVars: Vars = Object.create(null) as Vars;
    Object.defineProperties(itemVars, Object.getOwnPropertyDescriptors(vars));
    itemVars[loopVar] = item;
    if (control?.indexVar) itemVars[control.indexVar] = index;
    itemVars.ansible_loop = { index: index + 1, index0: index, first: index === 0, last: index === items.length - 1, length: items.length };
    const started = Date.now();
    const outcome = await runItem(pc, task, scope, host, itemVars, ref, noLog);
    const label = control?.label ? pc.run.templates.renderString(control.label, itemVars, task.pos) : typeof item === 'string' ? item : JSON.stringify(item);
    results.push({ ...outcome.data, item, [loopVar]: item, changed: outcome.status === 'changed', failed: outcome.status === 'failed', skipped: outcome.status === 'skipped', ansible_loop_var: loopVar });
    pc.run.emit({ type: 'host:item', time: Date.now(), task: ref, host: host.name, item: label, result: toHostResult(outcome, false, pc.run.check), durationMs: Date.now() - started, noLog });
    merged.diffs.push(...outcome.diffs);
    merged.warnings.push(...outcome.warnings);
    merged.effects.push(...outcome.effects);
    if (outcome.delegatedTo) merged.delegatedTo = outcome.delegatedTo;
    if (outcome.status !== 'skipped') anyRan = true;
    if (outcome.status === 'failed') merged.status = 'failed';
    else if (outcome.status === 'changed' && merged.status !== 'failed') merged.status = 'changed';
    else if (outcome.status === 'ok' && merged.status === 'skipped') merged.status = 'ok';
    if (control?.pause) await sleep(control.pause * 1000, pc.run.killSignal);
  }
  if (!anyRan && merged.status !== 'failed') merged.status = 'skipped';
  const failedItems = results.filter((r) => r.failed).length;
  if (merged.status === 'failed') merged.msg = `${failedItems} of ${results.length} items failed`;
  merged.data = { results, changed: merged.status === 'changed', ...(merged.msg ? { msg: merged.msg } : {}), ...(anyRan ? {} : { skipped: true, msg: 'all items skipped' }) };
  return merged;
}

/** One module call with when, until/retries, changed_when, failed_when. */
async function runItem(pc: PlayContext, task: Task, scope: Scope, host: HostState, vars: Vars, ref: TaskRef, noLog: boolean): Promise<ItemOutcome> {
  const run = pc.run;
  const templates = run.templates;
  if (!templates.evaluate(scope.when, vars)) {
    return { status: 'skipped', data: { skipped: true, skip_reason: 'Conditional result was False', false_condition: scope.when.map((c) => c.expr).join(' and ') }, diffs: [], warnings: [], effects: [] };
  }
  const module = run.registry.get(task.module);
  if (!module) throw SourceError.at(task.pos, `unknown module "${task.module}"`);
  const delegate = scope.delegateTo !== undefined ? String(templates.render(scope.delegateTo, vars, task.pos)) : undefined;
  const target = delegate ?? host.name;
  const targetVars = delegate && delegate !== host.name ? connectionVars(pc, delegate) : vars;
  const check = scope.checkMode ?? run.check;
  const diff = scope.diff ?? run.diff;
  const become = resolveBecome(pc, scope, vars);
  const env = Object.fromEntries(Object.entries(templates.render(scope.environment, vars, task.pos) as Vars).map(([k, v]) => [k, String(v)]));
  const local = isLocalHost(target, targetVars);
  const retries = task.until.length > 0 ? Number(templates.render(task.retries ?? 3, vars, task.pos)) : 0;
  const delay = Number(templates.render(task.delay ?? 5, vars, task.pos));
  let outcome: ItemOutcome | undefined;
  for (let attempt = 1; attempt <= retries + 1; attempt++) {
    const output = createOutputDecoder((stream, chunk) => run.emit({ type: 'host:output', time: Date.now(), task: ref, host: host.name, stream, chunk, noLog }));
    outcome = await invokeModule({
      run, task, module, scope, host: host.name, vars, check, diff, become, env,
      connect: () => run.pool.get(target, targetVars),
      sshPort: local ? undefined : Number(targetVars.ansible_port ?? 22),
      onLog: (message) => run.emit({ type: 'host:log', time: Date.now(), task: ref, host: host.name, message, noLog }),
      onOutput: (stream, chunk) => { if (run.verbosity >= 2) output.push(stream, chunk); },
    }).finally(() => output.end());
    outcome = judge(pc, task, vars, outcome);
    if (task.until.length === 0) break;
    const untilVars = withResult(vars, task, outcome);
    if (outcome.status !== 'failed' && templates.evaluate(task.until, untilVars)) {
      outcome.data = { ...outcome.data, attempts: attempt }; // Ansible registers attempts on success too
      break;
    }
    if (attempt <= retries) {
      run.emit({ type: 'host:log', time: Date.now(), task: ref, host: host.name, message: `FAILED - RETRYING: ${ref.name} (${retries - attempt + 1} retries left)`, noLog });
      await sleep(delay * 1000, run.killSignal);
      if (run.killSignal.aborted) break;
    } else {
      outcome = { ...outcome, status: 'failed', msg: `condition not met after ${attempt} attempts: ${task.until.map((c) => c.expr).join(' and ')}` };
      outcome.data = { ...outcome.data, attempts: attempt, msg: outcome.msg };
    }
  }
  return { ...outcome!, ...(delegate !== undefined ? { delegatedTo: delegate } : {}) };
}

/** changed_when / failed_when see the result under the register name (and as `result`, for tasks without one). */
function withResult(vars: Vars, task: Task, outcome: Outcome): Vars {
  const data = registered(outcome);
  const out: Vars = Object.create(null) as Vars;
  Object.defineProperties(out, Object.getOwnPropertyDescriptors(vars));
  if (task.register) out[task.register] = data;
  out.result = data;
  return out;
}

function judge(pc: PlayContext, task: Task, vars: Vars, outcome: Outcome): Outcome {
  if (outcome.status === 'skipped') return outcome;
  const templates = pc.run.templates;
  let status = outcome.status;
  if (task.changedWhen.length > 0 && status !== 'failed') {
    status = templates.evaluate(task.changedWhen, withResult(vars, task, outcome)) ? 'changed' : 'ok';
  }
  if (task.changedWhen.length > 0 && status === 'failed' && task.failedWhen.length === 0) {
    const changed = templates.evaluate(task.changedWhen, withResult(vars, task, outcome));
    return { ...outcome, data: { ...outcome.data, changed } };
  }
  if (task.failedWhen.length > 0) {
    const failedNow = templates.evaluate(task.failedWhen, withResult(vars, task, { ...outcome, status }));
    if (failedNow) {
      const changed = status === 'changed' || (status === 'failed' && outcome.data.changed === true);
      return { ...outcome, status: 'failed', msg: outcome.msg ?? `failed_when: ${task.failedWhen.map((c) => c.expr).join(' and ')}`, data: { ...outcome.data, changed, failed_when_result: true } };
    }
    if (status === 'failed') {
      // Saved by failed_when: a command that ran counts as changed unless changed_when says otherwise.
      if (task.changedWhen.length > 0) status = templates.evaluate(task.changedWhen, withResult(vars, task, { ...outcome, status: 'ok' })) ? 'changed' : 'ok';
      else status = outcome.data.rc !== undefined ? 'changed' : 'ok';
      return { ...outcome, status, msg: undefined, data: { ...outcome.data, failed_when_result: false } };
    }
  }
  return { ...outcome, status };
}

export function registered(outcome: Outcome): Record<string, unknown> {
  // A failure can still have changed the host (a command that ran): the module says so in its data.
  const changed = outcome.status === 'changed' || (outcome.status === 'failed' && outcome.data.changed === true);
  const data: Record<string, unknown> = { ...outcome.data, changed, failed: outcome.status === 'failed' };
  if (outcome.status === 'skipped') data.skipped = true;
  if (outcome.msg !== undefined) data.msg = outcome.msg;
  if (typeof data.stdout === 'string' && data.stdout_lines === undefined) data.stdout_lines = splitLines(data.stdout);
  if (typeof data.stderr === 'string' && data.stderr_lines === undefined) data.stderr_lines = splitLines(data.stderr);
  return data;
}

const splitLines = (s: string): string[] => (s === '' ? [] : s.replace(/\n$/, '').split('\n'));

function toHostResult(outcome: Outcome, ignored: boolean, check: boolean): HostResult {
  switch (outcome.status) {
    case 'skipped':
      return { status: 'skipped', reason: String(outcome.data.skip_reason ?? outcome.data.msg ?? 'skipped'), data: outcome.data };
    case 'failed':
      return { status: 'failed', msg: outcome.msg ?? 'failed', data: outcome.data, ignored, diffs: outcome.diffs };
    default:
      return { status: outcome.status, data: outcome.data, diffs: outcome.diffs, warnings: outcome.warnings, ...(check ? { check } : {}) };
  }
}

/** As Ansible's PlayContext: connection variables (ansible_become, ansible_become_user) override the keywords. */
export function resolveBecome(pc: PlayContext, scope: Scope, vars: Vars): Become | undefined {
  const on = vars.ansible_become !== undefined ? truthy(vars.ansible_become) : scope.become ?? pc.play.become ?? pc.run.options.become ?? false;
  if (!on) return undefined;
  const user = String(vars.ansible_become_user ?? scope.becomeUser ?? pc.play.becomeUser ?? pc.run.options.becomeUser ?? 'root');
  const password = vars.ansible_become_password ?? vars.ansible_become_pass ?? pc.run.options.becomePassword;
  return { user, ...(password !== undefined && password !== null ? { password: password instanceof Secret ? password : new Secret(String(password)) } : {}) };
}

/** For delegate_to: the delegate's own connection variables (its address, user, key), not the task host's. */
function connectionVars(pc: PlayContext, host: string): Vars {
  const inv = pc.run.inventory.hosts.get(host);
  if (!inv && !pc.run.hosts.has(host)) return host === 'localhost' ? { ansible_connection: 'local' } : {};
  // A delegate outside the play has no state yet; a fresh one still gives it its group vars (all: vars too),
  // where the lab and most inventories keep the user, key and known_hosts.
  const state = pc.run.hosts.get(host) ?? newHostState(host);
  return hostVars(pc, state, rootScope());
}
