import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Ajv } from 'ajv';
import { fileModules } from '../../../src/modules/fileModules.js';

test('every file/command module schema compiles under strict ajv and rejects unknown arguments', () => {
  for (const m of fileModules) {
    // strictRequired is off: `anyOf: [{required: [a]}, {required: [b]}]` (give a or b) names properties declared above it
    const ajv = new Ajv({ strict: true, strictRequired: false, allErrors: true });
    const validate = ajv.compile(m.schema as object);
    assert.equal(validate({ no_such_argument: 1 }), false, `${m.name} accepted an unknown argument`);
    assert.ok(m.meta.description && m.meta.example, `${m.name} lacks docs`);
    const props = (m.schema as { properties: Record<string, { description?: string }> }).properties;
    for (const [name, p] of Object.entries(props)) assert.ok(p.description, `${m.name}.${name} has no description`);
  }
});

test('module names are unique and carry their Ansible names', () => {
  const names = fileModules.map((m) => m.name);
  assert.equal(new Set(names).size, names.length);
  assert.equal(fileModules.find((m) => m.name === 'copy')?.meta.ansible, 'ansible.builtin.copy');
});

test('typical Ansible task arguments validate', () => {
  const ajv = new Ajv({ strict: true, strictRequired: false });
  const byName = Object.fromEntries(fileModules.map((m) => [m.name, ajv.compile(m.schema as object)]));
  assert.ok(byName.file!({ path: '/x', state: 'directory', mode: 0o755, owner: 'redis' }));
  assert.ok(byName.file!({ path: '/x', mode: 'u=rwX,g=rX,o=' }));
  assert.ok(byName.make!({ chdir: '/src', params: { BUILD_TLS: 'yes', V: 1 } }));
  assert.equal(byName.file!({ path: '/x', state: 'dir' }), false);
});
