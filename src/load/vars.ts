import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { OptionsError, SourceError } from '../core/errors.js';
import type { Inventory, Vars, VarsDirs } from '../core/model.js';
import { assignVars, groupsByPrecedence, IMPLICIT_LOCALHOST_VARS, isImplicitLocalhost } from './inventory.js';
import { shellSplit } from './inventoryIni.js';
import { readVarsFile } from './varsDirs.js';
import { parseYaml, YamlError } from './yaml.js';

export type VarLevel =
  | 'roleDefaults'
  | 'inventoryGroup'
  | 'inventoryGroupVarsAll'
  | 'playbookGroupVarsAll'
  | 'inventoryGroupVarsGroups'
  | 'playbookGroupVarsGroups'
  | 'inventoryHost'
  | 'inventoryHostVars'
  | 'playbookHostVars'
  | 'facts'
  | 'playVars'
  | 'playVarsFiles'
  | 'roleVars'
  | 'blockVars'
  | 'taskVars'
  | 'includeVars'
  | 'setFacts'
  | 'roleParams'
  | 'extraVars';

/** Ansible's documented variable precedence, lowest first: a later level wins over every earlier one. */
export const VAR_LEVELS: readonly VarLevel[] = [
  'roleDefaults',
  'inventoryGroup',
  'inventoryGroupVarsAll',
  'playbookGroupVarsAll',
  'inventoryGroupVarsGroups',
  'playbookGroupVarsGroups',
  'inventoryHost',
  'inventoryHostVars',
  'playbookHostVars',
  'facts',
  'playVars',
  'playVarsFiles',
  'roleVars',
  'blockVars',
  'taskVars',
  'includeVars',
  'setFacts',
  'roleParams',
  'extraVars',
];

/**
 * The eight inventory levels for one host. Group levels merge the host's groups in Ansible's order (all first,
 * parents before children, deeper groups over shallower, same depth by name), so every host level beats every
 * group level. The implicit localhost gets `ansible_connection: local` and, as in Ansible, the `all` vars.
 */
export function inventoryLayers(inv: Inventory, playbookDirs: VarsDirs | undefined, host: string): Partial<Record<VarLevel, Vars>> {
  const implicit = isImplicitLocalhost(inv, host);
  const groups = implicit ? ['all'] : inv.hosts.has(host) ? groupsByPrecedence(inv, host) : [];
  const named = groups.filter((g) => g !== 'all');
  const fromGroups = (pick: (g: string) => Vars | undefined, names: string[]): Vars => {
    const out: Vars = {};
    for (const g of names) assignVars(out, pick(g));
    return out;
  };
  const invDirs = inv.varsDirs;
  return {
    inventoryGroup: fromGroups((g) => inv.groups.get(g)?.vars, groups),
    inventoryGroupVarsAll: { ...(groups.includes('all') ? invDirs.groupVars['all'] : {}) },
    playbookGroupVarsAll: { ...(groups.includes('all') ? playbookDirs?.groupVars['all'] : {}) },
    inventoryGroupVarsGroups: fromGroups((g) => invDirs.groupVars[g], named),
    playbookGroupVarsGroups: fromGroups((g) => playbookDirs?.groupVars[g], named),
    inventoryHost: implicit ? { ...IMPLICIT_LOCALHOST_VARS } : { ...inv.hosts.get(host)?.vars },
    inventoryHostVars: { ...invDirs.hostVars[host] },
    playbookHostVars: { ...playbookDirs?.hostVars[host] },
  };
}

/** Merge levels lowest first; a variable set at a higher level replaces it whole (Ansible's hash_behaviour=replace). */
export function mergeLayers(layers: Partial<Record<VarLevel, Vars>>): Vars {
  const out: Vars = {};
  for (const level of VAR_LEVELS) assignVars(out, layers[level]);
  return out;
}

/**
 * -e/--extra-vars values, in order (later wins): `@file.yml` (YAML or JSON, relative to cwd), `{"json": 1}` or
 * `[…]`-free YAML/JSON mappings, or `k=v k2="a b"` pairs whose values stay strings, as in Ansible.
 */
export function parseExtraVars(args: string[], cwd: string): Vars {
  const out: Vars = {};
  for (const arg of args) assignVars(out, parseOne(arg, cwd));
  return out;
}

function parseOne(arg: string, cwd: string): Vars {
  const text = arg.trim();
  if (text.startsWith('@')) {
    const file = resolve(cwd, text.slice(1));
    if (!existsSync(file)) throw new OptionsError(`-e ${text}: file not found: ${file}`);
    const r = readVarsFile(file);
    if (r.problems.length > 0) throw new SourceError(r.problems);
    return r.vars;
  }
  if (text.startsWith('{')) {
    try {
      const yf = parseYaml(text, '<extra vars>');
      if (yf.data && typeof yf.data === 'object' && !Array.isArray(yf.data)) return yf.data as Vars;
    } catch (e) {
      if (!(e instanceof YamlError)) throw e;
      const p = e.problems[0];
      throw new OptionsError(`-e ${JSON.stringify(text)}: not valid JSON/YAML${p ? ` (column ${p.col}: ${p.message})` : ''}`);
    }
    throw new OptionsError(`-e ${JSON.stringify(text)}: extra vars must be a mapping of names to values`);
  }
  if (text === '') return {};
  const split = shellSplit(text);
  if ('error' in split) throw new OptionsError(`-e ${JSON.stringify(text)}: ${split.error} at column ${split.col}`);
  const vars: Vars = {};
  for (const t of split.tokens) {
    const eq = t.text.indexOf('=');
    if (eq <= 0) {
      throw new OptionsError(`-e ${JSON.stringify(text)}: expected key=value, got ${JSON.stringify(t.text)} (use -e @file.yml for a file, -e '{"k": 1}' for JSON)`);
    }
    const key = t.text.slice(0, eq);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) throw new OptionsError(`-e ${JSON.stringify(text)}: "${key}" is not a valid variable name`);
    assignVars(vars, { [key]: t.text.slice(eq + 1) });
  }
  return vars;
}
