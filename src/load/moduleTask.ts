/** A task that runs one module: find its module key, parse its arguments (mapping, k=v, free text) and validate them. */
import type { Task } from '../core/model.js';
import type { Position } from '../core/position.js';
import type { AnyModule } from '../core/registry.js';
import { taskKeywordsSchema, unsupportedTaskKeywords } from '../schema/task.js';
import { isMapping, isTemplated, type LoadContext } from './context.js';
import { checkFileArgs } from './files.js';
import { parseConditions, parseCommon, parseCount, parseLoop, toStringList, type NodeSource } from './keywords.js';
import { coerceKvValue, FREE_FORM_PARAMS, parseKv } from './kv.js';
import { closest } from './suggest.js';
import type { TaskScope } from './tasks.js';
import { checkModuleArgs, checkSchema } from './validate.js';
import type { YamlPath } from './yaml.js';

export const TASK_KEYWORDS: ReadonlySet<string> = new Set(Object.keys(taskKeywordsSchema.properties));
/** Keywords that make a mapping something other than a module task; offered in "did you mean" too. */
export const STRUCTURE_KEYWORDS = ['block', 'rescue', 'always', 'include_tasks', 'import_tasks', 'include_role', 'import_role'];
const ALL_KEYWORDS = [...TASK_KEYWORDS, ...STRUCTURE_KEYWORDS];

/** `ansible.builtin.apt` / `ansible.legacy.apt` → `apt` when the registry knows the short name. */
export function resolveModuleName(ctx: LoadContext, key: string): AnyModule | undefined {
  const { registry } = ctx.settings;
  const direct = registry.get(key);
  if (direct) return direct;
  const m = /^ansible\.(?:builtin|legacy)\.(\w+)$/.exec(key);
  return m ? registry.get(m[1]!) : undefined;
}

/**
 * The old spellings ported roles still use: `action: apt name=x` (or `{module: apt, name: x}`) is the task
 * `apt: name=x`; `local_action:` is the same with `delegate_to: localhost`.
 */
function unwrapAction(src: NodeSource): NodeSource {
  const key = src.raw.local_action !== undefined ? 'local_action' : src.raw.action !== undefined ? 'action' : undefined;
  if (!key) return src;
  const value = src.raw[key];
  let module: string | undefined;
  let args: unknown;
  if (typeof value === 'string') {
    const m = /^\s*(\S+)\s*([\s\S]*)$/.exec(value);
    module = m?.[1];
    args = m?.[2] ?? '';
  } else if (isMapping(value) && typeof (value as Record<string, unknown>).module === 'string') {
    const { module: name, ...rest } = value as Record<string, unknown>;
    module = name as string;
    args = rest;
  }
  if (!module) return src;
  const { [key]: _written, ...others } = src.raw;
  return { ...src, raw: { ...others, [module]: args, ...(key === 'local_action' ? { delegate_to: 'localhost' } : {}) } };
}

