import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { machineDebianMirror, parseDeb822Sources, parseOneLineSources, pickDebianMirror } from '../../../src/lab/aptSources.js';
import { LabError } from '../../../src/core/errors.js';

const DEB822 = `Types: deb
# http://snapshot.debian.org/archive/debian/20250520T000000Z
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
`;

test('deb822 sources: comments skipped, multi-value fields split, stanzas kept apart', () => {
  const sources = parseDeb822Sources(DEB822);
  assert.equal(sources.length, 2);
  assert.deepEqual(sources[0], { types: ['deb'], uris: ['http://deb.debian.org/debian'], suites: ['bookworm', 'bookworm-updates'], components: ['main'] });
  assert.deepEqual(pickDebianMirror(sources), { uri: 'http://deb.debian.org/debian', suite: 'bookworm' });
});

test('deb822 sources: a disabled stanza is ignored', () => {
  const sources = parseDeb822Sources(`Enabled: no\nTypes: deb\nURIs: http://a.example/debian\nSuites: trixie\nComponents: main\n\n${DEB822}`);
  assert.equal(pickDebianMirror(sources)?.uri, 'http://deb.debian.org/debian');
});

test('one-line sources.list: options, comments and deb-src handled; the release suite is chosen', () => {
  const sources = parseOneLineSources(
    [
      '# main mirror',
      'deb-src http://src.example/debian bookworm main',
      'deb http://security.debian.org/debian-security bookworm-security main',
      'deb [arch=amd64 signed-by=/k.gpg] http://mirror.example/debian/ bookworm main contrib',
      '',
    ].join('\n'),
  );
  assert.equal(sources.length, 3);
  assert.deepEqual(pickDebianMirror(sources), { uri: 'http://mirror.example/debian', suite: 'bookworm' });
});

test('no usable mirror: a LabError naming where it looked', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rplab-apt-'));
  try {
    mkdirSync(join(dir, 'sources.list.d'));
    writeFileSync(join(dir, 'sources.list.d', 'x.list'), 'deb cdrom:[Debian]/ bookworm main\n');
    assert.throws(() => machineDebianMirror(dir), (e: unknown) => e instanceof LabError && /no Debian mirror found/.test(e.message));
    writeFileSync(join(dir, 'sources.list.d', 'debian.sources'), DEB822);
    assert.deepEqual(machineDebianMirror(dir), { uri: 'http://deb.debian.org/debian', suite: 'bookworm' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
