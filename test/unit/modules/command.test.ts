import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ModuleError } from '../../../src/core/errors.js';
import command from '../../../src/modules/command.js';
import shell from '../../../src/modules/shell.js';
import make, { makeCommand, paramWords, planMake } from '../../../src/modules/make.js';
import { splitWords } from '../../../src/core/shellWords.js';
import { guardDecision, planGuarded } from '../../../src/modules/support/runCommand.js';
import { FakeConnection, LocalShellConnection, makeContext, runModule } from './fakeConnection.js';

test('free-form words split like a shell, with nothing expanded', () => {
  const table: [string, string[]][] = [
    ['ls -l /tmp', ['ls', '-l', '/tmp']],
    [`echo 'a b' "c d"`, ['echo', 'a b', 'c d']],
    ['echo $HOME *.txt ; rm -rf /', ['echo', '$HOME', '*.txt', ';', 'rm', '-rf', '/']],
    [`echo "say \\"hi\\"" it\\'s`, ['echo', 'say "hi"', "it's"]],
    [`a ''`, ['a', '']],
    ['  spaced   out  ', ['spaced', 'out']],
  ];
  for (const [input, words] of table) assert.deepEqual(splitWords(input), words, input);
  assert.throws(() => splitWords(`echo 'open`), /unterminated/);
});

test('creates/removes decide the plan; without them the plan is unpredictable', () => {
  assert.deepEqual(guardDecision({ creates: '/x' }, 'c'), { skip: 'skipped, since /x exists' });
  assert.deepEqual(guardDecision({ removes: '/x' }, ''), { skip: 'skipped, since /x does not exist' });
  assert.deepEqual(guardDecision({ creates: '/x' }, ''), {});
  const skipped = planGuarded({ skip: 'skipped, since /x exists' }, { creates: '/x' }, 'run');
  assert.equal(skipped.changes.length, 0);
  assert.equal(skipped.result?.msg, 'skipped, since /x exists');
  assert.equal(planGuarded({}, { creates: '/x' }, 'run').unpredictable, false);
  assert.equal(planGuarded({}, {}, 'run').unpredictable, true);
});

test('command sends every word quoted, never as shell', async () => {
  const conn = new FakeConnection();
  const hostile = `a b'c"$(touch PWNED);d\ne`;
  await runModule(command, { argv: ['printf', '%s', hostile] }, makeContext(conn));
  assert.equal(conn.commands.at(-1)!.text, `(printf %s 'a b'\\''c"$(touch PWNED);d\ne')`);
});

test('command and shell run for real: output, rc, stdin, chdir, creates, hostile values', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rp-cmd-'));
  const ctx = makeContext(new LocalShellConnection());
  const hostile = `x y'$(touch ${dir}/PWNED)";\`id\`\nz`;
  const r = await runModule(command, { argv: ['printf', '%s\\n', hostile] }, ctx);
  assert.equal(r.result.stdout, hostile);
  assert.equal(existsSync(join(dir, 'PWNED')), false);
  const free = await runModule(command, { cmd: `echo "$HOME" '*' ;` }, ctx);
  assert.equal(free.result.stdout, '$HOME * ;');
  assert.deepEqual((await runModule(command, { cmd: 'pwd', chdir: dir }, ctx)).result.stdout_lines, [dir]);
  assert.equal((await runModule(command, { cmd: 'cat', stdin: 'fed' }, ctx)).result.stdout, 'fed');

  const marker = join(dir, 'done');
  const guarded = { cmd: `touch ${marker}`, creates: marker };
  assert.equal((await runModule(command, guarded, ctx)).changed, true);
  const again = await runModule(command, guarded, ctx);
  assert.equal(again.changed, false);
  assert.equal(again.result.msg, `skipped, since ${marker} exists`);
  assert.equal((await runModule(command, { cmd: 'touch done', chdir: dir, creates: 'done' }, ctx)).changed, false, 'creates is relative to chdir');

  await assert.rejects(runModule(command, { cmd: 'ls /definitely/not/here' }, ctx), (e: unknown) => {
    assert.ok(e instanceof ModuleError);
    assert.match(e.message, /command failed \(rc 2\): .*No such file/);
    assert.equal(e.data.rc, 2);
    return true;
  });

  const sh1 = await runModule(shell, { cmd: 'echo one | tr o O; exit 0' }, ctx);
  assert.equal(sh1.result.stdout, 'One');
  assert.equal((await runModule(shell, { cmd: 'echo $0', executable: '/bin/bash' }, ctx)).result.stdout, '/bin/bash');
  await assert.rejects(runModule(shell, { cmd: 'echo bad >&2; exit 3' }, ctx), /shell failed \(rc 3\): bad/);
});

const squash = (t: string): string => t.replace(/ +/g, ' ').trim();

test('make: params become quoted words, jobs default to nproc, make -q decides', async () => {
  assert.deepEqual(paramWords({ V: 1, BUILD_TLS: 'yes', X: true }), ['BUILD_TLS=yes', 'V=1', 'X=yes']);
  assert.equal(squash(makeCommand({ chdir: '/s', target: 'install', params: { PREFIX: '/opt/my dir' } }, false).text), `make -j"$(nproc 2>/dev/null || echo 1)" install 'PREFIX=/opt/my dir'`);
  assert.equal(squash(makeCommand({ chdir: '/s', jobs: 4 }, false).text), 'make -j 4');
  assert.equal(planMake({ upToDate: true }, { chdir: '/s' }).changes.length, 0);
  assert.equal(planMake({ upToDate: 'unknown' }, { chdir: '/s' }).unpredictable, true);
  assert.equal(planMake({ upToDate: false }, { chdir: '/s' }).unpredictable, false);

  const dir = mkdtempSync(join(tmpdir(), 'rp-make-'));
  writeFileSync(join(dir, 'Makefile'), 'out.txt:\n\techo "$(MSG)" > out.txt\n');
  const ctx = makeContext(new LocalShellConnection());
  const first = await runModule(make, { chdir: dir, target: 'out.txt', params: { MSG: 'hi there' } }, ctx);
  assert.equal(first.changed, true);
  assert.ok(ctx.logs.join('\n').includes('echo'), 'make output streams to the log');
  assert.equal((await runModule(make, { chdir: dir, target: 'out.txt' }, ctx)).changed, false, 'make -q: up to date');
});