export function loadModuleTask(ctx: LoadContext, scope: TaskScope, written: NodeSource): Task | undefined {
  const src = unwrapAction(written);
  const { yaml, path, raw } = src;
  const label = typeof raw.name === 'string' ? raw.name : undefined;
  const candidates = Object.keys(raw).filter((k) => !TASK_KEYWORDS.has(k));
  const found: Array<{ key: string; module: AnyModule }> = [];
  const unknown: string[] = [];
  for (const key of candidates) {
    // Harmless in ported roles: sudo is what run-playbook uses anyway.
    if (key === 'become_method' && raw[key] === 'sudo') continue;
    if (key in unsupportedTaskKeywords) {
      ctx.add(yaml.keyPos([...path, key]), `"${key}" is not supported on a task`, unsupportedTaskKeywords[key]);
      continue;
    }
    const module = resolveModuleName(ctx, key);
    if (module) found.push({ key, module });
    else unknown.push(key);
  }
  const subjectName = label ?? found[0]?.module.name;
  const subject = subjectName ? `task "${subjectName}"` : 'task';
  const moduleNames = unknown.length > 0 ? ctx.settings.registry.names() : [];
  for (const key of unknown) {
    const kw = closest(key, ALL_KEYWORDS);
    const short = key.replace(/^ansible\.(builtin|legacy)\./, '');
    const mod = closest(short, moduleNames);
    const pos = yaml.keyPos([...path, key]);
    if (found.length > 0 || (kw && (!mod || kw.distance <= mod.distance))) {
      ctx.add(pos, `unknown key "${key}" on ${subject}${kw ? ` — did you mean "${kw.name}"?` : ''}`);
    } else {
      ctx.add(pos, `unknown module "${key}"${mod ? ` — did you mean "${mod.name}"?` : ''}`, mod ? undefined : `the modules run-playbook knows: ${moduleNames.join(', ')}`);
    }
  }
  if (found.length > 1) {
    ctx.add(yaml.keyPos([...path, found[1]!.key]), `${subject} has two modules: "${found[0]!.key}" and "${found[1]!.key}"`, 'a task runs exactly one module; split it into two tasks');
  }
  if (found.length === 0) {
    if (unknown.length === 0) {
      ctx.add(yaml.valuePos(path), `${subject} has no module`, 'add the module to run, e.g. `debug: msg=hello`, or use block:/include_tasks:');
    }
    return undefined;
  }
  const { key: moduleKey, module } = found[0]!;

  const keywords: Record<string, unknown> = {};
  for (const k of Object.keys(raw)) if (TASK_KEYWORDS.has(k)) keywords[k] = raw[k];
  ctx.addAll(
    checkSchema(taskKeywordsSchema, keywords, {
      subject,
      noun: 'key',
      posOf: (segs, key) => (key ? yaml.keyPos([...path, ...segs]) : yaml.valuePos([...path, ...segs])),
    }),
  );

  const common = parseCommon(ctx, src, scope.tags, scope.role);
  const { args, argPos, unreadable } = parseArgs(ctx, src, moduleKey, module);
  // Arguments that could not be read are already reported; "missing required" on top of that would be noise.
  if (!unreadable) ctx.addAll(
    checkModuleArgs(module, args, {
      subject: `module "${module.name}"`,
      noun: 'argument',
      isDeferred: isTemplated,
      posOf: (segs, key) => {
        if (segs.length === 0) return yaml.keyPos([...path, moduleKey]);
        const top = String(segs[0]);
        const at = argPos.get(top);
        if (at?.yamlPath) return key ? yaml.keyPos([...at.yamlPath, ...segs.slice(1)]) : yaml.valuePos([...at.yamlPath, ...segs.slice(1)]);
        return at?.pos ?? yaml.keyPos([...path, moduleKey]);
      },
    }),
  );
  const argPositions: Record<string, Position> = {};
  for (const [name, at] of argPos) argPositions[name] = at.pos;
  checkArgTemplates(ctx, module, args, argPos, src);
  checkFileArgs(ctx, module.name, args, (name) => argPositions[name] ?? yaml.keyPos([...path, moduleKey]), scope.role);

  for (const key of ['notify', 'listen', 'register', 'retries', 'delay']) {
    if (raw[key] !== undefined) ctx.checkStrings(raw[key], yaml, [...path, key], common.pos);
  }
  const task: Task = {
    ...common,
    kind: 'task',
    module: module.name,
    args,
    argPositions,
    notify: toStringList(raw.notify),
    failedWhen: parseConditions(ctx, src, 'failed_when'),
    changedWhen: parseConditions(ctx, src, 'changed_when'),
    until: parseConditions(ctx, src, 'until'),
    listen: toStringList(raw.listen),
    ...parseLoop(ctx, src),
  };
  if (raw.notify !== undefined) ctx.notifyPositions.set(task, yaml.valuePos([...path, 'notify']));
  if (typeof raw.register === 'string') task.register = raw.register;
  const retries = parseCount(ctx, src, 'retries', subject);
  if (retries !== undefined) task.retries = retries;
  const delay = parseCount(ctx, src, 'delay', subject);
  if (delay !== undefined) task.delay = delay;
  if (task.until.length > 0 && task.retries === undefined) task.retries = 3; // Ansible's default with until
  return task;
}

