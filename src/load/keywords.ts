/** Keywords shared by tasks, blocks, includes and role entries: conditions, tags, vars, loops. */
import type { Condition, LoopControl, NodeCommon, RoleInstance, Vars } from '../core/model.js';
import { isMapping, isTemplated, type LoadContext } from './context.js';
import { parseKv } from './kv.js';
import type { YamlFile, YamlPath } from './yaml.js';

/** Where a node's raw mapping lives, and what encloses it. */
export interface NodeSource {
  yaml: YamlFile;
  path: YamlPath;
  raw: Record<string, unknown>;
}

/** when / failed_when / changed_when / until: a string, a boolean or a list of them (AND) → positioned conditions. */
export function parseConditions(ctx: LoadContext, src: NodeSource, key: string): Condition[] {
  const value = src.raw[key];
  if (value === undefined || value === null) return [];
  const items = Array.isArray(value) ? value : [value];
  const out: Condition[] = [];
  items.forEach((item, i) => {
    if (typeof item !== 'string' && typeof item !== 'boolean') return; // the schema check reports it
    const pos = src.yaml.textPos(Array.isArray(value) ? [...src.path, key, i] : [...src.path, key]);
    const cond: Condition = { expr: typeof item === 'boolean' ? String(item) : item, pos };
    ctx.checkCondition(cond);
    out.push(cond);
  });
  return out;
}

export function toStringList(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value.filter((v) => typeof v === 'string' || typeof v === 'number').map(String);
  if (typeof value === 'string') return [value];
  if (typeof value === 'number') return [String(value)];
  return [];
}

/** Tags as written: a list, a single tag, or Ansible's comma-separated string (`tags: "a, b"`). */
export function parseTags(value: unknown): string[] {
  return toStringList(value)
    .flatMap((t) => t.split(','))
    .map((t) => t.trim())
    .filter((t) => t.length > 0);
}

/**
 * retries / delay / throttle: a whole number, or one "{{ expression }}" rendered at run time. Any other string is
 * refused here: the schema lets strings through for the expressions, and "many" would only fail mid-run.
 */
export function parseCount(ctx: LoadContext, src: NodeSource, key: string, subject: string): number | string | undefined {
  const value = src.raw[key];
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return undefined;
  if (isTemplated(value)) return value;
  if (/^\s*\d+\s*$/.test(value)) return Number(value);
  ctx.add(src.yaml.valuePos([...src.path, key]), `${key} on ${subject} must be a whole number or one "{{ expression }}" (got "${value}")`);
  return undefined;
}

export const unionTags = (a: readonly string[], b: readonly string[]): string[] => [...new Set([...a, ...b])];

/**
 * The common keys of a node. Tags are stored already inherited (enclosing play, role, block and import tags
 * included) so --tags filtering and --list-tags need no walk; `when` stays on the node that wrote it.
 */
export function parseCommon(ctx: LoadContext, src: NodeSource, inheritedTags: readonly string[], role: RoleInstance | undefined): NodeCommon {
  const r = src.raw;
  const pos = src.yaml.valuePos(src.path);
  const node: NodeCommon = {
    pos,
    when: parseConditions(ctx, src, 'when'),
    tags: unionTags(inheritedTags, parseTags(r.tags)),
    vars: isMapping(r.vars) ? (r.vars as Vars) : {},
  };
  if (typeof r.name === 'string') node.name = r.name;
  if (typeof r.become === 'boolean') node.become = r.become;
  if (typeof r.become_user === 'string') node.becomeUser = r.become_user;
  if (isMapping(r.environment) || typeof r.environment === 'string') node.environment = r.environment as Vars | string;
  if (typeof r.ignore_errors === 'boolean') node.ignoreErrors = r.ignore_errors;
  if (typeof r.ignore_unreachable === 'boolean') node.ignoreUnreachable = r.ignore_unreachable;
  if (typeof r.no_log === 'boolean' || typeof r.no_log === 'string') node.noLog = r.no_log;
  if (typeof r.check_mode === 'boolean') node.checkMode = r.check_mode;
  if (typeof r.diff === 'boolean') node.diff = r.diff;
  if (typeof r.delegate_to === 'string') node.delegateTo = r.delegate_to;
  if (typeof r.run_once === 'boolean') node.runOnce = r.run_once;
  const throttle = parseCount(ctx, src, 'throttle', typeof r.name === 'string' ? `task "${r.name}"` : 'the task');
  if (throttle !== undefined) node.throttle = throttle;
  if (typeof r.any_errors_fatal === 'boolean') node.anyErrorsFatal = r.any_errors_fatal;
  if (role) node.role = role;
  for (const key of ['name', 'vars', 'environment', 'delegate_to', 'become_user', 'no_log'] as const) {
    if (r[key] !== undefined) ctx.checkStrings(r[key], src.yaml, [...src.path, key], pos);
  }
  return node;
}

const LOOP_KEYS = ['loop', 'with_items', 'with_list', 'with_dict', 'with_indexed_items', 'with_sequence'] as const;

export interface ParsedLoop {
  loop?: unknown;
  loopControl?: LoopControl;
}

