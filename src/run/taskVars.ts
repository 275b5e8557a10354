import { existsSync, statSync } from 'node:fs';
import { dirname, isAbsolute } from 'node:path';
import type { TaskRef } from '../core/events.js';
import type { Task, Vars } from '../core/model.js';
import { groupNamesOf, groupsMap } from '../load/inventory.js';
import { inventoryLayers } from '../load/vars.js';
import type { InventoryViews, PlayContext } from './context.js';
import type { HostState } from './hostState.js';
import { OMIT } from './invoke.js';
import { composeVars, layersFor, roleChain } from './vars.js';
import { rootScope, type Scope } from './scope.js';

/** Ansible's boolean reading of a value: yes/true/on/1 are true, no/false/off/0/'' false. */
export function truthy(value: unknown): boolean {
  if (typeof value === 'string') return !['', 'no', 'false', 'off', '0', 'n', 'f'].includes(value.trim().toLowerCase());
  if (Array.isArray(value)) return value.length > 0;
  return Boolean(value);
}

export function taskRef(pc: PlayContext, task: Pick<Task, 'name' | 'module' | 'pos'>, scope: Scope): TaskRef {
  const base = task.name ?? task.module;
  return {
    // Positions, not walk order: under the free strategy every host walks the tree on its own.
    id: `${pc.index}:${scope.role?.name ?? ''}:${task.pos.file}:${task.pos.line}:${task.pos.col}`,
    name: scope.role ? `${scope.role.name} : ${base}` : base,
    module: task.module,
    pos: task.pos,
    ...(scope.role ? { role: scope.role.name } : {}),
    handler: scope.handler,
  };
}

/** The variables one task sees on one host: every precedence level plus the magic variables. */
export function hostVars(pc: PlayContext, host: HostState, scope: Scope, task?: Task): Vars {
  const run = pc.run;
  const levels = layersFor(
    { inventory: run.inventory, playbookDirs: run.playbookDirs, extraVars: run.extraVars, playVars: pc.play.vars, playVarsFiles: pc.play.varsFiles, playRoleDefaults: pc.roleDefaults, playRoleVars: pc.roleVars, ...(pc.play.remoteUser ? { remoteUser: pc.play.remoteUser } : {}), connectionDefaults: { ...run.options.connectionDefaults, ...pc.play.connectionDefaults } },
    host,
    { ...(scope.role ? { role: scope.role } : {}), blockVars: scope.blockVars, taskVars: task?.vars ?? {}, includeParams: { ...scope.includeParams, ...host.itemVars } },
  );
  const role = scope.role;
  const views = inventoryViews(pc);
  const batch = activeBatch(pc);
  const magic: Vars = {
    inventory_hostname: host.name,
    inventory_hostname_short: host.name.split('.')[0],
    groups: views.groups,
    group_names: groupNamesOf(run.inventory, host.name),
    hostvars: views.hostvars,
    play_hosts: batch,
    // Ansible: ansible_play_hosts is every active host of the play (not only this serial batch), play_hosts the batch.
    ansible_play_hosts: activeHosts(pc, pc.playHosts),
    ansible_play_batch: batch,
    ansible_play_hosts_all: pc.playHosts,
    ansible_play_name: pc.play.name,
    playbook_dir: run.playbook.dir,
    ...inventoryPlace(pc, host.name),
    ansible_check_mode: scope.checkMode ?? run.check,
    ansible_diff_mode: scope.diff ?? run.diff,
    ansible_verbosity: run.verbosity,
    omit: OMIT,
    ...(role ? { role_path: role.path, role_name: role.name, ansible_role_names: roleChain(role).map((r) => r.name) } : {}),
  };
  const addedByAddHost = run.inventory.hosts.get(host.name)?.literalVars;
  return composeVars(levels, magic, run.templates, task?.pos ?? pc.play.pos, addedByAddHost ? { inventoryHost: addedByAddHost } : {});
}

function activeBatch(pc: PlayContext): string[] {
  return activeHosts(pc, pc.batch);
}

/**
 * inventory_file / inventory_dir as Ansible sets them per host: the inventory file that first named the host and
 * its folder (for a folder inventory, the file inside it). Hosts not from a file (implicit localhost, add_host,
 * `-i a,b,`) get the first source's folder and no file.
 */
function inventoryPlace(pc: PlayContext, name: string): Vars {
  const file = pc.run.inventory.hosts.get(name)?.pos.file;
  if (file && isAbsolute(file)) return { inventory_file: file, inventory_dir: dirname(file) };
  const first = pc.run.inventory.sources.find((s) => isAbsolute(s));
  return { inventory_file: null, inventory_dir: first ? (existsSync(first) && statSync(first).isDirectory() ? first : dirname(first)) : null };
}

function activeHosts(pc: PlayContext, names: string[]): string[] {
  return names.filter((h) => {
    const s = pc.run.hosts.get(h);
    return s !== undefined && s.status !== 'failed' && s.status !== 'unreachable';
  });
}

/**
 * `groups` and `hostvars` describe the whole inventory: built once per play batch (and again after add_host or
 * group_by changed the inventory), not once per task and host, which grew with the square of the host count.
 */
function inventoryViews(pc: PlayContext): InventoryViews {
  pc.inventoryViews ??= { groups: groupsMap(pc.run.inventory), hostvars: hostvarsView(pc) };
  return pc.inventoryViews;
}

/** hostvars.NAME: another host's play-level variables as they are now, computed only when a template reads them. */
function hostvarsView(pc: PlayContext): Vars {
  const view: Vars = {};
  const names = new Set([...pc.run.inventory.hosts.keys(), ...pc.run.hosts.keys()]);
  for (const name of names) {
    Object.defineProperty(view, name, {
      enumerable: true,
      get() {
        const state = pc.run.hosts.get(name);
        return state ? hostVars(pc, state, rootScope()) : { ...mergeInventory(pc, name), inventory_hostname: name };
      },
    });
  }
  return view;
}

function mergeInventory(pc: PlayContext, host: string): Vars {
  return Object.assign({}, ...Object.values(inventoryLayers(pc.run.inventory, pc.run.playbookDirs, host))) as Vars;
}
