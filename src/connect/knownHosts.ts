import { createHmac, randomBytes } from 'node:crypto';

/**
 * known_hosts as OpenSSH writes it: `[marker] hostnames keytype base64-key [comment]`, hostnames being a
 * comma list of plain patterns (`*`, `?`, `!negation`, `[host]:port`) or one hashed `|1|salt|hmac-sha1` entry.
 * Pure functions: reading files and deciding policy live in hostKeyCheck.ts.
 */
export interface KnownHostEntry {
  file: string;
  line: number;
  marker: 'revoked' | 'cert-authority' | null;
  hosts: string; // the raw hostnames field
  keyType: string;
  keyBase64: string;
}

export function parseKnownHosts(text: string, file: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const fields = line.split(/\s+/);
    let marker: KnownHostEntry['marker'] = null;
    if (fields[0]?.startsWith('@')) {
      const m = fields.shift();
      if (m === '@revoked') marker = 'revoked';
      else if (m === '@cert-authority') marker = 'cert-authority';
      else return; // an unknown marker: skip the line, as OpenSSH does
    }
    const [hosts, keyType, keyBase64] = fields;
    if (!hosts || !keyType || !keyBase64) return;
    entries.push({ file, line: index + 1, marker, hosts, keyType, keyBase64 });
  });
  return entries;
}

/** The name OpenSSH looks up: `host` on port 22, `[host]:port` otherwise. */
export function hostLookupName(address: string, port: number): string {
  return port === 22 ? address : `[${address}]:${port}`;
}

function globToRegExp(pattern: string): RegExp {
  const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 'i');
}

function hashedMatches(field: string, name: string): boolean {
  const parts = field.split('|'); // ['', '1', salt, hash]
  if (parts.length !== 4 || parts[1] !== '1') return false;
  const salt = Buffer.from(parts[2] ?? '', 'base64');
  const expected = createHmac('sha1', salt).update(name).digest('base64');
  return expected === parts[3];
}

/** Does the hostnames field of an entry name this host? A matching negated pattern excludes it. */
export function hostsFieldMatches(field: string, name: string): boolean {
  if (field.startsWith('|')) return hashedMatches(field, name);
  let matched = false;
  for (const pattern of field.split(',')) {
    if (pattern.startsWith('!')) {
      if (globToRegExp(pattern.slice(1)).test(name)) return false;
    } else if (globToRegExp(pattern).test(name)) {
      matched = true;
    }
  }
  return matched;
}

/** A hashed hostnames field for `name`, like `ssh-keygen -H` writes. */
export function hashHostName(name: string, salt: Buffer = randomBytes(20)): string {
  return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
}

export function formatKnownHostLine(hostsField: string, keyType: string, key: Buffer): string {
  return `${hostsField} ${keyType} ${key.toString('base64')}`;
}

/** The key type named inside an SSH public key blob (its first length-prefixed string). */
export function keyTypeOfBlob(blob: Buffer): string {
  if (blob.length < 4) return 'unknown';
  const len = blob.readUInt32BE(0);
  return blob.subarray(4, 4 + len).toString('latin1');
}

export type KeyVerdict =
  | { kind: 'known'; entry: KnownHostEntry }
  | { kind: 'revoked'; entry: KnownHostEntry }
  | { kind: 'changed'; entries: KnownHostEntry[] } // the host has recorded keys, none is this one
  | { kind: 'unknown' };

/**
 * The verdict for `key` presented by `name` (hostLookupName form). Certificate authorities are ignored (we do
 * not accept certificates), so a host known only through @cert-authority is treated as unknown, never trusted.
 */
export function checkHostKey(entries: KnownHostEntry[], name: string, key: Buffer): KeyVerdict {
  const keyBase64 = key.toString('base64');
  const forHost = entries.filter((e) => e.marker !== 'cert-authority' && hostsFieldMatches(e.hosts, name));
  const revoked = entries.find((e) => e.marker === 'revoked' && e.keyBase64 === keyBase64);
  if (revoked) return { kind: 'revoked', entry: revoked };
  const known = forHost.find((e) => e.marker === null && e.keyBase64 === keyBase64);
  if (known) return { kind: 'known', entry: known };
  const recorded = forHost.filter((e) => e.marker === null);
  if (recorded.length > 0) return { kind: 'changed', entries: recorded };
  return { kind: 'unknown' };
}

/** Key types recorded for a host, so the handshake can ask for one of those first (as OpenSSH does). */
export function recordedKeyTypes(entries: KnownHostEntry[], name: string): string[] {
  const types = entries.filter((e) => e.marker === null && hostsFieldMatches(e.hosts, name)).map((e) => e.keyType);
  return [...new Set(types)];
}
