import { readdir, readFile, stat } from 'node:fs/promises';
import { decodeSource } from '../core/sourceText.js';
import { basename, dirname, extname, join, relative, resolve } from 'node:path';
import { OptionsError, SourceError, type Problem } from '../core/errors.js';
import type { Inventory, InventoryGroup, InventoryHost, Vars, VarsDirs } from '../core/model.js';
import { unknownPosition, type Position } from '../core/position.js';
import { expandHostPattern } from './hostRanges.js';
import { parseIniInventory } from './inventoryIni.js';
import { parseYamlInventory } from './inventoryYaml.js';
import { closest } from './suggest.js';
import { loadVarsDirs, mergeVarsDirs } from './varsDirs.js';
import { connectionVarProblems } from './connectionVars.js';

/** One host line / host key as written (the name may still be a range like web[01:03] or carry :port). */
export interface HostDecl {
  pattern: string;
  pos: Position;
  vars: Vars;
  varPos: Record<string, Position>;
}

/** One group as written in one file; the same group may be written several times and is merged. */
export interface GroupDecl {
  name: string;
  pos: Position;
  /** False for INI [g:vars], which may only add to a group declared elsewhere. */
  declared: boolean;
  vars: Vars;
  varPos: Record<string, Position>;
  hosts: HostDecl[];
  children: Array<{ name: string; pos: Position }>;
}

/** What one inventory file says, before files are merged. */
export interface InventoryDecls {
  file: string;
  groups: GroupDecl[];
  /** Groups that must be declared somewhere in the inventory (any file): INI [g:vars] and [g:children] entries. */
  references: Array<{ name: string; pos: Position; what: string }>;
}

const YAML_EXTENSIONS = new Set(['.yml', '.yaml', '.json']);
/** Ansible's default INVENTORY_IGNORE_EXTS and IGNORE patterns for inventory folders. */
const IGNORED_EXTENSIONS = new Set(['.orig', '.cfg', '.retry', '.pyc', '.pyo', '.swp', '.bak', '.rpm', '.md', '.txt', '.rst']);
const VARS_FOLDERS = new Set(['group_vars', 'host_vars']);

export const LOCALHOST_NAMES: readonly string[] = ['localhost', '127.0.0.1', '::1'];
/** Variables of the implicit localhost (used when a play targets localhost that the inventory does not list). */
export const IMPLICIT_LOCALHOST_VARS: Readonly<Vars> = { ansible_connection: 'local' };

/** Load one or more inventory sources (file, folder of files, or Ansible's `host1,host2,` list) into one Inventory. */
export async function loadInventory(sources: string | string[], opts: { cwd?: string } = {}): Promise<Inventory> {
  const cwd = opts.cwd ?? process.cwd();
  const list = Array.isArray(sources) ? sources : [sources];
  const decls: InventoryDecls[] = [];
  const problems: Problem[] = [];
  const dirs: VarsDirs[] = [];
  const resolved: string[] = [];
  for (const source of list) {
    const path = resolve(cwd, source);
    const info = await stat(path).catch(() => undefined);
    if (!info) {
      if (source.includes(',')) {
        decls.push(hostListDecls(source));
        resolved.push(source);
        continue;
      }
      throw new OptionsError(`inventory source not found: ${source} (looked at ${path})`);
    }
    resolved.push(path);
    const files = info.isDirectory() ? await inventoryFiles(path) : [path];
    for (const file of files) {
      const parsed = await parseInventoryFile(file);
      decls.push(parsed.decls);
      problems.push(...parsed.problems);
    }
    try {
      dirs.push(loadVarsDirs(info.isDirectory() ? path : dirname(path)));
    } catch (e) {
      if (e instanceof SourceError) problems.push(...e.problems);
      else throw e;
    }
  }
  const built = buildInventory(resolved, decls);
  problems.push(...built.problems);
  if (problems.length > 0) throw new SourceError(problems);
  built.inventory.varsDirs = mergeVarsDirs(dirs);
  return built.inventory;
}

/** Files of an inventory folder, in name order, recursing like Ansible and skipping what it skips. */
async function inventoryFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const name = e.name;
    if (name.startsWith('.') || name.endsWith('~') || IGNORED_EXTENSIONS.has(extname(name).toLowerCase())) continue;
    if (/^readme/i.test(name) || /^license/i.test(name)) continue;
    const full = join(dir, name);
    if (e.isDirectory()) {
      if (!VARS_FOLDERS.has(name)) out.push(...(await inventoryFiles(full)));
    } else {
      out.push(full);
    }
  }
  return out;
}

