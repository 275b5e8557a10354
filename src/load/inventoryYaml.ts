import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { Problem } from '../core/errors.js';
import type { Vars } from '../core/model.js';
import { INVENTORY_GROUP_KEYS, inventorySchema } from '../schema/inventory.js';
import type { GroupDecl, HostDecl, InventoryDecls } from './inventory.js';
import { closest } from './suggest.js';
import { parseYaml, YamlError, type YamlFile, type YamlPath } from './yaml.js';

let validator: ValidateFunction | undefined;
function validate(data: unknown): ErrorObject[] {
  validator ??= new Ajv({ strict: true, allErrors: true, allowUnionTypes: true }).compile(inventorySchema);
  return validator(data) ? [] : [...(validator.errors ?? [])];
}

/** Parse a YAML or JSON inventory (Ansible's `all: {hosts, vars, children}` form) into declarations. */
export function parseYamlInventory(text: string, file: string): { decls: InventoryDecls; problems: Problem[] } {
  const empty: InventoryDecls = { file, groups: [], references: [] };
  let yf: YamlFile;
  try {
    yf = parseYaml(text, file);
  } catch (e) {
    if (!(e instanceof YamlError)) throw e;
    const ini = iniLine(text);
    if (ini) return { decls: empty, problems: [iniInYaml(file, ini)] };
    return { decls: empty, problems: e.problems };
  }
  const data = yf.data;
  if (data === null || data === undefined) return { decls: empty, problems: [] };
  if (typeof data !== 'object' || Array.isArray(data)) {
    const ini = iniLine(text);
    if (ini) return { decls: empty, problems: [iniInYaml(file, ini)] };
    return {
      decls: empty,
      problems: [{ ...yf.valuePos([]), message: `an inventory is a mapping of groups, not ${describe(data)}`, hint: 'start with "all:" and list hosts under "all: hosts:" or in groups under "all: children:"' }],
    };
  }
  const problems = dedupe(validate(data).map((err) => ajvProblem(yf, err)));
  if (problems.length > 0) return { decls: empty, problems };

  const groups: GroupDecl[] = [];
  const walk = (name: string, node: unknown, path: YamlPath): void => {
    const g = (node ?? {}) as { hosts?: Record<string, Vars | null> | null; vars?: Vars | null; children?: Record<string, unknown> | null };
    const decl: GroupDecl = { name, pos: yf.keyPos(path), declared: true, vars: { ...(g.vars ?? {}) }, varPos: {}, hosts: [], children: [] };
    for (const k of Object.keys(decl.vars)) decl.varPos[k] = yf.valuePos([...path, 'vars', k]);
    for (const [host, vars] of Object.entries(g.hosts ?? {})) {
      const hostPath = [...path, 'hosts', host];
      const h: HostDecl = { pattern: host, pos: yf.keyPos(hostPath), vars: { ...(vars ?? {}) }, varPos: {} };
      for (const k of Object.keys(h.vars)) h.varPos[k] = yf.valuePos([...hostPath, k]);
      decl.hosts.push(h);
    }
    groups.push(decl);
    for (const [child, childNode] of Object.entries(g.children ?? {})) {
      decl.children.push({ name: child, pos: yf.keyPos([...path, 'children', child]) });
      walk(child, childNode, [...path, 'children', child]);
    }
  };
  for (const [name, node] of Object.entries(data as Record<string, unknown>)) walk(name, node, [name]);
  return { decls: { file, groups, references: [] }, problems: [] };
}

/** The first line that only INI has (`[web]`, `web1 key=value`), if the text is INI rather than YAML. */
function iniLine(text: string): { line: number; text: string } | undefined {
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const t = lines[i]!.trim();
    if (t === '' || t.startsWith('#') || t.startsWith(';')) continue;
    if (/^\[[^\]\s]+\]\s*$/.test(t) || /^\S+\s+[\w.]+=\S/.test(t)) return { line: i + 1, text: t };
    return undefined;
  }
  return undefined;
}

function iniInYaml(file: string, ini: { line: number; text: string }): Problem {
  return {
    file,
    line: ini.line,
    col: 1,
    message: `this file is an INI inventory (${JSON.stringify(ini.text)}), but its name makes it YAML`,
    hint: 'an inventory file is one format: rename it to *.ini (or no extension), or write it as YAML ("all:", "  hosts:", "    web1:")',
  };
}

function ajvProblem(yf: YamlFile, err: ErrorObject): Problem {
  const path = err.instancePath === '' ? [] : err.instancePath.slice(1).split('/').map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  const where = describePath(path);
  if (err.keyword === 'additionalProperties') {
    const key = String((err.params as { additionalProperty: string }).additionalProperty);
    const guess = closest(key, INVENTORY_GROUP_KEYS)?.name;
    return {
      ...yf.keyPos([...path, key]),
      message: `unknown key "${key}" in ${where}`,
      hint: `${guess ? `did you mean "${guess}"? ` : ''}a group takes hosts, vars and children; to make "${key}" a group, put it under children:`,
    };
  }
  if (err.keyword === 'type') {
    const value = path.reduce<unknown>((node, k) => (node as Record<string, unknown> | undefined)?.[k], yf.data);
    return { ...yf.valuePos(path), message: `${where} must be a mapping, not ${describe(value)}`, hint: typeHint(path) };
  }
  return { ...yf.valuePos(path), message: `${where}: ${err.message ?? 'invalid'}` };
}

/** Say in a person's words what the path points at: `hosts of group "web"`, `host "web1" in group "web"`. */
function describePath(path: string[]): string {
  if (path.length === 0) return 'the inventory';
  let group = path[0]!;
  let i = 1;
  while (i < path.length) {
    const k = path[i]!;
    const next = path[i + 1];
    if (k === 'children' && next !== undefined) {
      group = next;
      i += 2;
      continue;
    }
    if (k === 'hosts' && next !== undefined) return `host "${next}" in group "${group}"`;
    return `"${k}" of group "${group}"`;
  }
  return `group "${group}"`;
}

function typeHint(path: string[]): string {
  const last = path[path.length - 1];
  const parent = path[path.length - 2];
  if (last === 'hosts') return 'hosts is a mapping of host names, one a line: "hosts:", then "  web1:" and "  web2:" (a host may map to its variables)';
  if (last === 'children') return 'children is a mapping of group names: "children:", then "  web:" with that group\'s hosts/vars/children';
  if (last === 'vars') return 'vars is a mapping: "vars:", then "  key: value"';
  if (parent === 'hosts') return 'a host maps to its variables or to nothing: "web1: {ansible_host: 10.0.0.5}" or "web1:"';
  return 'a group is a mapping with hosts, vars and children';
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  if (typeof value === 'string') return `a string (${JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value)})`;
  return `a ${typeof value}`;
}

function dedupe(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const k = `${p.line}:${p.col}:${p.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
