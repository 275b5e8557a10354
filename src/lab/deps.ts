/**
 * The lab's tools come from Debian's packages, installed with apt-get when missing. Services these packages ship
 * (the machine's own sshd, apt-cacher-ng) are kept from starting during the install: the lab runs its own copies.
 */
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { LabError } from '../core/errors.js';
import { must, run } from './exec.js';

export const LAB_PACKAGES = [
  'debootstrap',
  'systemd-container',
  'iptables',
  'iproute2',
  'openssh-client',
  'openssh-server',
  'dpkg-dev',
  'apt-cacher-ng',
  'ansible-core',
  // the connection tests use sudo on this machine (become to another user over a loopback sshd)
  'sudo',
] as const;

const POLICY_RC = '/usr/sbin/policy-rc.d';

export async function missingPackages(packages: readonly string[] = LAB_PACKAGES): Promise<string[]> {
  const r = await run('dpkg-query', ['-W', '-f', '${Package} ${db:Status-Status}\n', ...packages]);
  const installed = new Set(
    r.stdout
      .split('\n')
      .filter((l) => l.endsWith(' installed'))
      .map((l) => l.split(' ')[0]),
  );
  return packages.filter((p) => !installed.has(p));
}

export async function ensurePackages(log: (line: string) => void = () => {}): Promise<string[]> {
  if ((await run('dpkg-query', ['--version'])).code !== 0) {
    throw new LabError('the lab needs a Debian-based machine (dpkg and apt-get): its hosts are built from Debian packages');
  }
  const missing = await missingPackages();
  if (missing.length === 0) return [];
  log(`installing ${missing.join(' ')} from Debian's packages`);
  // 101 = "action forbidden": package scripts do not start the machine's sshd or apt-cacher-ng.
  const ownPolicy = !existsSync(POLICY_RC);
  if (ownPolicy) writeFileSync(POLICY_RC, '#!/bin/sh\nexit 101\n', { mode: 0o755 });
  try {
    const env = { DEBIAN_FRONTEND: 'noninteractive' };
    await must('apt-get', ['update', '-q'], { env, timeoutMs: 300_000 });
    await must('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...missing], { env, timeoutMs: 900_000 });
  } finally {
    if (ownPolicy) rmSync(POLICY_RC, { force: true });
  }
  return missing;
}
