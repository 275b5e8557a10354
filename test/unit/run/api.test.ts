import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import * as api from '../../../src/index.js';
import { project } from './harness.js';

test('the public API loads a playbook and an inventory with defaults, and reports every problem at once', async () => {
  const dir = project({
    'inventory.ini': '[web]\nweb1 ansible_host=127.0.0.1\n[db]\ndb1\n',
    'site.yml': '- hosts: web\n  tasks:\n    - apt: { name: tcl }\n',
    'bad.yml': '- hosts: web\n  tasks:\n    - aptt: { name: tcl }\n    - service: { state: started }\n',
  });
  const playbook = await api.loadPlaybook(join(dir, 'site.yml'));
  assert.equal(playbook.plays[0]!.hosts, 'web');
  assert.equal((playbook.plays[0]!.tasks[0] as { module: string }).module, 'apt');
  const inv = await api.loadInventory(join(dir, 'inventory.ini'));
  assert.deepEqual(api.matchHosts(inv, 'web:db'), ['web1', 'db1']);
  await assert.rejects(api.loadPlaybook(join(dir, 'bad.yml')), (e: unknown) => {
    assert.ok(e instanceof api.SourceError);
    assert.equal(e.problems.length, 2);
    assert.match(e.problems[0]!.message, /did you mean "apt"/);
    assert.equal(e.problems[1]!.line, 4);
    return true;
  });
});
