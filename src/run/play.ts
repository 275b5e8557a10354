import type { Block, Include, Inventory, Play, RoleInstance, Task, TaskNode, Vars } from '../core/model.js';
import type { RunPlaybookOptions } from './options.js';
import { matchHosts } from '../load/patterns.js';
import { sliceHosts } from '../load/slice.js';
import type { PlayContext, RunContext } from './context.js';
import { gatherPlayFacts } from './gather.js';
import { flushHandlers } from './handlers.js';
import { newHostState, type HostState } from './hostState.js';
import { runNodes } from './nodes.js';
import { serialBatches } from './batches.js';
import { rootScope, type Scope } from './scope.js';
import { createTemplateEngine, type TemplateEngine } from '../template/index.js';

/** Made on the first templated `hosts:` only: most playbooks have none, and start-up should not pay for it. */
let hostTemplates: TemplateEngine | undefined;

/**
 * The play's host pattern. `hosts: "{{ target }}"` is rendered as Ansible does, before any host is known: with
 * the play's vars, its vars_files and the extra vars (`-e target=web`); an undefined name is a SourceError.
 */
export function hostPattern(play: Play, extraVars: Vars | undefined): string {
  if (!play.hosts.includes('{{')) return play.hosts;
  hostTemplates ??= createTemplateEngine();
  const rendered = hostTemplates.render(play.hosts, { ...play.vars, ...play.varsFiles, ...(extraVars ?? {}) }, play.hostsPos ?? play.pos);
  return Array.isArray(rendered) ? rendered.map(String).join(':') : String(rendered);
}

/** The hosts a play runs on: its pattern, narrowed by --limit and --slice. */
export function playHosts(inventory: Inventory, options: Pick<RunPlaybookOptions, 'cwd' | 'limit' | 'slice' | 'extraVars'>, play: Play): string[] {
  const cwd = options.cwd ?? process.cwd();
  let hosts = matchHosts(inventory, hostPattern(play, options.extraVars), { cwd });
  if (options.limit) {
    const allowed = new Set(matchHosts(inventory, options.limit, { cwd }));
    hosts = hosts.filter((h) => allowed.has(h));
  }
  if (options.slice) hosts = sliceHosts(hosts, options.slice.index, options.slice.count);
  return ordered(hosts, play.order);
}

/** The play's `order:` of hosts, as Ansible's. */
function ordered(hosts: string[], order: Play['order']): string[] {
  switch (order) {
    case 'sorted':
      return [...hosts].sort();
    case 'reverse_sorted':
      return [...hosts].sort().reverse();
    case 'reverse_inventory':
      return [...hosts].reverse();
    case 'shuffle':
      return [...hosts].map((h) => ({ h, k: Math.random() })).sort((a, b) => a.k - b.k).map((x) => x.h);
    default:
      return hosts;
  }
}

