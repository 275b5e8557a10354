/**
 * Playbook files → the validated Model. Everything is loaded and checked before any host is contacted: plays,
 * import_playbook, roles and dependencies, included files, module arguments, template syntax, referenced files.
 * Every problem found is collected and thrown at once as one SourceError, sorted by file and line.
 */
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { SourceError, type Problem } from '../core/errors.js';
import type { Block, Play, Playbook, Task, VarPrompt, Vars } from '../core/model.js';
import type { Position } from '../core/position.js';
import type { ModuleRegistry } from '../core/registry.js';
import { importPlaybookSchema, playSchema } from '../schema/play.js';
import { isFile, isMapping, isTemplated, LoadContext, newPlayState, type PlayState, type TemplateChecker } from './context.js';
import { parseTags, unionTags } from './keywords.js';
import { loadRoleEntry } from './roles.js';
import { loadHandlerList, loadTaskList, type IncludeLink, type TaskScope } from './tasks.js';
import { checkSchema } from './validate.js';
import type { YamlFile } from './yaml.js';

export interface LoadPlaybookOptions {
  registry: ModuleRegistry;
  /** The template engine (src/template); the loader only asks it to check syntax. */
  templates: TemplateChecker;
  /** For the working directory's roles/ and for relative paths in messages. */
  cwd?: string;
  /** From RUN_PLAYBOOK_ROLES_PATH (':'-separated) and the project config. */
  rolesPath?: string[];
  /** run-playbook's own roles/ (last in the search path). */
  bundledRolesDir?: string;
}

export async function loadPlaybook(files: string | string[], opts: LoadPlaybookOptions): Promise<Playbook> {
  const cwd = opts.cwd ?? process.cwd();
  const list = (Array.isArray(files) ? files : [files]).map((f) => resolve(cwd, f));
  const ctx = new LoadContext({
    registry: opts.registry,
    templates: opts.templates,
    cwd,
    rolesPath: opts.rolesPath ?? [],
    ...(opts.bundledRolesDir ? { bundledRolesDir: opts.bundledRolesDir } : {}),
  });
  const plays: Play[] = [];
  for (const file of list) {
    if (!isFile(file)) {
      ctx.add({ file, line: 1, col: 1 }, `playbook "${relative(cwd, file) || file}" not found`);
      continue;
    }
    plays.push(...loadPlaybookFile(ctx, file, []));
  }
  if (ctx.problems.length > 0) throw new SourceError(sortProblems(ctx.problems));
  const first = list[0] ?? resolve(cwd, 'site.yml');
  return { file: first, dir: dirname(first), plays };
}

/** By file, then line and column; the same problem reached twice (a file included twice) is shown once. */
export function sortProblems(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems
    .filter((p) => {
      const id = `${p.file}\u0000${p.line}\u0000${p.col}\u0000${p.message}`;
      if (seen.has(id)) return false;
      seen.add(id);
      return true;
    })
    .sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.col - b.col));
}

const EXAMPLE = 'a playbook is a list of plays:\n- hosts: all\n  tasks:\n    - debug: msg=hello';

function loadPlaybookFile(ctx: LoadContext, file: string, chain: IncludeLink[]): Play[] {
  const yaml = ctx.readYaml(file);
  if (!yaml) return [];
  const data = yaml.data;
  if (data === null || data === undefined || (Array.isArray(data) && data.length === 0)) {
    ctx.add(yaml.valuePos([]), 'the playbook is empty', EXAMPLE);
    return [];
  }
  if (!Array.isArray(data)) {
    const what = isMapping(data) ? 'a mapping' : typeof data;
    ctx.add(yaml.valuePos([]), `a playbook must be a list of plays, not ${what}`, isMapping(data) && 'hosts' in data ? 'put "- " before the first key of the play' : EXAMPLE);
    return [];
  }
  const plays: Play[] = [];
  data.forEach((entry, i) => {
    const saved = ctx.playbookDir;
    ctx.playbookDir = dirname(file);
    try {
      if (!isMapping(entry)) {
        ctx.add(yaml.valuePos([i]), `a play must be a mapping (got ${Array.isArray(entry) ? 'a list' : JSON.stringify(entry)})`, EXAMPLE);
      } else if ('import_playbook' in entry || 'ansible.builtin.import_playbook' in entry) {
        plays.push(...importPlaybook(ctx, yaml, i, entry, [...chain, { file }]));
      } else {
        const play = loadPlay(ctx, yaml, i, entry, [...chain, { file }]);
        if (play) plays.push(play);
      }
    } finally {
      ctx.playbookDir = saved;
    }
  });
  return plays;
}

