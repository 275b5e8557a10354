/**
 * Where a role reference points. First hit wins: the playbook's roles/, the working directory's roles/, each
 * roles-path folder, an installed npm package named in the reference (found by walking up node_modules from the
 * playbook's folder, never through the package's `exports`), then run-playbook's bundled roles. A reference that
 * is a path (`./vendor/redis`, `/opt/roles/x`, `roles/x`) works too.
 */
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { isDir } from './context.js';

export interface RoleSearchInput {
  playbookDir: string;
  cwd: string;
  rolesPath: readonly string[];
  bundledRolesDir?: string;
  /** A dependency is first looked for beside the role that depends on it (roles shipped together). */
  siblingDir?: string;
}

export type RoleLookup = { ok: true; path: string } | { ok: false; searched: string[] };

/** `my-infra-roles/redis-master` → package `my-infra-roles`, role `redis-master`; `@acme/infra/redis` → `@acme/infra`, `redis`. */
export function splitPackageRef(name: string): { pkg: string; role: string } | undefined {
  const parts = name.split('/');
  if (parts[0]!.startsWith('@')) return parts.length >= 3 ? { pkg: `${parts[0]}/${parts[1]}`, role: parts.slice(2).join('/') } : undefined;
  return parts.length >= 2 ? { pkg: parts[0]!, role: parts.slice(1).join('/') } : undefined;
}

/** Node's own lookup: <dir>/node_modules/<pkg> for the folder and each of its parents. */
export function findPackageDirs(pkg: string, fromDir: string): string[] {
  const found: string[] = [];
  let dir = resolve(fromDir);
  for (;;) {
    const candidate = join(dir, 'node_modules', pkg);
    found.push(candidate);
    const parent = dirname(dir);
    if (parent === dir) return found;
    dir = parent;
  }
}

export function searchRole(name: string, input: RoleSearchInput): RoleLookup {
  if (isAbsolute(name)) return isDir(name) ? { ok: true, path: name } : { ok: false, searched: [name] };
  const searched: string[] = [];
  const tryDir = (dir: string): string | undefined => {
    searched.push(dir);
    return isDir(dir) ? dir : undefined;
  };
  // `../shared/roles/common` is a path, as Ansible reads it (infra repos share roles between playbook folders this
  // way): relative to the playbook, then to the working directory. Joined onto a roles folder it would land
  // somewhere nobody meant, so it is only ever a path.
  if (name.split(/[\\/]/).includes('..')) {
    for (const base of [...new Set([input.playbookDir, input.cwd])]) {
      const hit = tryDir(resolve(base, name));
      if (hit) return { ok: true, path: hit };
    }
    return { ok: false, searched };
  }
  const folders = [
    ...(input.siblingDir ? [input.siblingDir] : []),
    join(input.playbookDir, 'roles'),
    join(input.cwd, 'roles'),
    ...input.rolesPath.map((p) => resolve(input.cwd, p)),
  ];
  for (const folder of [...new Set(folders)]) {
    const hit = tryDir(join(folder, name));
    if (hit) return { ok: true, path: hit };
  }
  if (name.includes('/')) {
    const asPath = tryDir(resolve(input.playbookDir, name));
    if (asPath) return { ok: true, path: asPath };
    const ref = splitPackageRef(name);
    if (ref) {
      for (const pkgDir of findPackageDirs(ref.pkg, input.playbookDir)) {
        if (!isDir(pkgDir)) continue;
        const hit = tryDir(join(pkgDir, 'roles', ref.role));
        if (hit) return { ok: true, path: hit };
        break; // Node stops at the first package folder found; so do we
      }
      searched.push(`node_modules/${ref.pkg}/roles/${ref.role} (walking up from ${input.playbookDir})`);
    }
  }
  if (input.bundledRolesDir) {
    const hit = tryDir(join(input.bundledRolesDir, name));
    if (hit) return { ok: true, path: hit };
  }
  return { ok: false, searched };
}
