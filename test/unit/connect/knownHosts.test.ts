import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { checkHostKey, hashHostName, hostLookupName, hostsFieldMatches, keyTypeOfBlob, parseKnownHosts, recordedKeyTypes } from '../../../src/connect/knownHosts.js';

function blob(type: string): Buffer {
  const name = Buffer.from(type);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(name.length);
  return Buffer.concat([len, name, randomBytes(32)]);
}
const keyA = blob('ssh-ed25519');
const keyB = blob('ssh-ed25519');
const line = (hosts: string, key: Buffer, marker = ''): string => `${marker ? marker + ' ' : ''}${hosts} ${keyTypeOfBlob(key)} ${key.toString('base64')}`;

test('lookup name: plain on port 22, [host]:port otherwise', () => {
  assert.equal(hostLookupName('10.0.0.1', 22), '10.0.0.1');
  assert.equal(hostLookupName('10.0.0.1', 2222), '[10.0.0.1]:2222');
});

test('patterns: lists, wildcards, negation, case-insensitive', () => {
  assert.ok(hostsFieldMatches('a.example,10.0.0.1', '10.0.0.1'));
  assert.ok(hostsFieldMatches('*.Example', 'web.example'));
  assert.ok(hostsFieldMatches('web?', 'web1'));
  assert.ok(!hostsFieldMatches('web?', 'web12'));
  assert.ok(!hostsFieldMatches('*.example,!db.example', 'db.example'));
  assert.ok(hostsFieldMatches('[10.0.0.1]:2222', '[10.0.0.1]:2222'));
  assert.ok(!hostsFieldMatches('10.0.0.1', '[10.0.0.1]:2222'));
});

test('hashed entries match only their host', () => {
  const hashed = hashHostName('[10.0.0.1]:2222');
  assert.ok(hostsFieldMatches(hashed, '[10.0.0.1]:2222'));
  assert.ok(!hostsFieldMatches(hashed, '10.0.0.1'));
});

test('a known key, a changed key (with file:line), an unknown host', () => {
  const entries = parseKnownHosts(['# c', '', line('other', keyB), line('10.0.0.1', keyA)].join('\n'), '/kh');
  assert.equal(checkHostKey(entries, '10.0.0.1', keyA).kind, 'known');
  const changed = checkHostKey(entries, '10.0.0.1', keyB);
  assert.equal(changed.kind, 'changed');
  assert.deepEqual(changed.kind === 'changed' && changed.entries.map((e) => `${e.file}:${e.line}`), ['/kh:4']);
  assert.equal(checkHostKey(entries, '10.0.0.2', keyA).kind, 'unknown');
});

test('@revoked refuses the key; @cert-authority never makes a host trusted', () => {
  const entries = parseKnownHosts([line('*', keyA, '@revoked'), line('10.0.0.1', keyA), line('*', keyB, '@cert-authority')].join('\n'), '/kh');
  assert.equal(checkHostKey(entries, '10.0.0.1', keyA).kind, 'revoked');
  assert.equal(checkHostKey(entries, '10.0.0.9', keyB).kind, 'unknown');
});

test('unknown markers and malformed lines are skipped', () => {
  const entries = parseKnownHosts(['@weird host ssh-ed25519 AAAA', 'onlyhost', line('h', keyA)].join('\n'), '/kh');
  assert.equal(entries.length, 1);
  assert.equal(entries[0]?.line, 3);
});

test('recorded key types for a host, for the handshake preference', () => {
  const rsa = blob('ssh-rsa');
  const entries = parseKnownHosts([line('h', rsa), line('h', keyA), line('x', blob('ecdsa-sha2-nistp256'))].join('\n'), '/kh');
  assert.deepEqual(recordedKeyTypes(entries, 'h'), ['ssh-rsa', 'ssh-ed25519']);
});
