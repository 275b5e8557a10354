/**
 * The Redis source the `redis-build` role downloads, in tests and the demo: the upstream tarball inside Debian's
 * source package for the machine's release, fetched with apt into a private state (a temporary deb-src list and
 * its own lists folder, so the machine's apt configuration is never edited), cached, and served by the lab.
 */
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LabError } from '../core/errors.js';
import { machineDebianMirror } from './aptSources.js';
import { must } from './exec.js';
import { REDIS_SOURCE_DIR } from './paths.js';

export interface RedisSource {
  version: string;
  file: string;
  topFolder: string;
}

const ORIG = /^redis_(\d+\.\d+\.\d+)\.orig\.tar\.gz$/;

/** Picks the upstream tarball among a source package's files; the highest version wins if several are cached. */
export function findOrigTarball(fileNames: readonly string[]): { name: string; version: string } | undefined {
  const found = fileNames
    .map((name) => ({ name, m: ORIG.exec(name) }))
    .filter((x): x is { name: string; m: RegExpExecArray } => x.m !== null)
    .map(({ name, m }) => ({ name, version: m[1] }));
  found.sort((a, b) => compareVersions(b.version, a.version));
  return found[0];
}

function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return pa[i] - pb[i];
  return 0;
}

export async function ensureRedisSource(log: (line: string) => void = () => {}): Promise<RedisSource> {
  const mirror = machineDebianMirror();
  const dir = join(REDIS_SOURCE_DIR, mirror.suite);
  mkdirSync(dir, { recursive: true });
  let orig = findOrigTarball(readdirSync(dir));
  if (!orig) {
    log(`downloading Redis source from Debian ${mirror.suite} (apt-get source --download-only redis)`);
    const aptDir = join(dir, '.apt');
    rmSync(aptDir, { recursive: true, force: true });
    mkdirSync(join(aptDir, 'lists/partial'), { recursive: true });
    writeFileSync(join(aptDir, 'sources.list'), `deb-src ${mirror.uri} ${mirror.suite} main\n`);
    const aptOptions = [
      '-o', `Dir::Etc::SourceList=${join(aptDir, 'sources.list')}`,
      '-o', 'Dir::Etc::SourceParts=/nonexistent',
      '-o', `Dir::State::Lists=${join(aptDir, 'lists')}`,
      '-o', `Dir::Cache::pkgcache=`,
      '-o', `Dir::Cache::srcpkgcache=`,
      '-o', 'APT::Sandbox::User=root',
      '-o', 'Acquire::Languages=none',
    ];
    try {
      await must('apt-get', ['-q', ...aptOptions, 'update'], { timeoutMs: 300_000 });
      await must('apt-get', ['-q', ...aptOptions, 'source', '--download-only', 'redis'], { cwd: dir, timeoutMs: 300_000 });
    } finally {
      rmSync(aptDir, { recursive: true, force: true });
    }
    orig = findOrigTarball(readdirSync(dir));
    if (!orig) throw new LabError(`Debian's redis source package for ${mirror.suite} has no redis_<version>.orig.tar.gz`);
  }
  const file = join(dir, orig.name);
  const topFolder = (await must('tar', ['-tzf', file])).split('\n')[0]?.split('/')[0] ?? '';
  if (topFolder !== `redis-${orig.version}`) {
    throw new LabError(`${file}: expected its top folder to be redis-${orig.version}/, found '${topFolder}/'`);
  }
  return { version: orig.version, file, topFolder };
}

export function redisSourceCached(): boolean {
  try {
    const dir = join(REDIS_SOURCE_DIR, machineDebianMirror().suite);
    return existsSync(dir) && findOrigTarball(readdirSync(dir)) !== undefined;
  } catch {
    return false;
  }
}
