import { test } from 'node:test';
import assert from 'node:assert/strict';
import { YamlError, parseYaml } from '../../../src/load/yaml.js';


function duplicatePositions(source: string): string[] {
  try {
    parseYaml(source, 'f.yml');
  } catch (e) {
    assert.ok(e instanceof YamlError);
    return e.problems.filter((p) => p.message.startsWith('duplicate key')).map((p) => `${p.line}:${p.col}`);
  }
  assert.fail('a duplicate key must be an error');
}

test('a duplicate key is reported where it is repeated, also when the first one has no value', () => {
  assert.deepEqual(duplicatePositions('all:\n  hosts:\n    web1:\n    web1:\n'), ['4:5']);
});

test('several duplicates at different depths are each reported at their own repeat, in file order', () => {
  const source = '- hosts: all\n  vars:\n    a: 1\n    nested:\n      x: 1\n      x: 2\n    a: 3\n  tasks: []\n';
  assert.deepEqual(duplicatePositions(source), ['6:7', '7:5']);
});
