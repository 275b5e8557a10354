/** Files a task refers to (template src, copy src): where they are looked for, and the load-time existence check. */
import { isAbsolute, join, relative } from 'node:path';
import type { RoleInstance } from '../core/model.js';
import type { Position } from '../core/position.js';
import { exists, isFile, isTemplated, type LoadContext } from './context.js';

/** Ansible's lookup order for a relative src: the role's folder first, then the playbook's. */
export function fileSearchPaths(playbookDir: string, role?: RoleInstance): { files: string[]; templates: string[] } {
  const roleFirst = (sub: string): string[] => [...(role ? [join(role.path, sub)] : []), join(playbookDir, sub), playbookDir];
  return { files: roleFirst('files'), templates: roleFirst('templates') };
}

/** Which argument of which module names a controller-side file. The loader knows this table; the executor does not. */
const FILE_ARGS: Readonly<Record<string, { arg: string; kind: 'files' | 'templates'; skipIf?: string }>> = {
  template: { arg: 'src', kind: 'templates' },
  copy: { arg: 'src', kind: 'files', skipIf: 'remote_src' },
};

export function resolveSource(name: string, folders: readonly string[]): string | undefined {
  if (isAbsolute(name)) return exists(name) ? name : undefined;
  for (const folder of folders) {
    const p = join(folder, name);
    if (exists(p)) return p;
  }
  return undefined;
}

/** Report a missing template or file at its `src` argument; check a found template's syntax. */
export function checkFileArgs(ctx: LoadContext, module: string, args: Record<string, unknown>, argPos: (name: string) => Position, role: RoleInstance | undefined): void {
  const spec = FILE_ARGS[module];
  if (!spec) return;
  const name = args[spec.arg];
  if (typeof name !== 'string' || isTemplated(name) || (spec.skipIf && args[spec.skipIf] === true)) return;
  const folders = isAbsolute(name) ? [] : fileSearchPaths(ctx.playbookDir, role)[spec.kind];
  const found = resolveSource(name, folders);
  if (!found) {
    const looked = isAbsolute(name) ? name : folders.map((f) => shown(ctx, join(f, name))).join(', ');
    ctx.add(argPos(spec.arg), `${spec.kind === 'templates' ? 'template' : 'file'} "${name}" not found`, `looked in: ${looked}`);
    return;
  }
  if (spec.kind === 'templates' && isFile(found)) ctx.checkTemplateFile(found);
}

const shown = (ctx: LoadContext, p: string): string => {
  const rel = relative(ctx.settings.cwd, p);
  return rel.startsWith('..') ? p : rel;
};