async function parseInventoryFile(file: string): Promise<{ decls: InventoryDecls; problems: Problem[] }> {
  const decoded = decodeSource(await readFile(file), file);
  if ('problem' in decoded) return { decls: { file, groups: [], references: [] }, problems: [decoded.problem] };
  const text = decoded.text;
  const info = await stat(file);
  if ((info.mode & 0o111) !== 0 && text.startsWith('#!')) {
    return {
      decls: { file, groups: [], references: [] },
      problems: [{ file, line: 1, col: 1, message: 'this inventory file is an executable script (a dynamic inventory); run-playbook reads static YAML and INI inventories only', hint: 'run the script once and save its output as hosts.json, or remove the executable bit if it is a plain INI file' }],
    };
  }
  if (YAML_EXTENSIONS.has(extname(file).toLowerCase())) return parseYamlInventory(text, file);
  // No extension: Ansible tries its YAML reader before the INI one; a YAML mapping wins, anything else is INI.
  if (extname(file) === '') {
    const yaml = parseYamlInventory(text, file);
    if (yaml.problems.length === 0 && yaml.decls.groups.length > 0) return yaml;
    const ini = parseIniInventory(text, file);
    // YAML-looking lines in a file without extension: it was meant as YAML, so its YAML problems are the real ones.
    return ini.yamlLike && yaml.problems.length > 0 ? yaml : ini;
  }
  return parseIniInventory(text, file);
}

/** Ansible's `-i web1,web2,` form: the hosts, ungrouped. */
function hostListDecls(source: string): InventoryDecls {
  const pos: Position = { file: '<inventory list>', line: 1, col: 1 };
  const hosts = source.split(',').map((h) => h.trim()).filter((h) => h !== '').map((pattern) => ({ pattern, pos, vars: {}, varPos: {} }));
  return { file: pos.file, groups: [{ name: 'ungrouped', pos, declared: true, vars: {}, varPos: {}, hosts, children: [] }], references: [] };
}

function newGroup(name: string, pos: Position): InventoryGroup {
  return { name, pos, vars: {}, hosts: [], children: [] };
}

/** Merge the declarations of every file into one Inventory; checks what only the whole inventory can show. */
export function buildInventory(sources: string[], declsList: InventoryDecls[]): { inventory: Inventory; problems: Problem[] } {
  const problems: Problem[] = [];
  const origin = unknownPosition(sources[0] ?? '<inventory>');
  const inventory: Inventory = {
    sources,
    hosts: new Map(),
    groups: new Map([['all', newGroup('all', origin)], ['ungrouped', newGroup('ungrouped', origin)]]),
    varsDirs: { groupVars: {}, hostVars: {} },
  };
  const declared = new Set(['all', 'ungrouped']);
  const addresses = new Map<string, { value: unknown; pos: Position }>();
  const ensureGroup = (name: string, pos: Position): InventoryGroup => {
    let g = inventory.groups.get(name);
    if (!g) inventory.groups.set(name, (g = newGroup(name, pos)));
    return g;
  };

  for (const decls of declsList) {
    for (const gd of decls.groups) {
      const group = ensureGroup(gd.name, gd.pos);
      if (gd.declared && !declared.has(gd.name)) {
        declared.add(gd.name);
        group.pos = gd.pos;
      }
      assignVars(group.vars, gd.vars);
      for (const hd of gd.hosts) {
        const expanded = expandHostPattern(hd.pattern);
        if ('error' in expanded) {
          problems.push({ ...hd.pos, message: expanded.error, hint: 'a range is [01:10] (numbers, zero-padded to the first bound) or [a:f] (letters), optionally with a step: [0:20:5]' });
          continue;
        }
        for (const name of expanded.names) {
          let host = inventory.hosts.get(name);
          if (!host) inventory.hosts.set(name, (host = { name, pos: hd.pos, vars: {}, groups: [] }));
          assignVars(host.vars, hd.vars);
          if (expanded.port !== undefined) host.vars['ansible_port'] = expanded.port;
          if ('ansible_host' in hd.vars) {
            const pos = hd.varPos['ansible_host'] ?? hd.pos;
            const seen = addresses.get(name);
            const value = hd.vars['ansible_host'];
            if (seen && JSON.stringify(seen.value) !== JSON.stringify(value)) {
              problems.push({
                ...pos,
                message: `host "${name}" is given two addresses: ansible_host ${JSON.stringify(value)} here, ${JSON.stringify(seen.value)} at ${relative(dirname(pos.file), seen.pos.file) || basename(seen.pos.file)}:${seen.pos.line}:${seen.pos.col}`,
                hint: 'Ansible would silently keep the last one and connect there; keep one definition (host_vars/' + name + '.yml is a good place), or give the two hosts different names',
              });
            } else if (!seen) addresses.set(name, { value, pos });
          }
          if (gd.name !== 'all') {
            if (!host.groups.includes(gd.name)) host.groups.push(gd.name);
            if (!group.hosts.includes(name)) group.hosts.push(name);
          }
        }
      }
      for (const child of gd.children) {
        if (child.name === 'all') {
          problems.push({ ...child.pos, message: `group "all" cannot be a child of "${gd.name}"`, hint: '"all" holds every host and group already' });
          continue;
        }
        ensureGroup(child.name, child.pos);
        if (!group.children.includes(child.name)) group.children.push(child.name);
      }
    }
  }

  for (const decls of declsList) {
    for (const ref of decls.references) {
      if (declared.has(ref.name)) continue;
      const guess = closest(ref.name, declared)?.name;
      const message = ref.what.endsWith(':vars]') ? `${ref.what} sets variables of group "${ref.name}", which is never defined` : `${ref.what} lists group "${ref.name}", which is never defined`;
      problems.push({ ...ref.pos, message, hint: guess ? `did you mean "${guess}"?` : `add a [${ref.name}] section with its hosts (it may be empty)` });
    }
  }
  problems.push(...findGroupCycles(inventory));
  problems.push(...connectionVarProblems(inventory));
  reconcile(inventory);
  return { inventory, problems };
}

