import type { Block, Include, Play, RoleInstance, TaskNode } from '../core/model.js';
import type { PlayContext } from './context.js';
import type { HostState } from './hostState.js';
import { flushHandlers } from './handlers.js';
import { enter, type Scope } from './scope.js';
import { runTask } from './task.js';
import { hostVars, taskRef } from './taskVars.js';
import { countResult } from './stats.js';
import { tagsSelected } from './tags.js';
import type { HostResult } from '../core/events.js';
import { SourceError } from '../core/errors.js';
import { globToRegexSource } from '../load/patterns.js';

const isActive = (h: HostState): boolean => h.status === 'active';

/** Walk nodes in order on these hosts: linear when given many hosts, one host's own pace under `free`. */
export async function runNodes(pc: PlayContext, nodes: TaskNode[], scope: Scope, hosts: HostState[]): Promise<void> {
  for (const node of nodes) {
    if (pc.ended || pc.batchEnded || pc.run.stopping() || !hosts.some(isActive)) return;
    if (node.kind === 'task') {
      // --start-at-task: each walk (all hosts under linear, one host under free) skips until it reaches the task.
      if (pc.run.skippingToStart && !hosts.every((h) => pc.startReached.has(h.name))) {
        if (!startsHere(pc, node.name, scope)) continue;
        for (const h of hosts) pc.startReached.add(h.name);
      }
      await runTask(pc, node, scope, hosts);
      // Per host: under `free` another host's walk must not take (and lose) this walk's request.
      if (hosts.some((h) => h.flushRequested)) {
        for (const h of hosts) h.flushRequested = false;
        await flushHandlers(pc, hosts);
      }
      checkMaxFail(pc);
    } else if (node.kind === 'block') {
      if (node.roleOnce && node.role) await runRoleOnce(pc, { ...node, role: node.role }, scope, hosts);
      else await runBlock(pc, node, scope, hosts);
    } else {
      await runInclude(pc, node, scope, hosts);
    }
  }
}

/** As Ansible: the task's name or `role : name`, equal or matching as a shell pattern (`install*`). */
function startsHere(pc: PlayContext, name: string | undefined, scope: Scope): boolean {
  const wanted = pc.run.options.startAtTask;
  return wanted !== undefined && taskMatchesStart(wanted, name, scope.role?.name);
}

export function taskMatchesStart(wanted: string, name: string | undefined, role: string | undefined): boolean {
  if (!name) return false;
  const names = role ? [name, `${role} : ${name}`] : [name];
  const pattern = new RegExp(`^${globToRegexSource(wanted)}$`, 's');
  return names.some((n) => n === wanted || pattern.test(n));
}

/** Whether any task of the playbook (includes are loaded up front) is where --start-at-task starts. */
export function startAtTaskExists(plays: Play[], wanted: string): boolean {
  const visit = (nodes: TaskNode[], role: string | undefined): boolean =>
    nodes.some((n) => {
      const r = n.role?.name ?? role;
      if (n.kind === 'task') return taskMatchesStart(wanted, n.name, r);
      if (n.kind === 'block') return visit([...n.block, ...n.rescue, ...n.always], r);
      return visit(n.tasks, r);
    });
  return plays.some((p) => visit([...p.preTasks, ...p.roles, ...p.tasks, ...p.postTasks], undefined));
}


/**
 * Role instances each host has run in this play (RoleInstances are per play, so the map needs no reset). As
 * Ansible's has_run(): a role counts as run on a host once one of its tasks ran there (ok, changed or failed; a
 * skipped or tag-filtered task does not count).
 */
const rolesRun = new WeakMap<HostState, WeakSet<RoleInstance>>();
const ranTasks = (h: HostState): number => h.stats.ok + h.stats.changed + h.stats.failed + h.stats.ignored;

