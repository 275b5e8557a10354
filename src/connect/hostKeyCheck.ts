import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  checkHostKey,
  formatKnownHostLine,
  hashHostName,
  hostLookupName,
  keyTypeOfBlob,
  parseKnownHosts,
  recordedKeyTypes,
  type KnownHostEntry,
} from './knownHosts.js';

export type HostKeyChecking = 'strict' | 'accept-new' | 'off';

export interface HostKeyPolicy {
  host: string; // inventory name, for messages
  address: string;
  port: number;
  checking: HostKeyChecking;
  knownHostsFiles: string[];
}

export function readKnownHostsFiles(files: string[]): KnownHostEntry[] {
  return files.flatMap((file) => {
    try {
      return parseKnownHosts(readFileSync(file, 'utf8'), file);
    } catch {
      return []; // a missing known_hosts file is an empty one
    }
  });
}

/** ssh2 serverHostKey preference: the types recorded for this host first, then the usual order. */
export function preferredHostKeyAlgorithms(policy: HostKeyPolicy): string[] | undefined {
  const types = recordedKeyTypes(readKnownHostsFiles(policy.knownHostsFiles), hostLookupName(policy.address, policy.port));
  if (types.length === 0) return undefined;
  const all = ['ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521', 'rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'];
  const first = all.filter((alg) => types.includes(alg) || (types.includes('ssh-rsa') && alg.startsWith('rsa-')));
  return [...first, ...all.filter((alg) => !first.includes(alg))];
}

/**
 * Decide on the key a server presented. Returns null to accept, or a message for the refusal. With
 * accept-new an unknown key is appended (hashed, like Debian's HashKnownHosts yes) to the first file.
 */
export function verifyHostKey(policy: HostKeyPolicy, key: Buffer): string | null {
  if (policy.checking === 'off') return null;
  const name = hostLookupName(policy.address, policy.port);
  const verdict = checkHostKey(readKnownHostsFiles(policy.knownHostsFiles), name, key);
  const who = policy.host === policy.address ? policy.address : `${policy.host} (${name})`;
  switch (verdict.kind) {
    case 'known':
      return null;
    case 'revoked':
      return `host key for ${who} is marked @revoked in ${verdict.entry.file}:${verdict.entry.line}; refusing to connect`;
    case 'changed': {
      const where = verdict.entries.map((e) => `${e.file}:${e.line}`).join(', ');
      return (
        `HOST KEY CHANGED for ${who}: the ${keyTypeOfBlob(key)} key it presents does not match the key recorded in ${where}. ` +
        `Someone could be intercepting the connection, or the host was reinstalled. If you know why it changed, remove the old line (ssh-keygen -R '${name}' -f <file>) and connect again.`
      );
    }
    case 'unknown': {
      const file = policy.knownHostsFiles[0];
      if (policy.checking === 'accept-new' && file) {
        mkdirSync(dirname(file), { recursive: true, mode: 0o700 }); // as OpenSSH makes ~/.ssh
        appendFileSync(file, formatKnownHostLine(hashHostName(name), keyTypeOfBlob(key), key) + '\n', { mode: 0o600 });
        return null;
      }
      return (
        `host key for ${who} is not known (looked in ${policy.knownHostsFiles.join(', ') || 'no known_hosts file'}). ` +
        `Add it with: ssh-keyscan -p ${policy.port} ${policy.address} >> ${file ?? '~/.ssh/known_hosts'} (after checking its fingerprint), or run with --host-key-checking=accept-new`
      );
    }
  }
}
