import { readFile, readdir, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { defineModule } from '../core/registry.js';
import { ModuleError } from '../core/errors.js';

const schema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    file: { type: 'string', description: 'A YAML/JSON file on the controller: absolute, or found in the role\'s vars/, then beside the playbook.' },
    dir: { type: 'string', description: 'Load every .yml/.yaml/.json file of this folder, in name order (later files win).' },
    name: { type: 'string', description: 'Put the loaded variables under this one key instead of at the top level.' },
    extensions: { type: 'array', items: { type: 'string' }, description: 'File endings loaded from dir. Default yml, yaml, json.' },
  },
} as const;

/**
 * Where a relative path may live. The context gives the role's files/ and templates/ folders and the playbook's; a
 * role's vars/ is their sibling, so it is derived from them (a dedicated varsSearchPaths would be cleaner).
 */
export function varsCandidates(path: string, searchPaths: { files: string[]; templates: string[] }): string[] {
  if (isAbsolute(path)) return [path];
  const out: string[] = [];
  for (const dir of [...searchPaths.files, ...searchPaths.templates]) {
    const parent = /(^|\/)(files|templates)\/?$/.test(dir) ? dirname(dir) : dir;
    out.push(join(parent, 'vars', path), join(parent, path), join(dir, path));
  }
  out.push(join(process.cwd(), path));
  return [...new Set(out)];
}

async function exists(p: string, kind: 'file' | 'dir'): Promise<boolean> {
  try {
    const s = await stat(p);
    return kind === 'file' ? s.isFile() : s.isDirectory();
  } catch {
    return false;
  }
}

async function loadFile(file: string): Promise<Record<string, unknown>> {
  const text = await readFile(file, 'utf8');
  let data: unknown;
  try {
    data = extname(file) === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    throw new ModuleError(`include_vars: ${file} is not valid ${extname(file) === '.json' ? 'JSON' : 'YAML'}: ${(e as Error).message}`);
  }
  if (data === null || data === undefined) return {};
  if (typeof data !== 'object' || Array.isArray(data)) {
    throw new ModuleError(`include_vars: ${file} must hold a mapping of variable names to values`);
  }
  return data as Record<string, unknown>;
}

interface Loaded {
  vars: Record<string, unknown>;
  files: string[];
}

export default defineModule<typeof schema, Loaded>({
  name: 'include_vars',
  schema,
  local: true,
  freeForm: 'file',
  meta: {
    description: 'Loads variables from a YAML or JSON file (or a folder of them) on the controller, for this host.',
    ansible: 'ansible.builtin.include_vars',
    example: '- include_vars:\n    file: "{{ ansible_distribution }}.yml"',
    returns: { ansible_included_var_files: 'The files loaded.', ansible_facts: 'The variables loaded.' },
  },
  async read(ctx, args): Promise<Loaded> {
    const target = args.file ?? args.dir;
    if (target === undefined || (args.file !== undefined && args.dir !== undefined)) {
      throw new ModuleError('include_vars needs exactly one of file or dir');
    }
    const kind = args.file !== undefined ? 'file' : 'dir';
    const candidates = varsCandidates(target, ctx.searchPaths);
    let found: string | undefined;
    for (const c of candidates) if (await exists(c, kind)) { found = c; break; }
    if (!found) {
      throw new ModuleError(`include_vars: ${kind} ${target} not found; looked in:\n${candidates.join('\n')}`);
    }
    let files = [found];
    if (kind === 'dir') {
      const endings = (args.extensions ?? ['yml', 'yaml', 'json']).map((e) => `.${e.replace(/^\./, '')}`);
      files = (await readdir(found)).filter((n) => endings.includes(extname(n))).sort().map((n) => join(found!, n));
    }
    let vars: Record<string, unknown> = {};
    for (const f of files) vars = { ...vars, ...(await loadFile(f)) };
    return { vars: args.name !== undefined ? { [args.name]: vars } : vars, files };
  },
  plan({ vars, files }) {
    return {
      changes: [],
      result: { ansible_facts: vars, ansible_included_var_files: files },
      effects: [{ kind: 'includeVars', vars }],
    };
  },
});
