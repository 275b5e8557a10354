/**
 * Roles in Ansible's layout: found on the search path, defaults/vars read, meta dependencies expanded before the
 * role (cycles reported with the chain). Ansible's dedupe happens at run time (run/nodes.ts): a repeated reference
 * keeps its place in the task list and shares its RoleInstance with the first, so a host that already ran it skips
 * the repeat while a host on which it was skipped (a false `when`, tags not selected) runs it.
 */
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Block, NodeCommon, RoleInstance, Task, Vars } from '../core/model.js';
import type { Position } from '../core/position.js';
import { roleEntrySchema, roleMetaSchema } from '../schema/task.js';
import { findYaml, isDir, isMapping, isTemplated, type LoadContext, type PlayState } from './context.js';
import { parseCommon } from './keywords.js';
import { searchRole } from './roleSearch.js';
import { loadHandlerList, loadTaskList, type IncludeLink } from './tasks.js';
import { checkSchema } from './validate.js';
import type { YamlFile, YamlPath } from './yaml.js';

export interface RoleLink {
  path: string;
  name: string;
  pos: Position;
}

export interface RoleRequest {
  name: string;
  /** Where the reference was written: errors about the role point here. */
  pos: Position;
  params: Vars;
  from?: { tasks?: string; vars?: string; defaults?: string; handlers?: string };
  parent?: RoleInstance;
  roleChain: RoleLink[];
  includeChain: IncludeLink[];
  /** `roles:` and dependencies run once per host per distinct reference; include_role/import_role always run. */
  dedupe: boolean;
  /**
   * What makes two references the same role for the dedupe, as Ansible's role cache key: the params, the entry's
   * `vars`, `when` and `tags` as written (so `{role: x, tags: [t]}` is not `x`).
   */
  identity?: unknown;
  /** include_role: its handlers travel with the Include node instead of joining the play once. */
  dynamic?: boolean;
  /** Keywords written on the reference (when, tags, become…): they become the role block's. */
  common: NodeCommon;
}

export type RoleLoad = { instance: RoleInstance; block: Block; handlers: Task[] } | undefined;

const ROLE_ENTRY_KEYWORDS = new Set(Object.keys(roleEntrySchema.properties));

