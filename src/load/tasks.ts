/** Task lists: tasks, blocks, include_tasks/import_tasks and include_role/import_role, loaded and checked statically. */
import { isAbsolute, join, relative } from 'node:path';
import type { Block, Include, NodeCommon, RoleInstance, Task, TaskNode } from '../core/model.js';
import type { Position } from '../core/position.js';
import { blockSchema, includeRoleSchema, includeTasksSchema, roleRefArgsSchema } from '../schema/task.js';
import { folderOf, isFile, isMapping, isTemplated, type LoadContext, type PlayState } from './context.js';
import { parseCommon, parseLoop, type NodeSource } from './keywords.js';
import { loadModuleTask } from './moduleTask.js';
import { instantiateRole, type RoleLink } from './roles.js';
import { checkSchema } from './validate.js';
import type { YamlFile, YamlPath } from './yaml.js';

export interface IncludeLink {
  file: string;
  /** Where the include that brought this file in was written (absent for the root file). */
  pos?: Position;
}

/** Everything a task list needs to know about where it is. */
export interface TaskScope {
  yaml: YamlFile;
  /** Folder of the file being read: relative include_tasks files are looked for here first. */
  dir: string;
  role?: RoleInstance;
  /** Files being included, outermost first (include loop detection). */
  chain: IncludeLink[];
  roleChain: RoleLink[];
  /** Tags inherited from the play, role, block or import around this list. */
  tags: string[];
  play: PlayState;
}

const INCLUDE_KEYS: Record<string, 'include_tasks' | 'import_tasks' | 'include_role' | 'import_role'> = {};
for (const k of ['include_tasks', 'import_tasks', 'include_role', 'import_role'] as const) {
  INCLUDE_KEYS[k] = k;
  INCLUDE_KEYS[`ansible.builtin.${k}`] = k;
  INCLUDE_KEYS[`ansible.legacy.${k}`] = k;
}

const subjectOf = (raw: Record<string, unknown>, fallback: string): string => (typeof raw.name === 'string' ? `${fallback} "${raw.name}"` : fallback);

export function loadTaskList(ctx: LoadContext, scope: TaskScope, value: unknown, path: YamlPath): TaskNode[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    // Under a play or block key (tasks:, rescue:, …) the schema has already said so at this very place; a whole
    // file (a role's tasks/main.yml, an included file) is only checked here.
    if (path.length > 0) return [];
    ctx.add(scope.yaml.valuePos(path), `a task list must be a list (got ${isMapping(value) ? 'a mapping' : typeof value})`, 'start each task with "- "');
    return [];
  }
  const nodes: TaskNode[] = [];
  value.forEach((item, i) => {
    const itemPath = [...path, i];
    if (!isMapping(item)) {
      ctx.add(scope.yaml.valuePos(itemPath), `a task must be a mapping (got ${item === null ? 'nothing' : Array.isArray(item) ? 'a list' : JSON.stringify(item)})`, 'write e.g. "- name: say hi\n  debug: msg=hi"');
      return;
    }
    nodes.push(...loadNode(ctx, scope, { yaml: scope.yaml, path: itemPath, raw: normalizeKeys(item) }));
  });
  return nodes;
}

/** FQCN spellings of our structural keywords become the short ones, so the rest of the loader sees one name. */
function normalizeKeys(raw: Record<string, unknown>): Record<string, unknown> {
  if (!Object.keys(raw).some((k) => k in INCLUDE_KEYS && INCLUDE_KEYS[k] !== k)) return raw;
  return Object.fromEntries(Object.entries(raw).map(([k, v]) => [INCLUDE_KEYS[k] ?? k, v]));
}

function loadNode(ctx: LoadContext, scope: TaskScope, src: NodeSource): TaskNode[] {
  const { raw } = src;
  if ('block' in raw) return [loadBlock(ctx, scope, src)];
  if ('include_tasks' in raw) return loadIncludeTasks(ctx, scope, src, 'include_tasks');
  if ('import_tasks' in raw) return loadIncludeTasks(ctx, scope, src, 'import_tasks');
  if ('include_role' in raw) return loadIncludeRole(ctx, scope, src, 'include_role');
  if ('import_role' in raw) return loadIncludeRole(ctx, scope, src, 'import_role');
  if ('rescue' in raw || 'always' in raw) {
    ctx.add(src.yaml.keyPos([...src.path, 'rescue' in raw ? 'rescue' : 'always']), 'rescue: and always: belong to a block', 'add block: with the tasks they guard');
    return [];
  }
  const task = loadModuleTask(ctx, scope, src);
  return task ? [task] : [];
}

