/** ansible-playbook's flags as a ported CI job passes them: understood, or refused by name before anything runs. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OptionsError } from '../../../src/core/errors.js';
import { playbookProgram, toRunOptions, type CliFlags } from '../../../src/cli/options.js';
import type { RunPlaybookOptions } from '../../../src/run/options.js';

function options(...argv: string[]): RunPlaybookOptions {
  const program = playbookProgram('0.0.0');
  program.parse(['site.yml', ...argv], { from: 'user' });
  return toRunOptions(program.args, program.opts<CliFlags>(), undefined, '/tmp');
}

test('-b, --become-user, -c and the ssh argument flags become run defaults', () => {
  const o = options('-b', '--become-user', 'postgres', '--become-method', 'sudo', '-c', 'local', '--ssh-common-args', '-o StrictHostKeyChecking=no');
  assert.equal(o.become, true);
  assert.equal(o.becomeUser, 'postgres');
  assert.deepEqual(o.connectionDefaults, { ansible_connection: 'local', ansible_ssh_common_args: '-o StrictHostKeyChecking=no' });
  const plain = options();
  assert.equal(plain.become, undefined, 'without -b the playbook alone decides');
  assert.equal(plain.connectionDefaults, undefined);
  assert.equal(plain.hostKeyChecking, undefined, 'no flag: the inventory or the strict default decides per host');
});

test('flags we do not do are refused by name, with what to use instead', () => {
  const refused: Array<[string[], RegExp]> = [
    [['--step'], /--step is not supported/],
    [['--ask-vault-pass'], /Vault is not supported/],
    [['--vault-password-file', 'f'], /Vault is not supported/],
    [['--become-method', 'su'], /--become-method su is not supported/],
    [['-c', 'docker'], /--connection: ansible_connection "docker" is not supported/],
    [['--ssh-extra-args', '-o ProxyCommand="corkscrew p 80 %h %p"'], /--ssh-extra-args: ProxyCommand .* is not supported/],
  ];
  for (const [argv, message] of refused) {
    assert.throws(() => options(...argv), (e: unknown) => e instanceof OptionsError && message.test(e.message), argv.join(' '));
  }
});

test('ANSIBLE_HOST_KEY_CHECKING=False, as ported CI jobs set it, turns checking off unless a flag says otherwise', async () => {
  const { connectOptionsFrom } = await import('../../../src/run/connectOptions.js');
  const before = process.env.ANSIBLE_HOST_KEY_CHECKING;
  try {
    process.env.ANSIBLE_HOST_KEY_CHECKING = 'False';
    assert.equal(connectOptionsFrom({ playbooks: [] }).hostKeyChecking, 'off');
    assert.equal(connectOptionsFrom({ playbooks: [], hostKeyChecking: 'strict' }).hostKeyChecking, 'strict');
    process.env.ANSIBLE_HOST_KEY_CHECKING = 'True';
    assert.equal(connectOptionsFrom({ playbooks: [] }).hostKeyChecking, undefined);
  } finally {
    if (before === undefined) delete process.env.ANSIBLE_HOST_KEY_CHECKING;
    else process.env.ANSIBLE_HOST_KEY_CHECKING = before;
  }
});