interface ArgSource {
  pos: Position;
  /** Set when the argument was written as YAML (mapping form), so nested problems point inside it. */
  yamlPath?: YamlPath;
}

function parseArgs(ctx: LoadContext, src: NodeSource, moduleKey: string, module: AnyModule): { args: Record<string, unknown>; argPos: Map<string, ArgSource>; unreadable: boolean } {
  const { yaml, path, raw } = src;
  const args: Record<string, unknown> = {};
  const argPos = new Map<string, ArgSource>();
  let unreadable = false;
  const properties = ((module.schema as { properties?: Record<string, unknown> }).properties ?? {}) as Record<string, unknown>;

  const fromMapping = (value: Record<string, unknown>, at: YamlPath): void => {
    for (const [k, v] of Object.entries(value)) {
      args[k] = v;
      argPos.set(k, { pos: yaml.keyPos([...at, k]), yamlPath: [...at, k] });
    }
  };
  const argsKw = raw.args;
  if (isMapping(argsKw)) fromMapping(argsKw, [...path, 'args']);
  else if (typeof argsKw === 'string') ctx.add(yaml.valuePos([...path, 'args']), 'args: must be a mapping', 'write args: {key: value}; a templated args string cannot be checked before the run');

  const value = raw[moduleKey];
  const valuePath = [...path, moduleKey];
  const valuePos = yaml.valuePos(valuePath);
  if (value === null || value === undefined) return { args, argPos, unreadable };
  if (isMapping(value)) {
    fromMapping(value, valuePath);
  } else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    const text = String(value);
    // command/shell keep every other k=v as part of the command; the other free-form modules (include_vars, fail,
    // group_by, meta) take their own arguments as k=v too, as Ansible does: `include_vars: file=x.yml name=v`.
    const lift = !module.freeForm ? undefined
      : module.freeForm === 'cmd' ? FREE_FORM_PARAMS.filter((p) => p in properties || !(module.freeForm! in properties))
      : Object.keys(properties);
    const parsed = parseKv(text, lift);
    if (parsed.error) {
      ctx.add(valuePos, `${parsed.error} for module "${module.name}"`);
      unreadable = true;
    }
    for (const [k, v] of Object.entries(parsed.params)) {
      args[k] = coerceKvValue(v, properties[k]);
      argPos.set(k, { pos: valuePos });
    }
    if (parsed.free) {
      if (module.freeForm) {
        args[module.freeForm] = parsed.free;
        argPos.set(module.freeForm, { pos: valuePos });
      } else {
        unreadable = true;
        ctx.add(valuePos, `module "${module.name}" takes key=value arguments; "${parsed.free}" is not one`, `write e.g. ${moduleKey}: {${Object.keys(properties).slice(0, 2).map((k) => `${k}: …`).join(', ')}}`);
      }
    }
  } else {
    ctx.add(valuePos, `arguments of module "${module.name}" must be a mapping or key=value text (got a list)`);
    unreadable = true;
  }
  return { args, argPos, unreadable };
}

/** Expression arguments (assert's `that`) are conditions; every other templated string is checked as a template. */
function checkArgTemplates(ctx: LoadContext, module: AnyModule, args: Record<string, unknown>, argPos: Map<string, ArgSource>, src: NodeSource): void {
  for (const [name, value] of Object.entries(args)) {
    const at = argPos.get(name);
    const pos = at?.pos ?? src.yaml.valuePos(src.path);
    if (module.expressionArgs?.includes(name)) {
      const items = Array.isArray(value) ? value : [value];
      items.forEach((item, i) => {
        if (typeof item !== 'string') return;
        const p = at?.yamlPath ? src.yaml.textPos(Array.isArray(value) ? [...at.yamlPath, i] : at.yamlPath) : pos;
        ctx.checkCondition({ expr: item, pos: p });
      });
    } else {
      ctx.checkStrings(value, at?.yamlPath ? src.yaml : undefined, at?.yamlPath ?? [], pos);
    }
  }
}