const keywordCheck = (ctx: LoadContext, schema: object, src: NodeSource, subject: string): void =>
  ctx.addAll(
    checkSchema(schema, src.raw, {
      subject,
      noun: 'key',
      posOf: (segs, key) => (key ? src.yaml.keyPos([...src.path, ...segs]) : src.yaml.valuePos([...src.path, ...segs])),
    }),
  );

function loadBlock(ctx: LoadContext, scope: TaskScope, src: NodeSource): Block {
  keywordCheck(ctx, blockSchema, src, subjectOf(src.raw, 'block'));
  const common = parseCommon(ctx, src, scope.tags, scope.role);
  const inner: TaskScope = { ...scope, tags: common.tags };
  const list = (key: string): TaskNode[] => loadTaskList(ctx, inner, src.raw[key], [...src.path, key]);
  return { ...common, kind: 'block', block: list('block'), rescue: list('rescue'), always: list('always') };
}

/** import_* is static: its keywords apply to every imported node, as if written on each. */
export function mergeImport(node: TaskNode, common: NodeCommon): TaskNode {
  // Imported nodes are parsed fresh for each import, so they can take the import's keywords in place.
  node.when = [...common.when, ...node.when];
  node.vars = { ...common.vars, ...node.vars };
  const target = node as unknown as Record<string, unknown>;
  for (const [k, v] of Object.entries(common)) {
    if (k === 'pos' || k === 'name' || k === 'when' || k === 'vars' || k === 'tags' || k === 'role') continue;
    if (target[k] === undefined && v !== undefined) target[k] = v;
  }
  return node;
}

/** Where a relative task file is looked for: beside the including file, the role's tasks/, the playbook's folder. */
export function taskFileCandidates(ctx: LoadContext, scope: TaskScope, name: string): string[] {
  if (isAbsolute(name)) return [name];
  const dirs = [scope.dir, ...(scope.role ? [join(scope.role.path, 'tasks')] : []), ctx.playbookDir];
  return [...new Set(dirs.map((d) => join(d, name)))];
}

export const describeChain = (ctx: LoadContext, files: string[]): string => files.map((f) => relative(ctx.settings.cwd, f) || f).join(' → ');

function loadIncludeTasks(ctx: LoadContext, scope: TaskScope, src: NodeSource, key: 'include_tasks' | 'import_tasks'): TaskNode[] {
  const { yaml, path, raw } = src;
  keywordCheck(ctx, includeTasksSchema, src, subjectOf(raw, key));
  const spec = raw[key];
  const valuePath = isMapping(spec) ? [...path, key, 'file'] : [...path, key];
  const file = isMapping(spec) ? spec.file : spec;
  const pos = yaml.valuePos(valuePath);
  if (typeof file !== 'string' || file === '') {
    ctx.add(pos, `${key} needs a file name`, `write ${key}: other.yml`);
    return [];
  }
  if (isTemplated(file)) {
    ctx.add(pos, `${key}: the file name "${file}" is templated; file names must be fixed so every task is checked before any host is touched`, 'include each file under a `when:` instead');
    return [];
  }
  const common = parseCommon(ctx, src, scope.tags, scope.role);
  const loop = parseLoop(ctx, src);
  const candidates = taskFileCandidates(ctx, scope, file);
  const found = candidates.find(isFile);
  if (!found) {
    ctx.add(pos, `${key}: file "${file}" not found`, `looked in: ${candidates.map((c) => relative(ctx.settings.cwd, c) || c).join(', ')}`);
    return [];
  }
  const loopAt = scope.chain.findIndex((l) => l.file === found);
  if (loopAt >= 0) {
    ctx.add(pos, `include loop: ${describeChain(ctx, [...scope.chain.slice(loopAt).map((l) => l.file), found])}`, 'a file cannot include itself, directly or through other files');
    return [];
  }
  const included = ctx.readYaml(found);
  if (!included) return [];
  if (included.data !== null && included.data !== undefined && !Array.isArray(included.data)) {
    ctx.add(included.valuePos([]), 'a task file must be a list of tasks', 'start each task with "- "');
    return [];
  }
  const innerTags = common.tags;
  let nodes = loadTaskList(ctx, { ...scope, yaml: included, dir: folderOf(found), chain: [...scope.chain, { file: found, pos }], tags: innerTags }, included.data, []);
  if (key === 'import_tasks') {
    if (loop.loop !== undefined) ctx.add(yaml.keyPos(path), 'import_tasks cannot loop', 'use include_tasks to loop over a file');
    return nodes.map((n) => mergeImport(n, common));
  }
  if (isMapping(spec) && isMapping(spec.apply)) nodes = [applyBlock(ctx, scope, src, key, innerTags, nodes)];
  const include: Include = { ...common, vars: {}, kind: 'include', what: 'tasks', target: file, file: found, params: common.vars, tasks: nodes, handlers: [], ...loop };
  return [include];
}