function importPlaybook(ctx: LoadContext, yaml: YamlFile, i: number, raw: Record<string, unknown>, chain: IncludeLink[]): Play[] {
  const entry = 'import_playbook' in raw ? raw : { ...raw, import_playbook: raw['ansible.builtin.import_playbook'], 'ansible.builtin.import_playbook': undefined };
  delete entry['ansible.builtin.import_playbook'];
  ctx.addAll(checkSchema(importPlaybookSchema, entry, { subject: 'import_playbook', noun: 'key', posOf: (s, k) => (k ? yaml.keyPos([i, ...s]) : yaml.valuePos([i, ...s])) }));
  const target = entry.import_playbook;
  const keyName = 'import_playbook' in raw ? 'import_playbook' : 'ansible.builtin.import_playbook';
  const pos = yaml.valuePos([i, keyName]);
  if (typeof target !== 'string') return [];
  if (isTemplated(target)) {
    ctx.add(pos, `import_playbook: the file name "${target}" is templated; it must be fixed so it is checked before the run`);
    return [];
  }
  if (entry.when !== undefined) ctx.add(yaml.keyPos([i, 'when']), 'when: on import_playbook is not supported', 'put the condition on the plays or tasks of the imported playbook');
  const file = isAbsolute(target) ? target : resolve(dirname(yaml.file), target);
  if (!isFile(file)) {
    ctx.add(pos, `import_playbook: file "${target}" not found`, `looked for ${relative(ctx.settings.cwd, file) || file}`);
    return [];
  }
  const loopAt = chain.findIndex((l) => l.file === file);
  if (loopAt >= 0) {
    const files = [...chain.slice(loopAt).map((l) => l.file), file].map((f) => relative(ctx.settings.cwd, f) || f);
    ctx.add(pos, `import loop: ${files.join(' → ')}`, 'a playbook cannot import itself, directly or through other playbooks');
    return [];
  }
  const tags = parseTags(entry.tags);
  const vars = isMapping(entry.vars) ? entry.vars : {};
  return loadPlaybookFile(ctx, file, chain).map((play) => ({ ...play, tags: unionTags(tags, play.tags), vars: { ...vars, ...play.vars } }));
}

