#!/usr/bin/env node
// The CLI as one ES module: start-up reads one file instead of hundreds (measured: --syntax-check 0.31 s → 0.15 s).
// It replaces tsc's dist/cli/main.js at the same depth, so paths relative to it (package.json, roles/) still hold.
// ssh2 and ioredis stay external: they are loaded only when a run connects to a host or to Redis.
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

await build({
  entryPoints: ['src/cli/main.ts'],
  outfile: 'dist/cli/main.js',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['ssh2', 'ioredis'],
  banner: { js: "#!/usr/bin/env node\nimport { createRequire as __rpCreateRequire } from 'node:module';\nconst require = __rpCreateRequire(import.meta.url);" },
  logLevel: 'warning',
  legalComments: 'none',
});

// tsc's map describes the unbundled main.js this bundle replaced; shipped, it would point debuggers at wrong lines.
rmSync('dist/cli/main.js.map', { force: true });