/** `loop` and the with_* forms, mapped onto one `loop` value the executor iterates. */
export function parseLoop(ctx: LoadContext, src: NodeSource): ParsedLoop {
  const present = LOOP_KEYS.filter((k) => src.raw[k] !== undefined);
  const out: ParsedLoop = {};
  if (present.length > 1) {
    ctx.add(src.yaml.keyPos([...src.path, present[1]!]), `a task takes one loop; "${present[0]}" and "${present[1]}" are both given`, 'keep one (loop: is the modern form)');
  }
  const key = present[0];
  if (key) {
    const value = src.raw[key];
    const pos = src.yaml.valuePos([...src.path, key]);
    ctx.checkStrings(value, src.yaml, [...src.path, key], pos);
    const mapped = mapLoop(key, value);
    if ('error' in mapped) ctx.add(pos, mapped.error, mapped.hint);
    else out.loop = mapped.loop;
  }
  const lc = src.raw.loop_control;
  if (isMapping(lc)) {
    const control: LoopControl = { loopVar: typeof lc.loop_var === 'string' ? lc.loop_var : 'item' };
    if (typeof lc.index_var === 'string') control.indexVar = lc.index_var;
    if (typeof lc.label === 'string') control.label = lc.label;
    if (typeof lc.pause === 'number') control.pause = lc.pause;
    if (typeof lc.extended === 'boolean') control.extended = lc.extended;
    ctx.checkStrings(lc, src.yaml, [...src.path, 'loop_control'], src.yaml.valuePos([...src.path, 'loop_control']));
    out.loopControl = control;
  }
  return out;
}

type Mapped = { loop: unknown } | { error: string; hint?: string };

export function mapLoop(key: string, value: unknown): Mapped {
  switch (key) {
    case 'loop':
    case 'with_list':
      // Ansible fails such a task at run time ("Invalid data passed to 'loop', it requires a list"); say so now.
      if (typeof value === 'string' && !isTemplated(value)) {
        return { error: `${key} takes a list or one "{{ expression }}" (got the text "${value}")`, hint: `write ${key}: [${value}] for a one-item list, or ${key}: "{{ ${value} }}" for a variable` };
      }
      return { loop: value };
    case 'with_items':
      // A plain string is a one-item list, as Ansible's listify makes it.
      if (typeof value === 'string' && !isTemplated(value)) return { loop: [value] };
      // Ansible flattens with_items one level: [[a, b], c] iterates a, b, c.
      return { loop: Array.isArray(value) ? value.flatMap((v) => (Array.isArray(v) ? v : [v])) : value };
    case 'with_dict':
      if (isMapping(value)) return { loop: Object.entries(value).map(([k, v]) => ({ key: k, value: v })) };
      if (typeof value === 'string') {
        const m = /^\s*\{\{\s*([\w.]+)\s*\}\}\s*$/.exec(value);
        if (m) return { loop: `{{ dict2items ${m[1]} }}` };
      }
      return { error: 'with_dict takes a mapping or one variable ("{{ users }}")', hint: 'write loop: "{{ dict2items users }}"' };
    case 'with_indexed_items':
      if (Array.isArray(value)) return { loop: value.map((v, i) => [i, v]) };
      return { error: 'with_indexed_items takes a literal list here', hint: 'use loop: with loop_control: {index_var: i}' };
    case 'with_sequence':
      return sequence(value);
    default:
      return { loop: value };
  }
}

/** with_sequence: `start=1 end=5 stride=2 format=web%02d` or `count=3`, literal numbers only. */
function sequence(value: unknown): Mapped {
  if (typeof value !== 'string' || isTemplated(value)) return { error: 'with_sequence takes literal numbers here', hint: 'build the list in a variable and use loop:' };
  const { params, free } = parseKv(value);
  const shorthand = /^(\d+)(?:-(\d+))?(?:\/(\d+))?$/.exec(free.trim());
  const num = (s: string | undefined, d: number): number => (s === undefined ? d : Number.parseInt(s, /^0x/i.test(s) ? 16 : 10));
  let start = num(params.start ?? shorthand?.[1], 1);
  let end = params.end !== undefined || shorthand?.[2] !== undefined ? num(params.end ?? shorthand?.[2], 0) : NaN;
  const stride = num(params.stride ?? shorthand?.[3], 1);
  if (params.count !== undefined) {
    if (params.count === '0') return { loop: [] };
    end = start + (num(params.count, 0) - 1) * stride;
  }
  if (!shorthand && free.trim() !== '') start = NaN;
  if ([start, end, stride].some((n) => Number.isNaN(n)) || stride === 0) return { error: `with_sequence cannot read "${value}"`, hint: 'write e.g. "start=1 end=5" or "count=3"' };
  const items: string[] = [];
  for (let i = start; stride > 0 ? i <= end : i >= end; i += stride) {
    items.push(params.format ? params.format.replace(/%0?(\d*)d/, (_m, w: string) => String(i).padStart(Number(w || 0), '0')) : String(i));
    if (items.length > 100000) return { error: 'with_sequence is longer than 100000 items' };
  }
  return { loop: items };
}
