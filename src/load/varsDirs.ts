import { readdirSync, readFileSync, statSync, type Stats } from 'node:fs';
import { decodeSource } from '../core/sourceText.js';
import { extname, join } from 'node:path';
import { SourceError, type Problem } from '../core/errors.js';
import type { Vars, VarsDirs } from '../core/model.js';
import { MAX_YAML_BYTES, parseYaml, YamlError } from './yaml.js';

/** Ansible's YAML_FILENAME_EXTENSIONS, after the bare name. */
const EXTENSIONS = ['', '.yml', '.yaml', '.json'];
const NOT_VARS = new Set(['.md', '.txt', '.rst', '.bak', '.orig', '.swp', '.retry', '.cfg', '.ini', '.j2', '.py', '.pyc', '.sh']);

/**
 * group_vars/ and host_vars/ inside dir. For each name Ansible takes the first of NAME, NAME.yml, NAME.yaml,
 * NAME.json that exists; NAME may be a folder, whose files (recursively, in name order) are merged, later
 * files winning. Hidden files, backups (`~`) and other extensions are skipped. Throws SourceError with every
 * problem of every file.
 */
export function loadVarsDirs(dir: string): VarsDirs {
  const problems: Problem[] = [];
  const result: VarsDirs = {
    groupVars: loadOne(join(dir, 'group_vars'), problems),
    hostVars: loadOne(join(dir, 'host_vars'), problems),
  };
  if (problems.length > 0) throw new SourceError(problems);
  return result;
}

/** Several vars dirs, later ones winning per variable (several inventory sources). */
export function mergeVarsDirs(list: VarsDirs[]): VarsDirs {
  const out: VarsDirs = { groupVars: {}, hostVars: {} };
  for (const d of list) {
    for (const [k, v] of Object.entries(d.groupVars)) out.groupVars[k] = { ...out.groupVars[k], ...v };
    for (const [k, v] of Object.entries(d.hostVars)) out.hostVars[k] = { ...out.hostVars[k], ...v };
  }
  return out;
}

function statOf(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

function loadOne(folder: string, problems: Problem[]): Record<string, Vars> {
  const out: Record<string, Vars> = {};
  if (!statOf(folder)?.isDirectory()) return out;
  const names = new Set<string>();
  for (const entry of readdirSync(folder)) {
    if (skipped(entry)) continue;
    const ext = extname(entry);
    if (EXTENSIONS.includes(ext) && ext !== '') names.add(entry.slice(0, -ext.length));
    // A bare name may hold dots (host_vars/web1.example.com); only known non-vars files are left out.
    else if (!NOT_VARS.has(ext.toLowerCase()) || statOf(join(folder, entry))?.isDirectory()) names.add(entry);
  }
  for (const name of [...names].sort()) {
    for (const ext of EXTENSIONS) {
      const path = join(folder, name + ext);
      const info = statOf(path);
      if (!info) continue;
      const files = info.isDirectory() ? filesIn(path) : [path];
      const vars: Vars = {};
      for (const file of files) {
        const r = readVarsFile(file);
        problems.push(...r.problems);
        Object.assign(vars, r.vars);
      }
      out[name] = vars;
      break;
    }
  }
  return out;
}

function skipped(entry: string): boolean {
  return entry.startsWith('.') || entry.endsWith('~');
}

function filesIn(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir).sort()) {
    if (skipped(entry)) continue;
    const path = join(dir, entry);
    const info = statOf(path);
    if (info?.isDirectory()) out.push(...filesIn(path));
    else if (info?.isFile() && EXTENSIONS.includes(extname(entry))) out.push(path);
  }
  return out;
}

/** One YAML/JSON file of variables: a mapping (or empty). Never throws for the file's content; returns problems. */
export function readVarsFile(file: string): { vars: Vars; problems: Problem[] } {
  const size = statOf(file)?.size ?? 0;
  if (size > MAX_YAML_BYTES) return { vars: {}, problems: [{ file, line: 1, col: 1, message: `vars file is ${(size / 1048576).toFixed(1)} MB; the limit is ${MAX_YAML_BYTES / 1048576} MB` }] };
  const decoded = decodeSource(readFileSync(file), file);
  if ('problem' in decoded) return { vars: {}, problems: [decoded.problem] };
  const text = decoded.text;
  const vault = vaultProblem(text, file);
  if (vault) return { vars: {}, problems: [vault] };
  try {
    const yf = parseYaml(text, file);
    if (yf.data === null || yf.data === undefined) return { vars: {}, problems: [] };
    if (typeof yf.data !== 'object' || Array.isArray(yf.data)) {
      return { vars: {}, problems: [{ ...yf.valuePos([]), message: `a vars file is a mapping of names to values, not ${Array.isArray(yf.data) ? 'a list' : `a ${typeof yf.data}`}`, hint: 'write one "name: value" a line' }] };
    }
    return { vars: yf.data as Vars, problems: [] };
  } catch (e) {
    if (e instanceof YamlError) return { vars: {}, problems: e.problems };
    throw e;
  }
}

const VAULT_HINT = 'run-playbook does not decrypt Ansible Vault; decrypt it (ansible-vault decrypt FILE) and keep secrets out of the repository, e.g. in a file passed with -e @secrets.yml';

function vaultProblem(text: string, file: string): Problem | undefined {
  if (text.startsWith('$ANSIBLE_VAULT;')) return { file, line: 1, col: 1, message: 'this file is encrypted with Ansible Vault', hint: VAULT_HINT };
  const m = /(^|[\s:])!vault\b/m.exec(text);
  if (!m) return undefined;
  const offset = m.index + m[1]!.length;
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { file, line, col: offset - before.lastIndexOf('\n'), message: 'this value is encrypted with Ansible Vault (!vault)', hint: VAULT_HINT };
}
