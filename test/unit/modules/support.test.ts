import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatMode, modeProblem, resolveMode } from '../../../src/modules/support/fileMode.js';
import { parseChecksumSpec, parseSumOutput } from '../../../src/modules/support/checksum.js';
import { parseStatOutput, statCommand } from '../../../src/modules/support/fileState.js';
import { expandTemplate, pythonRegex } from '../../../src/modules/support/pythonRegex.js';
import { archiveFormat, normaliseListing, zipEntryNames } from '../../../src/modules/support/archive.js';
import { validateCommand } from '../../../src/modules/support/writeFile.js';

test('mode math matches chmod', () => {
  const table: [string | number, number, boolean, number][] = [
    ['0644', 0, false, 0o644],
    ['755', 0, false, 0o755],
    [0o600, 0o777, false, 0o600],
    ['u+x', 0o644, false, 0o744],
    ['go-w', 0o666, false, 0o644],
    ['u=rw,g=r,o=', 0o777, false, 0o640],
    ['a+X', 0o644, false, 0o644],
    ['a+X', 0o644, true, 0o755],
    ['a+X', 0o744, false, 0o755],
    ['+x', 0o644, false, 0o755],
    ['g=u', 0o750, false, 0o770],
    ['u+s', 0o755, false, 0o4755],
    ['o+t', 0o777, true, 0o1777],
    ['u+r-w', 0o600, false, 0o400],
  ];
  for (const [spec, current, isDir, expected] of table) {
    assert.equal(formatMode(resolveMode(spec, current, isDir)), formatMode(expected), `${spec} on ${formatMode(current)}`);
  }
  assert.match(modeProblem('rwxr-xr-x') ?? '', /neither octal/);
  assert.equal(modeProblem('u+rwx,g-w'), undefined);
});

test('stat output parses into typed states, including odd names and links', () => {
  const out = 'N\nE\nregular file\t640\t0\t999\troot\tredis\t12\t1700000000\t42\t2049\nabc123\n\nE\nsymbolic link\t777\t0\t0\troot\troot\t4\t1\t43\t2049\n\n' + Buffer.from('/tmp/x\n').toString('base64') + '\n';
  const [a, b, c] = parseStatOutput(out, 3);
  assert.deepEqual(a, { exists: false });
  assert.equal(b!.exists && b!.type, 'file');
  assert.equal(b!.exists && b!.mode, 0o640);
  assert.equal(b!.exists && b!.group, 'redis');
  assert.equal(b!.exists && b!.checksum, 'abc123');
  assert.equal(c!.exists && c!.linkTarget, '/tmp/x');
  assert.throws(() => parseStatOutput('garbage\n', 1), /unexpected stat output/);
});

test('the stat command reads real files with newlines in their names', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rp-stat-'));
  const odd = join(dir, "a\nb 'c' $(x)");
  writeFileSync(odd, 'hi');
  const cmd = statCommand([odd, join(dir, 'missing')], { checksum: 'sha256' });
  const [s, m] = parseStatOutput(execFileSync('/bin/sh', ['-c', cmd.text]).toString(), 2);
  assert.equal(s!.exists && s!.size, 2);
  assert.equal(s!.exists && s!.checksum, '8f434346648f6b96df89dda901c5176b10a6d83961dd3c1ac88b59b2dc327aa4');
  assert.deepEqual(m, { exists: false });
});

test('checksum specs and sum output', () => {
  assert.deepEqual(parseChecksumSpec('sha256:' + 'A'.repeat(64)), { algorithm: 'sha256', hex: 'a'.repeat(64) });
  assert.match(String(parseChecksumSpec('sha256:abc')), /64 hex digits/);
  assert.match(String(parseChecksumSpec('crc:1')), /ALGORITHM:HEX/);
  assert.equal(parseSumOutput('d41d8cd98f00b204e9800998ecf8427e  /tmp/x\n'), 'd41d8cd98f00b204e9800998ecf8427e');
});

test('python regex syntax and backreference templates', () => {
  const m = pythonRegex('^(?P<key>\\w+)=(\\d+)').exec('port=6379')!;
  assert.equal(expandTemplate('\\g<key> is \\2 (\\g<1>)', m), 'port is 6379 (port)');
});

test('validate commands are argv with %s replaced, quoted word by word', () => {
  assert.equal(validateCommand('visudo -cf %s', "/etc/a b'c").text, `visudo -cf '/etc/a b'\\''c'`);
  assert.throws(() => validateCommand('visudo -c', '/x'), /must contain %s/);
});

test('archive formats, listings and zip central directory', () => {
  assert.equal(archiveFormat('redis-7.2.5.tar.gz'), 'tar.gz');
  assert.equal(archiveFormat('x.TGZ'), 'tar.gz');
  assert.equal(archiveFormat('x.zip'), 'zip');
  assert.equal(archiveFormat('x.rar'), undefined);
  assert.deepEqual(normaliseListing(['./', './a/', './a/b', 'a/b', '']), ['a', 'a/b']);
  const dir = mkdtempSync(join(tmpdir(), 'rp-zip-'));
  writeFileSync(join(dir, 'f.txt'), 'x');
  // python's zipfile writes a standard zip (the zip tool is not always installed)
  execFileSync('python3', ['-c', 'import zipfile,sys; z=zipfile.ZipFile(sys.argv[1],"w"); z.writestr("d/f.txt","x"); z.writestr("g b.txt","y"); z.close()', join(dir, 'z.zip')]);
  assert.deepEqual(zipEntryNames(readFileSync(join(dir, 'z.zip'))), ['d/f.txt', 'g b.txt']);
});
