import type { Position } from '../core/position.js';
import type { Inventory, RoleInstance, Vars, VarsDirs } from '../core/model.js';
import { SourceError } from '../core/errors.js';
import type { TemplateEngine } from '../template/index.js';
import { hasTemplate } from '../template/index.js';
import { inventoryLayers, VAR_LEVELS, type VarLevel } from '../load/vars.js';
import type { HostState } from './hostState.js';

/** Levels whose values came from files the user wrote: their {{ }} are rendered when read. Host data never is. */
const DATA_LEVELS: ReadonlySet<VarLevel> = new Set(['facts', 'setFacts']);

export interface VarSources {
  inventory: Inventory;
  playbookDirs: VarsDirs;
  extraVars: Vars;
  playVars: Vars;
  playVarsFiles: Vars;
  /** Defaults of every role in the play, in order: visible play-wide as in Ansible. */
  playRoleDefaults: Vars;
  /** vars/main.yml of every role in the play's `roles:`, visible play-wide below the running role's own. */
  playRoleVars?: Vars;
  /** The play's remote_user, if any. */
  remoteUser?: string;
  /** The play's connection/port keywords as ansible_connection/ansible_port: below every inventory level. */
  connectionDefaults?: Vars;
}

/** A {{ }} anywhere inside a value: strings, and the items and values of lists and mappings. */
export function containsTemplate(value: unknown): boolean {
  if (typeof value === 'string') return hasTemplate(value);
  if (Array.isArray(value)) return value.some(containsTemplate);
  if (value !== null && typeof value === 'object') return Object.values(value).some(containsTemplate);
  return false;
}

/** Role chain from the outermost parent to the role itself. */
export function roleChain(role: RoleInstance | undefined): RoleInstance[] {
  const chain: RoleInstance[] = [];
  for (let r = role; r; r = r.parent) chain.unshift(r);
  return chain;
}

export interface TaskLayers {
  role?: RoleInstance;
  blockVars?: Vars;
  taskVars?: Vars;
  includeParams?: Vars;
}

/** Every precedence level for one host and task, lowest first (issue 3's order). */
export function layersFor(sources: VarSources, host: HostState, task: TaskLayers): Partial<Record<VarLevel, Vars>> {
  const chain = roleChain(task.role);
  const merge = (pick: (r: RoleInstance) => Vars): Vars => Object.assign({}, ...chain.map(pick)) as Vars;
  return {
    // remote_user is a play keyword in Ansible: an inventory's ansible_user (any level above this) wins over it.
    roleDefaults: { ...sources.connectionDefaults, ...(sources.remoteUser ? { ansible_user: sources.remoteUser } : {}), ...sources.playRoleDefaults, ...merge((r) => r.defaults) },
    ...inventoryLayers(sources.inventory, sources.playbookDirs, host.name),
    facts: host.factVars,
    playVars: sources.playVars,
    playVarsFiles: sources.playVarsFiles,
    roleVars: { ...sources.playRoleVars, ...merge((r) => r.vars) },
    blockVars: task.blockVars ?? {},
    taskVars: task.taskVars ?? {},
    includeVars: host.includeVars,
    setFacts: host.setFacts,
    roleParams: { ...merge((r) => r.params), ...(task.includeParams ?? {}) },
    extraVars: sources.extraVars,
  };
}

/**
 * Merge levels into one object a template reads. A value written with {{ }} in a playbook, role or inventory is
 * rendered on first read against the same object (Ansible's lazy templating), so `dir: "{{ base }}/x"` works in
 * any order; a variable that refers to itself is an error naming it.
 */
export function composeVars(
  levels: Partial<Record<VarLevel, Vars>>,
  magic: Vars,
  engine: TemplateEngine,
  pos: Position,
  /** Names that are data (never rendered) at one level only, such as add_host's variables at inventoryHost. */
  literal: Partial<Record<VarLevel, ReadonlySet<string>>> = {},
): Vars {
  const out: Vars = {};
  const winner = new Map<string, { value: unknown; data: boolean }>();
  for (const level of VAR_LEVELS) {
    const layer = levels[level];
    if (!layer) continue;
    const names = literal[level];
    for (const [k, v] of Object.entries(layer)) winner.set(k, { value: v, data: DATA_LEVELS.has(level) || names?.has(k) === true });
  }
  for (const [k, v] of Object.entries(magic)) winner.set(k, { value: v, data: true });
  const rendering = new Set<string>();
  for (const [name, { value, data }] of winner) {
    if (data || !containsTemplate(value)) {
      out[name] = value;
      continue;
    }
    let cached: { value: unknown } | undefined;
    Object.defineProperty(out, name, {
      enumerable: true,
      configurable: true,
      get() {
        if (cached) return cached.value;
        if (rendering.has(name)) throw SourceError.at(pos, `variable "${name}" refers to itself (through ${[...rendering].join(' → ')})`);
        rendering.add(name);
        try {
          cached = { value: engine.render(value, out, pos) };
        } finally {
          rendering.delete(name);
        }
        return cached.value;
      },
    });
  }
  return out;
}