/** Keep `all` (every host; top-level groups as children) and `ungrouped` (hosts in no other group) true. */
function reconcile(inv: Inventory): void {
  const all = inv.groups.get('all')!;
  const ungrouped = inv.groups.get('ungrouped')!;
  all.hosts = [...inv.hosts.keys()];
  const hasParent = new Set<string>();
  for (const g of inv.groups.values()) if (g.name !== 'all') for (const c of g.children) hasParent.add(c);
  all.children = [...inv.groups.keys()].filter((g) => g !== 'all' && !hasParent.has(g));
  ungrouped.hosts = [];
  for (const host of inv.hosts.values()) {
    const others = host.groups.filter((g) => g !== 'ungrouped' && g !== 'all');
    host.groups = others.length > 0 ? others : ['ungrouped'];
    if (others.length === 0) ungrouped.hosts.push(host.name);
  }
  cache.delete(inv);
}

function findGroupCycles(inv: Inventory): Problem[] {
  const problems: Problem[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string, trail: string[]): void => {
    if (state.get(name) === 'done') return;
    if (state.get(name) === 'visiting') {
      const cycle = [...trail.slice(trail.indexOf(name)), name];
      const g = inv.groups.get(name)!;
      problems.push({ ...g.pos, message: `groups contain each other: ${cycle.join(' → ')}`, hint: 'a group cannot be its own (grand)child; remove one of these children entries' });
      return;
    }
    state.set(name, 'visiting');
    for (const child of inv.groups.get(name)?.children ?? []) visit(child, [...trail, name]);
    state.set(name, 'done');
  };
  for (const name of inv.groups.keys()) visit(name, []);
  return problems;
}

/** Object.assign that treats `__proto__` as a plain key (YAML may have one), so vars never touch prototypes. */
export function assignVars(target: Vars, source: Vars | undefined): Vars {
  if (!source) return target;
  for (const key of Object.keys(source)) {
    if (key === '__proto__') Object.defineProperty(target, key, { value: source[key], enumerable: true, writable: true, configurable: true });
    else target[key] = source[key];
  }
  return target;
}

// ---- queries -------------------------------------------------------------------------------------------------

interface Cache {
  parents: Map<string, string[]>;
  depth: Map<string, number>;
}
/** Derived from the group graph; dropped whenever addHost/addHostToGroups change it. */
const cache = new WeakMap<Inventory, Cache>();

