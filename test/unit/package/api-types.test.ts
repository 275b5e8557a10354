/**
 * The public API as a TypeScript user compiles against it: strict, NodeNext, `import … from 'run-playbook'`.
 * The README's defineModule example is compiled as written (it once failed with TS2589 "excessively deep" unless
 * the schema type was passed explicitly), and a module's `args` are typed from its schema, never `any`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const repo = fileURLToPath(new URL('../../../', import.meta.url));

function compile(files: Record<string, string>): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'rp-api-types-'));
  try {
    const names = Object.entries(files).map(([name, text]) => {
      writeFileSync(join(dir, name), text);
      return join(dir, name);
    });
    const program = ts.createProgram(names, {
      strict: true,
      noEmit: true,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022,
      skipLibCheck: true,
      types: ['node'],
      typeRoots: [join(repo, 'node_modules/@types')],
      baseUrl: dir,
      paths: { 'run-playbook': [join(repo, 'src/index.ts')] },
    });
    return ts.getPreEmitDiagnostics(program).map((d) => {
      const where = d.file && d.start !== undefined ? `${d.file.fileName}:${d.file.getLineAndCharacterOfPosition(d.start).line + 1}: ` : '';
      return where + ts.flattenDiagnosticMessageText(d.messageText, '\n');
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("the README's defineModule example and the documented imports compile under --strict", () => {
  const readme = readFileSync(join(repo, 'README.md'), 'utf8');
  const example = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]).find((b) => b.includes('defineModule({'));
  assert.ok(example, 'README has a defineModule example');
  const consumer = `
import { runPlaybook, loadPlaybook, loadInventory, defineModule, type RunPlaybookOptions } from 'run-playbook';
const opts: RunPlaybookOptions = { playbooks: 'site.yml', modules: [] };
export const used = [runPlaybook, loadPlaybook, loadInventory, defineModule, opts];
const typed = defineModule({
  name: 'typed',
  meta: { description: 'd', example: 'e' },
  schema: { type: 'object', additionalProperties: false, required: ['n'], properties: { n: { type: 'integer' }, s: { enum: ['a', 'b'] } } },
  async read() { return 1; },
  plan(current, args) {
    const n: number = args.n;
    const s: 'a' | 'b' | undefined = args.s;
    // @ts-expect-error args come from the schema: n is a number, not any
    const wrong: string = args.n;
    // @ts-expect-error current is what read returns
    const c: string = current;
    return { changes: [], result: { n, s, wrong, c } };
  },
});
export { typed };
`;
  assert.deepEqual(compile({ 'readme.mts': example, 'consumer.mts': consumer }), []);
});
