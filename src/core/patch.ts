import { createRequire } from 'node:module';
import type * as DiffLib from 'diff';

const require = createRequire(import.meta.url);
let lib: typeof DiffLib | undefined;

/** The `diff` package, loaded on the first diff only: runs without --diff never pay its start-up cost. */
export function diffLib(): typeof DiffLib {
  lib ??= require('diff') as typeof DiffLib;
  return lib;
}