const stableJson = (value: unknown): string =>
  JSON.stringify(value, (_k, v: unknown) => (isMapping(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v));

const at = (p: Position): string => `${p.file}:${p.line}:${p.col}`;

export function instantiateRole(ctx: LoadContext, play: PlayState, req: RoleRequest): RoleLoad {
  const { name } = req;
  if (isTemplated(name)) {
    ctx.add(req.pos, `role name "${name}" is templated; role names must be fixed so the role is checked before any host is touched`);
    return undefined;
  }
  const { cwd, rolesPath, bundledRolesDir } = ctx.settings;
  const siblingDir = req.parent ? join(req.parent.path, '..') : undefined;
  const lookup = searchRole(name, { playbookDir: ctx.playbookDir, cwd, rolesPath, ...(bundledRolesDir ? { bundledRolesDir } : {}), ...(siblingDir ? { siblingDir } : {}) });
  if (!lookup.ok) {
    ctx.add(req.pos, `role "${name}" not found`, `looked in: ${[...new Set(lookup.searched.map((s) => relative(cwd, s) || s))].join(', ')}`);
    return undefined;
  }
  const path = lookup.path;
  const cycleAt = req.roleChain.findIndex((l) => l.path === path);
  if (cycleAt >= 0) {
    const links = [...req.roleChain.slice(cycleAt), { path, name, pos: req.pos }];
    ctx.add(req.pos, `cyclic role dependency: ${links.map((l) => l.name).join(' → ')}`, links.map((l) => `${l.name} (${at(shownPos(ctx, l.pos))})`).join(' → '));
    return undefined;
  }

  const metaFile = findYaml(join(path, 'meta'), 'main');
  const meta = metaFile ? ctx.readYaml(metaFile) : undefined;
  const metaData = meta && isMapping(meta.data) ? meta.data : {};
  if (meta) {
    ctx.addAll(checkSchema(roleMetaSchema, meta.data, { subject: `role "${name}" meta`, noun: 'key', posOf: (s, k) => (k ? meta.keyPos(s) : meta.valuePos(s)) }));
  }
  const dedupeKey = `${path}\u0000${stableJson(req.identity ?? req.params)}\u0000${stableJson(req.from ?? {})}`;
  const once = req.dedupe && metaData.allow_duplicates !== true;
  const seen = once ? play.seenRoles.get(dedupeKey) : undefined;

  const instance: RoleInstance = seen ?? {
    name: name.split('/').pop() ?? name,
    path,
    defaults: readVarsFile(ctx, join(path, 'defaults'), req.from?.defaults, req.pos),
    vars: readVarsFile(ctx, join(path, 'vars'), req.from?.vars, req.pos),
    params: req.params,
    dependencies: [],
    ...(req.parent ? { parent: req.parent } : {}),
  };
  if (once && !seen) play.seenRoles.set(dedupeKey, instance);
  const roleChain = [...req.roleChain, { path, name, pos: req.pos }];
  const tags = req.common.tags;

  const depBlocks: Block[] = [];
  if (meta && Array.isArray(metaData.dependencies)) {
    metaData.dependencies.forEach((entry, i) => {
      const dep = loadRoleEntry(ctx, play, meta, ['dependencies', i], entry, { parent: instance, roleChain, includeChain: req.includeChain, tags });
      if (dep) {
        depBlocks.push(dep);
        if (dep.role && !seen) instance.dependencies.push(dep.role);
      }
    });
  }

  const tasksFile = findYaml(join(path, 'tasks'), req.from?.tasks ?? 'main');
  if (!tasksFile && req.from?.tasks) ctx.add(req.pos, `role "${name}" has no tasks/${req.from.tasks}.yml`, `looked in ${relative(cwd, join(path, 'tasks')) || path}`);
  let tasks: Block['block'] = [];
  if (tasksFile) {
    const yaml = ctx.readYaml(tasksFile);
    if (yaml) {
      const scope = { yaml, dir: join(path, 'tasks'), role: instance, chain: [...req.includeChain, { file: tasksFile, pos: req.pos }], roleChain, tags, play };
      tasks = loadTaskList(ctx, scope, yaml.data, []);
    }
  }

  const handlers: Task[] = [];
  const handlersFile = findYaml(join(path, 'handlers'), req.from?.handlers ?? 'main');
  if (!handlersFile && req.from?.handlers) ctx.add(req.pos, `role "${name}" has no handlers/${req.from.handlers}.yml`);
  if (handlersFile && (req.dynamic || !play.handlerFiles.has(handlersFile))) {
    if (!req.dynamic) play.handlerFiles.add(handlersFile);
    const yaml = ctx.readYaml(handlersFile);
    if (yaml) {
      const scope = { yaml, dir: join(path, 'handlers'), role: instance, chain: [...req.includeChain, { file: handlersFile, pos: req.pos }], roleChain, tags, play };
      handlers.push(...loadHandlerList(ctx, scope, yaml.data, []));
    }
  }

  const block: Block = { ...req.common, vars: {}, kind: 'block', name: req.common.name ?? instance.name, role: instance, block: [...depBlocks, ...tasks], rescue: [], always: [], ...(once ? { roleOnce: true } : {}) };
  return { instance, block, handlers };
}

/**
 * defaults/main.yml or vars/main.yml (or the `*_from` file): a mapping, or nothing. As in Ansible, `main` may also
 * be a folder (`defaults/main/*.yml`, big roles split their defaults so): its files, recursively in name order,
 * are merged, later files winning.
 */
function readVarsFile(ctx: LoadContext, dir: string, from: string | undefined, refPos: Position): Vars {
  const base = from ?? 'main';
  const file = findYaml(dir, base);
  const files = file ? [file] : isDir(join(dir, base)) ? varsFilesIn(join(dir, base)) : undefined;
  if (!files) {
    if (from) ctx.add(refPos, `vars file "${from}" not found in ${relative(ctx.settings.cwd, dir) || dir}`);
    return {};
  }
  const vars: Vars = {};
  for (const f of files) {
    const yaml = ctx.readYaml(f);
    if (!yaml || yaml.data === null || yaml.data === undefined) continue;
    if (!isMapping(yaml.data)) {
      ctx.add(yaml.valuePos([]), 'a vars file must be a mapping of names to values');
      continue;
    }
    ctx.checkStrings(yaml.data, yaml, [], yaml.valuePos([]));
    Object.assign(vars, yaml.data);
  }
  return vars;
}

function varsFilesIn(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir).sort()) {
    if (entry.startsWith('.') || entry.endsWith('~')) continue;
    const path = join(dir, entry);
    if (isDir(path)) out.push(...varsFilesIn(path));
    else if (/\.(ya?ml|json)$/.test(entry)) out.push(path);
  }
  return out;
}

