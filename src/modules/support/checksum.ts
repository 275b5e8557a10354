import { createHash } from 'node:crypto';
import type { ChecksumAlgorithm } from './fileState.js';

/** Ansible's `checksum` result is the sha1 of the content; comparing by digest saves sending unchanged files. */
export function digest(data: Buffer | string, algorithm: ChecksumAlgorithm = 'sha1'): string {
  return createHash(algorithm).update(data).digest('hex');
}

/** `sha256:abc…` (also sha1/md5/sha512…) → algorithm and lower-case hex; a problem string for a bad spec. */
export function parseChecksumSpec(spec: string): { algorithm: ChecksumAlgorithm; hex: string } | string {
  const m = /^(md5|sha1|sha224|sha256|sha384|sha512):([0-9a-fA-F]+)$/.exec(spec.trim());
  if (!m) return `checksum '${spec}' must be ALGORITHM:HEX, e.g. sha256:9f86d08…`;
  const algorithm = m[1] as ChecksumAlgorithm;
  const expected = { md5: 32, sha1: 40, sha224: 56, sha256: 64, sha384: 96, sha512: 128 }[algorithm];
  if (m[2]!.length !== expected) return `checksum '${spec}': a ${algorithm} digest has ${expected} hex digits, not ${m[2]!.length}`;
  return { algorithm, hex: m[2]!.toLowerCase() };
}

/** Parse `sha256sum` output ("<hex>  <name>") → hex. */
export function parseSumOutput(stdout: string): string | undefined {
  const m = /^\\?([0-9a-fA-F]+)\s/.exec(stdout.trim() + ' ');
  return m ? m[1]!.toLowerCase() : undefined;
}