/** A repeated `roles:` entry or dependency: run it on the hosts that have not run this instance yet. */
async function runRoleOnce(pc: PlayContext, block: Block & { role: RoleInstance }, parent: Scope, hosts: HostState[]): Promise<void> {
  const role = block.role;
  const todo = hosts.filter((h) => !rolesRun.get(h)?.has(role));
  if (todo.length === 0) return;
  const before = new Map(todo.map((h) => [h, ranTasks(h)]));
  await runBlock(pc, block, parent, todo);
  for (const h of todo) {
    if (ranTasks(h) === before.get(h)) continue;
    const set = rolesRun.get(h) ?? new WeakSet<RoleInstance>();
    set.add(role);
    rolesRun.set(h, set);
  }
}

/** block/rescue/always: a failure in the block sends the host to rescue; always runs whatever happened. */
async function runBlock(pc: PlayContext, block: Block, parent: Scope, hosts: HostState[]): Promise<void> {
  const entered = hosts.filter(isActive);
  const scope = enter(parent, block, 'block', { rescuable: block.rescue.length > 0 || parent.rescuable });
  Object.assign(scope.blockVars, block.vars);
  const pendingBefore = new Map(entered.map((h) => [h, h.pendingFailures]));
  await runNodes(pc, block.block, scope, entered);
  const afterBody = enter(parent, block, 'block');
  Object.assign(afterBody.blockVars, block.vars);
  if (block.rescue.length > 0) {
    const failed = entered.filter((h) => h.status === 'failed');
    for (const h of failed) {
      h.status = 'active';
      h.pendingFailures = pendingBefore.get(h) ?? 0;
    }
    if (failed.length > 0) {
      // As Ansible counts it: a host is rescued when it enters rescue, whether or not the rescue then succeeds.
      for (const h of failed) h.stats.rescued++;
      await runNodes(pc, block.rescue, { ...afterBody, path: `${afterBody.path}/rescue` }, failed);
    }
  }
  if (block.always.length > 0) {
    const failedBefore = entered.filter((h) => h.status === 'failed');
    for (const h of failedBefore) h.status = 'active';
    await runNodes(pc, block.always, { ...afterBody, path: `${afterBody.path}/always` }, entered.filter(isActive));
    for (const h of failedBefore) if (h.status === 'active') h.status = 'failed';
  }
  // Outside any rescue now: pending failures that no rescue saved count as failures.
  if (!parent.rescuable) {
    for (const h of entered) {
      h.stats.failed += h.pendingFailures;
      h.pendingFailures = 0;
    }
  }
}

/** include_tasks / include_role: `when` and `loop` apply to the include once per host; params are vars of the included tasks. */
async function runInclude(pc: PlayContext, inc: Include, parent: Scope, hosts: HostState[]): Promise<void> {
  const scope = enter(parent, { ...inc, when: [] }, `include:${inc.target}`, { includeParams: { ...parent.includeParams, ...inc.params } });
  Object.assign(scope.blockVars, inc.vars);
  const loopVar = inc.loopControl?.loopVar ?? 'item';
  const perHost = new Map<HostState, unknown[]>();
  for (const host of hosts.filter(isActive)) {
    const vars = hostVars(pc, host, enter(parent, { ...inc, when: [] }, 'include'));
    if (!pc.run.templates.evaluate([...parent.when, ...inc.when], vars)) continue;
    if (inc.loop === undefined) {
      perHost.set(host, [undefined]);
      continue;
    }
    const items = pc.run.templates.render(inc.loop, vars, inc.pos);
    if (!Array.isArray(items)) throw SourceError.at(inc.pos, `loop of include "${inc.target}" must be a list`);
    perHost.set(host, items);
  }
  reportInclude(pc, inc, scope, hosts.filter(isActive), perHost);
  const rounds = Math.max(0, ...[...perHost.values()].map((items) => items.length));
  for (let i = 0; i < rounds; i++) {
    const round = [...perHost.entries()].filter(([, items]) => items.length > i);
    const saved = new Map(round.map(([h]) => [h, h.itemVars]));
    for (const [h, items] of round) {
      if (inc.loop !== undefined) h.itemVars = { ...h.itemVars, [loopVar]: items[i], ...(inc.loopControl?.indexVar ? { [inc.loopControl.indexVar]: i } : {}) };
    }
    await runNodes(pc, inc.tasks, { ...scope, when: [] }, round.map(([h]) => h));
    for (const [h, vars] of saved) h.itemVars = vars;
  }
}

