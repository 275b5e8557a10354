/**
 * The base root file system every full host overlays: a minimal Debian made once with debootstrap from the
 * machine's own mirror, cached outside the repository under a stamp of everything that shapes it, so a change of
 * release, mirror or package list builds a new one instead of reusing a stale one.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LabError } from '../core/errors.js';
import { machineDebianMirror, type DebianMirror } from './aptSources.js';
import { must } from './exec.js';
import { CACHE_DIR, SUDO_USER } from './paths.js';

/** Bump when the post-processing below changes, so cached bases built the old way are not reused. */
const BASE_FORMAT = 2;

export const BASE_PACKAGES = ['systemd', 'systemd-sysv', 'dbus', 'openssh-server', 'iproute2', 'procps', 'python3', 'sudo', 'ca-certificates'];

export interface BaseImage {
  dir: string;
  suite: string;
  mirror: string;
  sudoUser: string;
  sudoPassword: string;
  builtAt: string;
}

export function baseStamp(mirror: DebianMirror): string {
  const shape = JSON.stringify({ format: BASE_FORMAT, suite: mirror.suite, uri: mirror.uri, packages: BASE_PACKAGES });
  return createHash('sha256').update(shape).digest('hex').slice(0, 12);
}

export function baseDir(mirror: DebianMirror): string {
  return join(CACHE_DIR, `base-${mirror.suite}-${baseStamp(mirror)}`);
}

/** The cached base if complete (its metadata is written last), else undefined. */
export function cachedBase(mirror: DebianMirror = machineDebianMirror()): BaseImage | undefined {
  const dir = baseDir(mirror);
  try {
    const meta = JSON.parse(readFileSync(`${dir}.json`, 'utf8')) as BaseImage;
    return existsSync(join(dir, 'etc/os-release')) ? meta : undefined;
  } catch {
    return undefined;
  }
}

export async function ensureBase(log: (line: string) => void = () => {}): Promise<BaseImage> {
  const mirror = machineDebianMirror();
  const existing = cachedBase(mirror);
  if (existing) return existing;
  const dir = baseDir(mirror);
  mkdirSync(CACHE_DIR, { recursive: true });
  removeStaleBuilds(dir);
  const tmp = `${dir}.building-${process.pid}`;
  log(`building the base image (debootstrap ${mirror.suite} from ${mirror.uri}), once; about a minute`);
  try {
    await must(
      'debootstrap',
      ['--variant=minbase', `--include=${BASE_PACKAGES.join(',')}`, mirror.suite, tmp, mirror.uri],
      { timeoutMs: 20 * 60_000 },
    );
    const sudoPassword = randomBytes(12).toString('base64url');
    await shapeBase(tmp, sudoPassword);
    rmSync(dir, { recursive: true, force: true });
    renameSync(tmp, dir);
    const meta: BaseImage = { dir, suite: mirror.suite, mirror: mirror.uri, sudoUser: SUDO_USER, sudoPassword, builtAt: new Date().toISOString() };
    writeFileSync(`${dir}.json`, JSON.stringify(meta, null, 2) + '\n', { mode: 0o600 });
    return meta;
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    if (e instanceof LabError) throw new LabError(`building the lab's base image failed: ${e.message}`);
    throw e;
  }
}

/** What every host shares: no SSH host keys (each host gets its own), no apt timers, one sudo user. */
async function shapeBase(root: string, sudoPassword: string): Promise<void> {
  for (const name of readdirSync(join(root, 'etc/ssh'))) {
    if (name.startsWith('ssh_host_')) rmSync(join(root, 'etc/ssh', name));
  }
  mkdirSync(join(root, 'etc/ssh/sshd_config.d'), { recursive: true });
  writeFileSync(join(root, 'etc/ssh/sshd_config.d/run-playbook-lab.conf'), 'HostKey /etc/ssh/ssh_host_ed25519_key\n');
  // The reliability tests take the dpkg lock on purpose; a timer-started apt run must not take it first.
  for (const unit of ['apt-daily.timer', 'apt-daily-upgrade.timer', 'apt-daily.service', 'apt-daily-upgrade.service']) {
    const link = join(root, 'etc/systemd/system', unit);
    rmSync(link, { force: true });
    symlinkSync('/dev/null', link);
  }
  await must('chroot', [root, 'useradd', '--create-home', '--shell', '/bin/bash', '--groups', 'sudo', SUDO_USER]);
  await must('chroot', [root, 'chpasswd'], { input: `${SUDO_USER}:${sudoPassword}\n` });
  // Each host writes its own machine-id and hostname; a shared one would make journald and dbus see one machine.
  writeFileSync(join(root, 'etc/machine-id'), '');
  writeFileSync(join(root, 'etc/hostname'), 'localhost\n');
  rmSync(join(root, 'var/cache/apt/archives'), { recursive: true, force: true });
  mkdirSync(join(root, 'var/cache/apt/archives/partial'), { recursive: true });
}

function removeStaleBuilds(dir: string): void {
  const parent = join(dir, '..');
  const stem = dir.slice(parent.length + 1);
  for (const name of readdirSync(parent)) {
    if (name.startsWith(`${stem}.building-`)) rmSync(join(parent, name), { recursive: true, force: true });
  }
}