/** Runs one play; returns false when the run must end here (Ansible's break_play: see the batch loop). */
export async function runPlay(run: RunContext, play: Play, index: number): Promise<boolean> {
  const hosts = playHosts(run.inventory, run.options, play);
  run.emit({ type: 'play:start', time: Date.now(), name: play.name, hosts, pos: play.pos });
  if (hosts.length === 0) {
    run.emit({ type: 'warning', time: Date.now(), message: `no hosts matched "${hostPattern(play, run.options.extraVars)}"; skipping play "${play.name}"` });
  }
  for (const h of hosts) {
    const state = run.hosts.get(h);
    if (!state) run.hosts.set(h, newHostState(h));
    else if (state.errorsCleared) {
      state.errorsCleared = false;
      state.status = 'active';
    }
  }
  // As Ansible (private_role_vars off): the defaults and vars of the play's roles are visible to the whole play.
  const playRoles = play.roles.flatMap((b) => rolesIn(b));
  const roleDefaults = Object.assign({}, ...playRoles.map((r) => r.defaults)) as Vars;
  const roleVars = Object.assign({}, ...playRoles.map((r) => r.vars)) as Vars;
  const handlers = [...play.handlers, ...includedHandlers([...play.preTasks, ...play.roles, ...play.tasks, ...play.postTasks])];
  const batches = serialBatches(hosts, play.serial);
  let goOn = true;
  for (const [batchIndex, batch] of batches.entries()) {
    if (run.stopping()) break;
    // Hosts that failed in an earlier play are out of this one: not in the batch, not in max_fail_percentage.
    const states = batch.map((h) => run.hosts.get(h)!).filter((s) => s.status === 'active');
    const pc: PlayContext = { run, play, index, playHosts: hosts, batch: states.map((s) => s.name), roleDefaults, roleVars, handlers, ended: false, fatal: false, batchEnded: false, taskCounter: 0, startReached: new Set() };
    if (batches.length > 1) run.emit({ type: 'batch:start', time: Date.now(), hosts: batch, index: batchIndex, count: batches.length });
    if (play.strategy === 'free') {
      await Promise.all(states.map((s) => runSections(pc, [s])));
    } else {
      await runSections(pc, states);
    }
    // As Ansible's PlaybookExecutor: end_play ends the remaining batches; any_errors_fatal, max_fail_percentage
    // or a batch whose every host failed also end the run (a rolling update stops at the first broken batch).
    // As Ansible's start_at_done: once a batch found the task, later batches and plays run from their start.
    if (pc.startReached.size > 0) run.skippingToStart = false;
    const allFailed = states.length > 0 && states.every((s) => s.status === 'failed' || s.status === 'unreachable');
    if (pc.fatal || allFailed) goOn = false;
    if (pc.ended || !goOn) break;
  }
  run.emit({ type: 'play:end', time: Date.now(), name: play.name });
  return goOn;
}

/** pre_tasks, handlers, roles, tasks, handlers, post_tasks, handlers: Ansible's order. */
async function runSections(pc: PlayContext, hosts: HostState[]): Promise<void> {
  const { play } = pc;
  const scope: Scope = {
    ...rootScope(),
    ...play.taskDefaults,
    tags: [...play.tags],
    ...(play.become !== undefined ? { become: play.become } : {}),
    ...(play.becomeUser ? { becomeUser: play.becomeUser } : {}),
    environment: typeof play.environment === 'object' && play.environment ? { ...play.environment } : {},
  };
  if (play.gatherFacts) await gatherPlayFacts(pc, hosts);
  await runNodes(pc, play.preTasks, { ...scope, path: 'pre_tasks' }, hosts);
  await flush(pc, hosts);
  await runNodes(pc, play.roles, { ...scope, path: 'roles' }, hosts);
  await runNodes(pc, play.tasks, { ...scope, path: 'tasks' }, hosts);
  await flush(pc, hosts);
  await runNodes(pc, play.postTasks, { ...scope, path: 'post_tasks' }, hosts);
  await flush(pc, hosts);
  for (const h of hosts) if (h.status === 'ended') h.status = 'active';
}

async function flush(pc: PlayContext, hosts: HostState[]): Promise<void> {
  if (pc.run.stopping()) return;
  const ended = pc.ended;
  pc.ended = false;
  if (!ended || pc.run.options.forceHandlers || pc.play.forceHandlers) await flushHandlers(pc, hosts);
  pc.ended = ended;
}

/** The roles a block brings statically (roles: entries and their dependencies), each once. */
function rolesIn(block: Block): RoleInstance[] {
  const out: RoleInstance[] = [];
  const seen = new Set<string>();
  const visit = (nodes: TaskNode[]): void => {
    for (const n of nodes) {
      const r = n.role;
      if (r && !seen.has(r.path)) {
        seen.add(r.path);
        out.push(r);
      }
      if (n.kind === 'block') visit([...n.block, ...n.rescue, ...n.always]);
    }
  };
  visit([block]);
  return out;
}

function includedHandlers(nodes: TaskNode[]): Task[] {
  const out: Task[] = [];
  const visit = (list: TaskNode[]): void => {
    for (const n of list) {
      if (n.kind === 'block') visit([...n.block, ...n.rescue, ...n.always]);
      else if (n.kind === 'include') {
        out.push(...(n as Include).handlers);
        visit(n.tasks);
      }
    }
  };
  visit(nodes);
  return out;
}
