import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { ModuleError } from '../../core/errors.js';

/** A relative `src` is looked up in the role's folder first, then the playbook's (ctx.searchPaths order). */
export function findLocalSource(src: string, searchPaths: readonly string[], kind: 'file' | 'template'): string {
  if (isAbsolute(src)) {
    if (existsSync(src)) return src;
    throw new ModuleError(`${kind} ${src} not found on the controller`);
  }
  for (const dir of searchPaths) {
    const candidate = join(dir, src);
    if (existsSync(candidate)) return candidate;
  }
  throw new ModuleError(
    `${kind} ${src} not found; looked in: ${searchPaths.length ? searchPaths.join(', ') : '(no search folders)'}`,
  );
}