function loadPlay(ctx: LoadContext, yaml: YamlFile, i: number, raw: Record<string, unknown>, chain: IncludeLink[]): Play | undefined {
  const pos = yaml.valuePos([i]);
  const hostsText = Array.isArray(raw.hosts) ? raw.hosts.map(String).join(':') : typeof raw.hosts === 'string' ? raw.hosts : undefined;
  const name = typeof raw.name === 'string' ? raw.name : hostsText?.trim() ? hostsText : `#${i + 1}`;
  const subject = `play "${name}"`;
  ctx.addAll(checkSchema(playSchema, raw, { subject, noun: 'key', posOf: (s, k) => (k ? yaml.keyPos([i, ...s]) : yaml.valuePos([i, ...s])) }));
  for (const key of ['name', 'hosts', 'vars', 'remote_user', 'become_user', 'environment'] as const) {
    if (raw[key] !== undefined) ctx.checkStrings(raw[key], yaml, [i, key], pos);
  }
  const state: PlayState = newPlayState();
  const tags = parseTags(raw.tags);
  const scope: TaskScope = { yaml, dir: dirname(yaml.file), chain, roleChain: [], tags, play: state };
  const list = (key: string) => loadTaskList(ctx, scope, raw[key], [i, key]);

  const varsFiles = loadVarsFiles(ctx, yaml, i, raw.vars_files);
  const varsPrompt = loadVarsPrompt(ctx, yaml, i, raw.vars_prompt);
  const roles: Block[] = [];
  if (Array.isArray(raw.roles)) {
    raw.roles.forEach((entry, j) => {
      const block = loadRoleEntry(ctx, state, yaml, [i, 'roles', j], entry, { roleChain: [], includeChain: chain, tags });
      if (block) roles.push(block);
    });
  }
  const preTasks = list('pre_tasks');
  const tasks = list('tasks');
  const postTasks = list('post_tasks');
  const ownHandlers = loadHandlerList(ctx, scope, raw.handlers, [i, 'handlers']);
  if (hostsText === undefined) return undefined;
  // Ansible refuses this too ("Hosts list cannot be empty"); an empty pattern would otherwise match no host silently.
  if (hostsText.trim() === '') {
    ctx.add(yaml.valuePos([i, 'hosts']), `hosts on ${subject} is empty`, 'name a host pattern, e.g. hosts: all');
    return undefined;
  }

  const play: Play = {
    kind: 'play',
    pos,
    name,
    hosts: hostsText,
    hostsPos: typeof raw.hosts === 'string' ? yaml.textPos([i, 'hosts']) : yaml.valuePos([i, 'hosts']),
    file: yaml.file,
    vars: isMapping(raw.vars) ? (raw.vars as Vars) : {},
    varsFiles,
    ...(varsPrompt.length > 0 ? { varsPrompt } : {}),
    gatherFacts: typeof raw.gather_facts === 'boolean' ? raw.gather_facts : true,
    strategy: raw.strategy === 'free' ? 'free' : 'linear',
    anyErrorsFatal: raw.any_errors_fatal === true,
    tags,
    roles,
    preTasks,
    tasks,
    postTasks,
    handlers: [...ownHandlers, ...state.handlers],
    taskDefaults: playTaskDefaults(raw),
    connectionDefaults: {
      ...(typeof raw.connection === 'string' ? { ansible_connection: raw.connection } : {}),
      ...(typeof raw.port === 'number' ? { ansible_port: raw.port } : {}),
    },
  };
  if (typeof raw.force_handlers === 'boolean') play.forceHandlers = raw.force_handlers;
  if (typeof raw.order === 'string') play.order = raw.order as NonNullable<Play['order']>;
  if (raw.become_method !== undefined && raw.become_method !== 'sudo') {
    ctx.add(yaml.valuePos([i, 'become_method']), `become_method "${String(raw.become_method)}" is not supported`, 'run-playbook becomes other users with sudo only');
  }
  if (typeof raw.remote_user === 'string') play.remoteUser = raw.remote_user;
  if (typeof raw.become === 'boolean') play.become = raw.become;
  if (typeof raw.become_user === 'string') play.becomeUser = raw.become_user;
  if (typeof raw.max_fail_percentage === 'number') play.maxFailPercentage = raw.max_fail_percentage;
  if (isMapping(raw.environment) || typeof raw.environment === 'string') play.environment = raw.environment as Vars | string;
  const serial = raw.serial;
  if (typeof serial === 'number' || typeof serial === 'string') play.serial = [serial];
  else if (Array.isArray(serial)) play.serial = serial.filter((s): s is number | string => typeof s === 'number' || typeof s === 'string');
  if (play.serial) checkSerial(ctx, yaml, i, serial);
  checkNotify(ctx, play);
  return play;
}

function playTaskDefaults(raw: Record<string, unknown>): Play['taskDefaults'] {
  const d: Play['taskDefaults'] = {};
  if (typeof raw.ignore_errors === 'boolean') d.ignoreErrors = raw.ignore_errors;
  if (typeof raw.ignore_unreachable === 'boolean') d.ignoreUnreachable = raw.ignore_unreachable;
  if (typeof raw.no_log === 'boolean' || typeof raw.no_log === 'string') d.noLog = raw.no_log;
  if (typeof raw.check_mode === 'boolean') d.checkMode = raw.check_mode;
  if (typeof raw.diff === 'boolean') d.diff = raw.diff;
  if (typeof raw.throttle === 'number' || typeof raw.throttle === 'string') d.throttle = raw.throttle;
  return d;
}

