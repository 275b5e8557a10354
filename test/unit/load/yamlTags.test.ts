// Unknown YAML tags were only warnings in the yaml package, which then read the node as plain data: a `!vault`
// value became its ciphertext, an `!unsafe` one was templated after all, `!!python/object/apply` passed as a list.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { YamlError, parseYaml } from '../../../src/load/yaml.js';

function problemOf(source: string): { at: string; message: string; hint: string } {
  try {
    parseYaml(source, 'f.yml');
  } catch (e) {
    assert.ok(e instanceof YamlError);
    const p = e.problems[0]!;
    return { at: `${p.line}:${p.col}`, message: p.message, hint: p.hint ?? '' };
  }
  assert.fail('the tag must be a load error');
}

test('!vault, !unsafe and python object tags are positioned load errors, never silent data', () => {
  const vault = problemOf('a: 1\npassword: !vault |\n  $ANSIBLE_VAULT;1.1;AES256\n  6231\n');
  assert.equal(vault.at, '2:11');
  assert.match(vault.message, /encrypted with Ansible Vault/);
  const unsafe = problemOf('x: !unsafe "{{ env \'HOME\' }}"\n');
  assert.equal(unsafe.at, '1:4');
  assert.match(unsafe.message, /!unsafe tag is not supported/);
  assert.match(unsafe.hint, /raw/);
  const python = problemOf('- hosts: all\n  vars:\n    a: !!python/object/apply:os.system ["touch /tmp/x"]\n');
  assert.equal(python.at, '3:8');
  assert.match(python.message, /unknown YAML tag !!python\/object\/apply:os.system/);
  assert.match(problemOf('a: !custom\n  b: 1\n').message, /unknown YAML tag !custom/);
});

test('standard tags still read as data', () => {
  assert.deepEqual(parseYaml('a: !!str 5\nb: !!int "7"\n', 'f.yml').data, { a: '5', b: 7 });
});