export interface RoleEntryContext {
  parent?: RoleInstance;
  roleChain: RoleLink[];
  includeChain: IncludeLink[];
  tags: string[];
}

/** One entry of a play's `roles:` or a meta `dependencies:` list → the role's block (undefined when broken). */
export function loadRoleEntry(ctx: LoadContext, play: PlayState, yaml: YamlFile, path: YamlPath, value: unknown, opts: RoleEntryContext): Block | undefined {
  let name: unknown;
  let raw: Record<string, unknown> = {};
  let namePath: YamlPath = path;
  if (typeof value === 'string') name = value;
  else if (isMapping(value)) {
    raw = value;
    name = value.role ?? value.name;
    namePath = [...path, value.role !== undefined ? 'role' : 'name'];
    ctx.addAll(checkSchema(roleEntrySchema, value, { subject: 'role entry', noun: 'key', posOf: (s, k) => (k ? yaml.keyPos([...path, ...s]) : yaml.valuePos([...path, ...s])) }));
  }
  if (typeof name !== 'string' || name === '') {
    ctx.add(yaml.valuePos(path), 'a role entry needs the role name', 'write "- rolename" or "- role: rolename"');
    return undefined;
  }
  const keywords: Record<string, unknown> = {};
  const params: Vars = isMapping(raw.vars) ? { ...raw.vars } : {};
  for (const [k, v] of Object.entries(raw)) {
    if (k === 'role' || k === 'name' || k === 'vars') continue;
    if (ROLE_ENTRY_KEYWORDS.has(k)) keywords[k] = v;
    else params[k] = v;
  }
  for (const k of Object.keys(params)) {
    const p = isMapping(raw.vars) && k in raw.vars && !(k in raw) ? [...path, 'vars', k] : [...path, k];
    ctx.checkStrings(params[k], yaml, p, yaml.valuePos(path));
  }
  const common = parseCommon(ctx, { yaml, path, raw: keywords }, opts.tags, opts.parent);
  const loaded = instantiateRole(ctx, play, {
    name,
    pos: yaml.valuePos(namePath),
    params,
    ...(opts.parent ? { parent: opts.parent } : {}),
    roleChain: opts.roleChain,
    includeChain: opts.includeChain,
    dedupe: true,
    identity: { params: Object.fromEntries(Object.entries(raw).filter(([k]) => !ROLE_ENTRY_KEYWORDS.has(k) && k !== 'role' && k !== 'name')), vars: raw.vars, when: raw.when, tags: raw.tags },
    common,
  });
  if (!loaded) return undefined;
  play.handlers.push(...loaded.handlers);
  return loaded.block;
}

const shownPos = (ctx: LoadContext, p: Position): Position => ({ ...p, file: relative(ctx.settings.cwd, p.file) || p.file });