/** serial strings must be a count or a percentage ("30%"), or a template resolved at run time. */
function checkSerial(ctx: LoadContext, yaml: YamlFile, i: number, raw: unknown): void {
  const items = Array.isArray(raw) ? raw : [raw];
  items.forEach((s, j) => {
    if (typeof s === 'string' && !/^\s*\d+(\.\d+)?\s*%?\s*$/.test(s) && !isTemplated(s)) {
      ctx.add(yaml.valuePos(Array.isArray(raw) ? [i, 'serial', j] : [i, 'serial']), `serial must be a number or a percentage such as "30%" (got ${JSON.stringify(s)})`);
    }
  });
}

function loadVarsFiles(ctx: LoadContext, yaml: YamlFile, i: number, value: unknown): Vars {
  const names = typeof value === 'string' ? [value] : Array.isArray(value) ? value : [];
  const merged: Vars = {};
  names.forEach((name, j) => {
    if (typeof name !== 'string') return;
    const pos = yaml.valuePos(Array.isArray(value) ? [i, 'vars_files', j] : [i, 'vars_files']);
    if (isTemplated(name)) {
      ctx.add(pos, `vars_files: the file name "${name}" is templated; it must be fixed so it is checked before the run`, 'load per-host files with include_vars instead');
      return;
    }
    const file = resolve(dirname(yaml.file), name);
    if (!isFile(file)) {
      ctx.add(pos, `vars file "${name}" not found`, `looked for ${relative(ctx.settings.cwd, file) || file}`);
      return;
    }
    const vars = ctx.readYaml(file);
    if (!vars || vars.data === null || vars.data === undefined) return;
    if (!isMapping(vars.data)) {
      ctx.add(vars.valuePos([]), 'a vars file must be a mapping of names to values');
      return;
    }
    ctx.checkStrings(vars.data, vars, [], vars.valuePos([]));
    Object.assign(merged, vars.data);
  });
  return merged;
}

/** A notify naming no handler (by name or listen) is a typo that Ansible only finds mid-run. */
function checkNotify(ctx: LoadContext, play: Play): void {
  const known = new Set<string>();
  // A role's handler also answers to `role : name`, as the executor (run/handlers.ts) and Ansible accept.
  const addHandlers = (hs: Task[]): void =>
    hs.forEach((h) => [h.name, ...h.listen, h.name && h.role ? `${h.role.name} : ${h.name}` : undefined].forEach((n) => n && known.add(n)));
  addHandlers(play.handlers);
  const notifies: Array<{ name: string; pos: Position }> = [];
  const walk = (nodes: Play['tasks']): void => {
    for (const n of nodes) {
      if (n.kind === 'task') n.notify.forEach((name) => notifies.push({ name, pos: ctx.notifyPositions.get(n) ?? n.pos }));
      else if (n.kind === 'block') [n.block, n.rescue, n.always].forEach(walk);
      else {
        addHandlers(n.handlers);
        walk(n.tasks);
      }
    }
  };
  [play.roles, play.preTasks, play.tasks, play.postTasks, play.handlers].forEach(walk);
  for (const { name, pos } of notifies) {
    if (!known.has(name) && !isTemplated(name)) ctx.add(pos, `notify: no handler is named or listens to "${name}"`, known.size > 0 ? `handlers: ${[...known].join(', ')}` : 'add it under handlers:');
  }
}

/** vars_prompt entries (the schema checked their shape); `encrypt` needs passlib in Ansible and is refused here. */
function loadVarsPrompt(ctx: LoadContext, yaml: YamlFile, i: number, value: unknown): VarPrompt[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((entry: unknown, j): VarPrompt[] => {
    if (!isMapping(entry) || typeof entry.name !== 'string') return [];
    const pos = yaml.valuePos([i, 'vars_prompt', j]);
    if (entry.encrypt !== undefined) {
      ctx.add(yaml.keyPos([i, 'vars_prompt', j, 'encrypt']), `vars_prompt "${entry.name}": encrypt is not supported`, 'hash the value with a template helper or outside the run, and pass it with -e');
      return [];
    }
    return [{
      name: entry.name,
      prompt: typeof entry.prompt === 'string' ? entry.prompt : entry.name,
      ...(entry.default !== undefined && entry.default !== null ? { default: String(entry.default) } : {}),
      private: entry.private !== false,
      confirm: entry.confirm === true,
      pos,
    }];
  });
}
