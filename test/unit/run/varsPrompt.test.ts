import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SourceError } from '../../../src/core/errors.js';
import { answerVarsPrompts } from '../../../src/run/varsPrompt.js';
import { inventory, project, run } from './harness.js';

const play = (yaml: string): string => yaml.replace(/^\n/, '');

test('vars_prompt without a terminal: -e wins, else the default, else invalid input at the prompt before any host', async () => {
  const dir = project({
    'inventory.yml': inventory('a'),
    'site.yml': play(`
- hosts: all
  gather_facts: false
  vars: { who: from-vars }
  vars_prompt:
    - { name: who, prompt: "Who?", default: world, private: false }
  tasks:
    - assert: { that: (eq who "world") }
`),
    'needs.yml': play(`
- hosts: all
  gather_facts: false
  vars_prompt:
    - name: release
      prompt: Which release?
  tasks:
    - command: "true"
`),
  });
  assert.equal((await run(dir)).result.exitCode, 0, 'the default, over play vars (vars_prompt is above them in Ansible)');
  const given = await run(dir, { extraVars: { who: 'world' } });
  assert.equal(given.result.exitCode, 0);
  await assert.rejects(run(dir, { playbook: 'needs.yml' }), (e: unknown) => {
    assert.ok(e instanceof SourceError);
    assert.match(e.message, /needs\.yml:4:7: vars_prompt "release" needs an answer and there is no terminal to ask on/);
    return true;
  });
  const answered = await run(dir, { playbook: 'needs.yml', extraVars: { release: '7.2' } });
  assert.deepEqual([...answered.hosts.keys()], ['a'], '-e answers it: the run goes ahead');
});

test('on a terminal: the question with its default, an empty answer takes it, confirm asks until both answers match', async () => {
  const base = { name: 'x', prompt: 'X', pos: { file: 'f', line: 1, col: 1 }, private: true, confirm: false } as const;
  const playOf = (p: object): Parameters<typeof answerVarsPrompts>[0] => [{ vars: {}, varsPrompt: [{ ...base, ...p }] } as never];
  const asked: string[] = [];
  const scripted = (answers: string[]) => async (q: string, o: { secret: boolean }) => {
    asked.push(`${q}|${o.secret}`);
    return answers.shift() ?? '';
  };
  const [withDefault] = await answerVarsPrompts(playOf({ default: 'd' }), {}, scripted(['']));
  assert.equal(withDefault!.vars.x, 'd');
  assert.deepEqual(asked, ['X [(default hidden)]: |true'], 'a private default is not shown');
  const [confirmed] = await answerVarsPrompts(playOf({ confirm: true }), {}, scripted(['a', 'b', '', 'c', 'c']));
  assert.equal(confirmed!.vars.x, 'c', 'asked again after a mismatch');
});

test('vars_prompt with encrypt, or a malformed entry, is a load error at its line', async () => {
  const { loadPlaybook } = await import('../../../src/index.js');
  const dir = project({
    'site.yml': play(`
- hosts: all
  vars_prompt:
    - name: pw
      encrypt: sha512_crypt
    - prompt: no name
  tasks: []
`),
  });
  await assert.rejects(loadPlaybook(`${dir}/site.yml`, { cwd: dir }), (e: unknown) => {
    assert.ok(e instanceof SourceError);
    assert.match(e.message, /site\.yml:4:7: vars_prompt "pw": encrypt is not supported/);
    assert.match(e.message, /site\.yml:5:7: .*name/);
    return true;
  });
});
