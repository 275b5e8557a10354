import { readdirSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';

export interface LocalTree {
  /** Folders to create, relative, parents first ('' is the root itself when it is copied by name). */
  dirs: string[];
  /** Files, relative to the copied root, with their controller paths. */
  files: { rel: string; local: string }[];
}

/** Walks a controller folder; names are sorted so plans list in a stable order. */
export function walkLocalTree(root: string): LocalTree {
  const tree: LocalTree = { dirs: [], files: [] };
  const walk = (dir: string, rel: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const local = join(dir, name);
      const r = rel ? posix.join(rel, name) : name;
      if (statSync(local).isDirectory()) {
        tree.dirs.push(r);
        walk(local, r);
      } else tree.files.push({ rel: r, local });
    }
  };
  walk(root, '');
  return tree;
}

/**
 * Ansible's rule: `src: conf/` copies the folder's contents into dest; `src: conf` copies the folder itself,
 * so its files land in dest/conf/. Returns the remote folder the tree's root maps to.
 */
export function remoteRootFor(src: string, dest: string): string {
  if (src.endsWith('/')) return dest;
  return posix.join(dest, posix.basename(src));
}
