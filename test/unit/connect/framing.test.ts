import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { FrameReader, SERVER_LOOP, encodeRequest, newMarker } from '../../../src/connect/framing.js';
import { becomeFailure, innerScript, launchText } from '../../../src/connect/commandScript.js';
import { sh } from '../../../src/core/sh.js';

test('the marker is found when split across chunks of any size; output before it is exact', () => {
  const marker = newMarker();
  const output = Buffer.concat([Buffer.from('a\0b<RPEND-'), Buffer.from(marker.slice(0, 10)), Buffer.from('tail')]);
  const stream = Buffer.concat([output, Buffer.from(`${marker}42\n`)]);
  for (const size of [1, 2, 3, 7, 50, stream.length]) {
    const got: Buffer[] = [];
    const reader = new FrameReader(marker, (c) => got.push(Buffer.from(c)));
    for (let i = 0; i < stream.length; i += size) reader.push(stream.subarray(i, i + size));
    assert.equal(reader.code, 42, `chunk size ${size}`);
    assert.ok(Buffer.concat(got).equals(output), `chunk size ${size}`);
  }
});

test('a short line streams at once; only a tail that could start the marker is held back', () => {
  const marker = newMarker();
  const got: string[] = [];
  const reader = new FrameReader(marker, (c) => got.push(c.toString()));
  reader.push(Buffer.from('line1\n'));
  assert.deepEqual(got, ['line1\n'], 'a line without any marker prefix is passed on before the command ends');
  reader.push(Buffer.from('x<RPE'));
  assert.deepEqual(got, ['line1\n', 'x'], '"<RPE" may be the marker: held');
  reader.push(Buffer.from('Z\n'));
  assert.equal(got.join(''), 'line1\nx<RPEZ\n');
  reader.push(Buffer.from(`${marker}0\n`));
  assert.equal(reader.code, 0);
});

test('markers are 128-bit random, different every time', () => {
  const a = newMarker();
  assert.match(a, /^<RPEND-[0-9a-f]{32}>$/);
  assert.notEqual(a, newMarker());
});

test('env names are checked, values quoted, cwd before env', () => {
  const inner = innerScript(sh`echo ${'x'}`, { cwd: "/a b", env: { K: "v'1" } });
  assert.equal(inner.text, `cd -- '/a b' || exit 1\nexport K='v'\\''1'\necho x`);
  assert.throws(() => innerScript(sh`true`, { env: { 'A-B': 'x' } }), /invalid environment variable name 'A-B'/);
});

test('a password is never part of the command text', () => {
  const launch = launchText('id', { kind: 'password', user: 'root', password: 'hunter2' });
  assert.equal(launch, `sudo -k -S -p '' -u root -- sh -c id`);
  const parts = encodeRequest({ launch, hasSetsid: true, password: 'hunter2', marker: newMarker() });
  assert.ok(!parts[1]?.toString().includes('hunter2'), 'not in the script');
  assert.equal(parts[2]?.toString(), 'hunter2\n', 'sent as the line the script reads');
});

test('sudo refusals become a clear error; a failing command does not', () => {
  const mode = { kind: 'nopasswd', user: 'redis' } as const;
  const err = becomeFailure(1, Buffer.from('sudo: a password is required\n'), mode, 'deploy', 'db1');
  assert.equal(err?.message, 'sudo: a password is required for deploy@db1 to become redis; set ansible_become_password or --ask-become-pass');
  const wrong = becomeFailure(1, Buffer.from('Sorry, try again.\nsudo: 1 incorrect password attempt\n'), mode, 'deploy', 'db1');
  assert.match(wrong?.message ?? '', /incorrect become password for deploy@db1/);
  assert.equal(becomeFailure(1, Buffer.from('grep: no match\n'), mode, 'deploy', 'db1'), null);
  assert.equal(becomeFailure(1, Buffer.from('sudo: a password is required\n'), { kind: 'direct' }, 'deploy', 'db1'), null);
});

test('sudo refusing the login user, an unknown become_user and a missing sudo are BecomeErrors, not command failures', () => {
  const mode = { kind: 'password', user: 'nobody', password: 'pw' } as const;
  // Debian 12's sudo 1.9.13 wording, taken from the lab
  assert.match(becomeFailure(1, Buffer.from('qanosudo is not in the sudoers file.\n'), mode, 'qanosudo', 'db1')?.message ?? '', /qanosudo is not in the sudoers file on db1, so it cannot become nobody/);
  const restricted = "Sorry, user qanosudo is not allowed to execute '/usr/bin/sh -c id' as nobody on db1.\n";
  assert.match(becomeFailure(1, Buffer.from(restricted), mode, 'qanosudo', 'db1')?.message ?? '', /not allowed to run commands as nobody/);
  const nopw = { kind: 'nopasswd', user: 'nosuchuser' } as const;
  assert.match(becomeFailure(1, Buffer.from('sudo: unknown user nosuchuser\nsudo: error initializing audit plugin sudoers_audit\n'), nopw, 'root', 'db1')?.message ?? '', /become_user 'nosuchuser' does not exist on db1/);
  assert.match(becomeFailure(127, Buffer.from('sh: 1: sudo: not found\n'), nopw, 'root', 'db1')?.message ?? '', /sudo, which is not installed on db1/);
  assert.equal(becomeFailure(127, Buffer.from('sh: 1: frob: not found\n'), nopw, 'root', 'db1'), null);
});

test('the server loop keeps the stream aligned: stdin bytes after a script never reach the parser', async () => {
  const child = spawn('sh', ['-c', SERVER_LOOP], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = Buffer.alloc(0);
  child.stdout.on('data', (c: Buffer) => (out = Buffer.concat([out, c])));
  const m1 = newMarker();
  const m2 = newMarker();
  const hostile = Buffer.from('echo INJECTED\n12\nexit 0\n\0\xff');
  for (const p of encodeRequest({ launch: 'sh -c "wc -c"', hasSetsid: false, stdin: hostile, marker: m1 })) child.stdin.write(p);
  for (const p of encodeRequest({ launch: 'sh -c "echo second"', hasSetsid: false, marker: m2 })) child.stdin.write(p);
  child.stdin.end();
  await new Promise((r) => child.on('close', r));
  const text = out.toString('latin1');
  assert.ok(!text.includes('INJECTED'));
  assert.ok(text.includes(`${hostile.length}\n${m1}0\n`), text);
  assert.ok(text.includes(`second\n${m2}0\n`), text);
});

test('exec channels drop what a noisy login shell prints before the command starts', async () => {
  const { StartLine } = await import('../../../src/connect/execChannel.js');
  const line = new StartLine('RPSTART-abc');
  assert.equal(line.feed(Buffer.from('pyenv: cannot rehash\nRPSTA')), undefined);
  const rest = line.feed(Buffer.from('RT-abc 4242\nreal output\n'));
  assert.equal(rest?.toString(), 'real output\n');
  assert.equal(line.tail, '4242');
  assert.equal(line.feed(Buffer.from('RPSTART-abc again'))?.toString(), 'RPSTART-abc again');
});
