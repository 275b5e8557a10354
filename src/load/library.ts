import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AnyModule } from '../core/registry.js';
import { SourceError, type Problem } from '../core/errors.js';
import { schemaProblems } from '../core/ajv.js';

const MODULE_FILE = /\.(m?js)$/;

/**
 * Custom modules, as Ansible finds them: `library/` beside the playbook, and `library/` inside each role of the
 * role folders. A file is an ES module whose default export is a `defineModule(...)` result (compiled JavaScript;
 * TypeScript sources need a build step first, as any Node package does).
 */
export function libraryDirs(playbookDir: string, roleFolders: string[]): string[] {
  const dirs = [join(playbookDir, 'library')];
  for (const folder of roleFolders) {
    if (!existsSync(folder)) continue;
    for (const role of readdirSync(folder)) dirs.push(join(folder, role, 'library'));
  }
  return dirs.filter((d) => existsSync(d) && statSync(d).isDirectory());
}

const looksLikeModule = (v: unknown): v is AnyModule =>
  typeof v === 'object' && v !== null && typeof (v as AnyModule).name === 'string' && typeof (v as AnyModule).schema === 'object' &&
  typeof (v as AnyModule).read === 'function' && typeof (v as AnyModule).plan === 'function';

export async function loadLibraryModules(dirs: string[]): Promise<AnyModule[]> {
  const modules: AnyModule[] = [];
  const problems: Problem[] = [];
  for (const dir of dirs) {
    for (const name of readdirSync(dir).filter((f) => MODULE_FILE.test(f)).sort()) {
      const file = join(dir, name);
      try {
        const exported = ((await import(pathToFileURL(file).href)) as { default?: unknown }).default;
        const bad = looksLikeModule(exported) ? schemaProblems(exported.schema as object) : [];
        if (looksLikeModule(exported) && bad.length === 0) modules.push(exported);
        else if (bad.length > 0) problems.push({ file, line: 1, col: 1, message: `the schema of module "${(exported as AnyModule).name}" is not a valid JSON Schema: ${bad.join('; ')}` });
        else problems.push({ file, line: 1, col: 1, message: 'a library module must `export default defineModule({ name, schema, meta, read, plan, apply })`' });
      } catch (e) {
        problems.push({ file, line: 1, col: 1, message: `cannot load this library module: ${e instanceof Error ? e.message : String(e)}` });
      }
    }
  }
  if (problems.length > 0) throw new SourceError(problems);
  return modules;
}