/** include_tasks' `apply:` keywords wrap the included tasks like a block. */
function applyBlock(ctx: LoadContext, scope: TaskScope, src: NodeSource, key: string, tags: string[], nodes: TaskNode[]): Block {
  const applySrc: NodeSource = { yaml: src.yaml, path: [...src.path, key, 'apply'], raw: (src.raw[key] as { apply: Record<string, unknown> }).apply };
  keywordCheck(ctx, { ...blockSchema, required: [] }, applySrc, `${key} apply`);
  const common = parseCommon(ctx, applySrc, tags, scope.role);
  for (const n of nodes) n.tags = [...new Set([...common.tags, ...n.tags])];
  return { ...common, kind: 'block', block: nodes, rescue: [], always: [] };
}

function loadIncludeRole(ctx: LoadContext, scope: TaskScope, src: NodeSource, key: 'include_role' | 'import_role'): TaskNode[] {
  const { yaml, path, raw } = src;
  keywordCheck(ctx, includeRoleSchema, src, subjectOf(raw, key));
  const spec = raw[key];
  if (!isMapping(spec)) return [];
  ctx.addAll(
    checkSchema(roleRefArgsSchema, spec, {
      subject: key,
      noun: 'argument',
      posOf: (segs, k) => (k ? yaml.keyPos([...path, key, ...segs]) : yaml.valuePos([...path, key, ...segs])),
    }),
  );
  const name = spec.name;
  if (typeof name !== 'string') return [];
  const namePos = yaml.valuePos([...path, key, 'name']);
  const common = parseCommon(ctx, src, scope.tags, scope.role);
  const loop = parseLoop(ctx, src);
  const from = (k: string): string | undefined => (typeof spec[k] === 'string' ? (spec[k] as string) : undefined);
  const loaded = instantiateRole(ctx, scope.play, {
    name,
    pos: namePos,
    params: common.vars,
    from: { tasks: from('tasks_from'), vars: from('vars_from'), defaults: from('defaults_from'), handlers: from('handlers_from') },
    parent: scope.role,
    roleChain: scope.roleChain,
    includeChain: scope.chain,
    dedupe: false,
    dynamic: key === 'include_role',
    common: { ...common, vars: {} },
  });
  if (!loaded) return [];
  if (key === 'import_role') {
    if (loop.loop !== undefined) ctx.add(yaml.keyPos(path), 'import_role cannot loop', 'use include_role to loop over a role');
    scope.play.handlers.push(...loaded.handlers);
    return [loaded.block];
  }
  const include: Include = { ...common, vars: {}, kind: 'include', what: 'role', target: name, params: common.vars, tasks: [loaded.block], handlers: loaded.handlers, ...loop };
  return [include];
}

/** Handlers are module tasks; import_tasks inside handlers is flattened, anything dynamic is refused. */
export function loadHandlerList(ctx: LoadContext, scope: TaskScope, value: unknown, path: YamlPath): Task[] {
  const out: Task[] = [];
  const flatten = (node: TaskNode): void => {
    if (node.kind === 'task') out.push(node);
    else if (node.kind === 'block' && node.rescue.length === 0 && node.always.length === 0 && node.role) node.block.forEach(flatten);
    else ctx.add(node.pos, node.kind === 'block' ? 'blocks are not supported in handlers' : 'include_tasks/include_role are not supported in handlers', 'list handler tasks directly, or use import_tasks');
  };
  loadTaskList(ctx, scope, value, path).forEach(flatten);
  return out;
}