function graph(inv: Inventory): Cache {
  let c = cache.get(inv);
  if (c) return c;
  const parents = new Map<string, string[]>();
  for (const g of inv.groups.values()) {
    for (const child of g.children) {
      if (g.name === 'all') continue;
      const list = parents.get(child) ?? [];
      list.push(g.name);
      parents.set(child, list);
    }
  }
  const depth = new Map<string, number>([['all', 0]]);
  const depthOf = (name: string, guard: Set<string>): number => {
    const known = depth.get(name);
    if (known !== undefined) return known;
    if (guard.has(name)) return 1; // cycles are load errors; never loop here
    guard.add(name);
    const d = 1 + Math.max(0, ...(parents.get(name) ?? []).map((p) => depthOf(p, guard)));
    depth.set(name, d);
    return d;
  };
  for (const name of inv.groups.keys()) depthOf(name, new Set());
  c = { parents, depth };
  cache.set(inv, c);
  return c;
}

/** Every group that contains the host, directly or through children, including 'all'. */
function ancestorsOf(inv: Inventory, host: string): Set<string> {
  const { parents } = graph(inv);
  const out = new Set<string>(['all']);
  const stack = [...(inv.hosts.get(host)?.groups ?? [])];
  while (stack.length > 0) {
    const g = stack.pop()!;
    if (out.has(g)) continue;
    out.add(g);
    stack.push(...(parents.get(g) ?? []));
  }
  return out;
}

/**
 * The host's groups in the order their variables apply, lowest first (Ansible's sort_groups): by depth from
 * `all` (so `all` first and parents before children), then ansible_group_priority, then name.
 */
export function groupsByPrecedence(inv: Inventory, host: string): string[] {
  const { depth } = graph(inv);
  const priority = (g: string): number => {
    const p = inv.groups.get(g)?.vars['ansible_group_priority'];
    return typeof p === 'number' ? p : 1;
  };
  return [...ancestorsOf(inv, host)].sort((a, b) => (depth.get(a) ?? 1) - (depth.get(b) ?? 1) || priority(a) - priority(b) || (a < b ? -1 : a > b ? 1 : 0));
}

export function isImplicitLocalhost(inv: Inventory, name: string): boolean {
  return !inv.hosts.has(name) && LOCALHOST_NAMES.includes(name);
}

/** All hosts in file order (the implicit localhost is not one of them). */
export function hostNames(inv: Inventory): string[] {
  return [...inv.hosts.keys()];
}

/** The `group_names` magic variable: sorted, without 'all'; 'ungrouped' only for a host in no other group. */
export function groupNamesOf(inv: Inventory, host: string): string[] {
  if (!inv.hosts.has(host)) return [];
  return [...ancestorsOf(inv, host)].filter((g) => g !== 'all').sort();
}

/** The `groups` magic variable: every group → its hosts (through children too), in inventory order. */
export function groupsMap(inv: Inventory): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const g of inv.groups.keys()) out[g] = [];
  for (const host of inv.hosts.keys()) for (const g of ancestorsOf(inv, host)) out[g]!.push(host);
  return out;
}

/** add_host: create the host (or add to it), put it in groups (created as children of all when new). */
export function addHost(inv: Inventory, name: string, groups: string[], vars: Vars): void {
  let host = inv.hosts.get(name);
  if (!host) inv.hosts.set(name, (host = { name, pos: unknownPosition('<add_host>'), vars: {}, groups: [] }));
  assignVars(host.vars, vars);
  host.literalVars = new Set([...(host.literalVars ?? []), ...Object.keys(vars)]);
  placeInGroups(inv, host, groups);
  reconcile(inv);
}

/** group_by: put a host in groups, each made a child of `parents` (default: all). */
export function addHostToGroups(inv: Inventory, host: string, groups: string[], parents: string[] = ['all']): void {
  if (!inv.hosts.has(host)) addHost(inv, host, [], isImplicitLocalhost(inv, host) ? { ...IMPLICIT_LOCALHOST_VARS } : {});
  const h = inv.hosts.get(host)!;
  for (const parent of parents) {
    if (parent === 'all') continue;
    const p = ensureRuntimeGroup(inv, parent);
    for (const g of groups) if (g !== parent && !p.children.includes(g)) p.children.push(g);
  }
  placeInGroups(inv, h, groups);
  reconcile(inv);
}

function placeInGroups(inv: Inventory, host: InventoryHost, groups: string[]): void {
  for (const name of groups) {
    if (name === 'all') continue;
    const g = ensureRuntimeGroup(inv, name);
    if (!g.hosts.includes(host.name)) g.hosts.push(host.name);
    if (!host.groups.includes(name)) host.groups.push(name);
  }
}

function ensureRuntimeGroup(inv: Inventory, name: string): InventoryGroup {
  let g = inv.groups.get(name);
  if (!g) inv.groups.set(name, (g = newGroup(name, unknownPosition('<runtime>'))));
  return g;
}

