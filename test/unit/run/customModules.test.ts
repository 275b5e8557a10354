import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { defineModule } from '../../../src/core/registry.js';
import { SourceError } from '../../../src/core/errors.js';
import { inventory, project, run } from './harness.js';

const greet = `export default {
  name: 'greet',
  schema: { type: 'object', additionalProperties: false, required: ['who'], properties: { who: { type: 'string', description: 'whom' } } },
  meta: { description: 'says hello', example: '- greet: { who: x }' },
  local: true,
  async read(ctx, args) { return 'hello ' + args.who; },
  plan(current) { return { changes: [], result: { greeting: current } }; },
};
`;

test('a module in library/ beside the playbook is found, validated at load time and run', async () => {
  const dir = project({
    'inventory.yml': inventory('a'),
    'library/greet.mjs': greet,
    'site.yml': '- hosts: all\n  gather_facts: false\n  tasks:\n    - greet: { who: world }\n      register: g\n    - assert: { that: (eq g.greeting "hello world") }\n',
  });
  const { result } = await run(dir);
  assert.equal(result.exitCode, 0, JSON.stringify(result.tasks));
});

test('a library module\'s schema rejects bad arguments before any host is contacted', async () => {
  const dir = project({
    'inventory.yml': inventory('a'),
    'library/greet.mjs': greet,
    'site.yml': '- hosts: all\n  tasks:\n    - greet: { whom: world }\n',
  });
  await assert.rejects(run(dir), (e: unknown) => e instanceof SourceError && /greet/.test(e.message));
});

test('a module registered through the API overrides nothing it should not and runs', async () => {
  const shout = defineModule({
    name: 'shout',
    schema: { type: 'object', additionalProperties: false, properties: { text: { type: 'string' } } } as const,
    meta: { description: 'upper-cases', example: '- shout: { text: a }' },
    local: true,
    async read(_ctx, args) { return String(args.text ?? '').toUpperCase(); },
    plan(current) { return { changes: [], result: { text: current } }; },
  });
  const dir = project({
    'inventory.yml': inventory('a'),
    'site.yml': '- hosts: all\n  gather_facts: false\n  tasks:\n    - shout: { text: hey }\n      register: s\n    - assert: { that: (eq s.text "HEY") }\n',
  });
  const { result } = await run(dir, { modules: [shout] });
  assert.equal(result.exitCode, 0, JSON.stringify(result.tasks));
  // loadPlaybook takes the same modules, so an API user can validate what runPlaybook will run
  const { loadPlaybook } = await import('../../../src/index.js');
  await assert.rejects(loadPlaybook(join(dir, 'site.yml'), { cwd: dir }), /unknown module "shout"/);
  assert.equal((await loadPlaybook(join(dir, 'site.yml'), { cwd: dir, modules: [shout] })).plays.length, 1);
});

test('a library module whose schema is not valid JSON Schema is refused at load time, naming the file', async () => {
  const dir = project({
    'inventory.yml': inventory('a'),
    'library/broken.mjs': greet.replace("name: 'greet'", "name: 'broken'").replace("type: 'object', additionalProperties", "type: 'objekt', additionalProperties"),
    'site.yml': '- hosts: all\n  tasks:\n    - debug: { msg: hi }\n',
  });
  await assert.rejects(run(dir), (e: unknown) => e instanceof SourceError && /library\/broken\.mjs/.test(e.problems[0]!.file) && /not a valid JSON Schema/.test(e.message));
});