/**
 * As Ansible: a dynamic include is a task of its own in the output and the recap, `included: FILE for HOST` (ok,
 * once per loop item) on the hosts it applies to and `skipping` where its `when` is false; include_role only
 * shows its header and its skips. Not while --start-at-task is still looking.
 */
function reportInclude(pc: PlayContext, inc: Include, scope: Scope, hosts: HostState[], applied: Map<HostState, unknown[]>): void {
  const run = pc.run;
  if (hosts.length === 0 || !tagsSelected(run.options, scope.tags)) return;
  if (run.skippingToStart && !hosts.every((h) => pc.startReached.has(h.name))) return;
  // An unnamed include_role is `include_role : ROLE` in Ansible's output (IncludeRole.get_name()).
  const name = inc.name ?? (inc.what === 'role' ? `include_role : ${inc.target}` : undefined);
  const ref = taskRef(pc, { ...(name ? { name } : {}), module: `include_${inc.what === 'tasks' ? 'tasks' : 'role'}`, pos: inc.pos }, scope);
  // Ansible names the file it included by its full path; a role by its name.
  const shown = inc.what === 'tasks' ? (inc.file ?? inc.target) : inc.target;
  const included: HostResult = { status: 'ok', data: { _included: shown }, diffs: [], warnings: [] };
  const now = Date.now();
  run.emit({ type: 'task:start', time: now, task: ref, hosts: hosts.map((h) => h.name) });
  const emitResult = (host: HostState, result: HostResult): void =>
    run.emit({ type: 'host:result', time: Date.now(), task: ref, host: host.name, result, durationMs: 0, noLog: false });
  const loopVar = inc.loopControl?.loopVar ?? 'item';
  for (const host of hosts) {
    const items = applied.get(host) ?? [];
    if (items.length === 0) {
      countResult(host, 'skipped', false);
      emitResult(host, { status: 'skipped', reason: 'Conditional result was False', data: {} });
      continue;
    }
    // Ansible prints no `included:` line for include_role and counts nothing for it (include_tasks counts ok).
    if (inc.what === 'role') continue;
    if (inc.loop !== undefined) {
      const label = inc.loopControl?.label;
      const indexVar = inc.loopControl?.indexVar;
      for (const [index, item] of items.entries()) {
        countResult(host, 'ok', false);
        // the same names the included tasks see, so a label may use index_var too
        const itemVars = { ...hostVars(pc, host, scope), [loopVar]: item, ...(indexVar ? { [indexVar]: index } : {}) };
        const itemLabel = label ? run.templates.renderString(label, itemVars, inc.pos) : typeof item === 'string' ? item : JSON.stringify(item);
        run.emit({ type: 'host:item', time: Date.now(), task: ref, host: host.name, item: itemLabel, result: included, durationMs: 0, noLog: false });
      }
    } else countResult(host, 'ok', false);
    emitResult(host, included);
  }
  run.emit({ type: 'task:end', time: Date.now(), task: ref, durationMs: Date.now() - now });
}

/** max_fail_percentage: once more than that share of the batch failed, the play stops for everyone. */
function checkMaxFail(pc: PlayContext): void {
  const max = pc.play.maxFailPercentage;
  if (max === undefined) return;
  const states = pc.batch.map((h) => pc.run.hosts.get(h)).filter((s): s is HostState => s !== undefined);
  const failed = states.filter((s) => s.status === 'failed' || s.status === 'unreachable').length;
  if (pc.fatal || states.length === 0 || (failed / states.length) * 100 <= max) return;
  pc.ended = pc.fatal = true;
  // Ansible prints NO MORE HOSTS LEFT here; say why the hosts that did not fail stop too.
  pc.run.emit({ type: 'warning', time: Date.now(), message: `max_fail_percentage ${max}% exceeded (${failed} of ${states.length} hosts failed): the play ends for every host and no later play runs` });
}
