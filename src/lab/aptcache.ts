/**
 * Debian's apt-cacher-ng on the bridge address, run by the lab with its own configuration, so three hosts
 * installing the same packages download each once. Its cache lives in the lab cache folder and survives `down`.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, openSync, writeFileSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { LabError } from '../core/errors.js';
import { APT_CACHE_DATA_DIR, APT_CACHE_PORT, LOG_DIR, RUN_DIR } from './paths.js';
import { waitForPort } from './wait.js';
import type { ServiceRecord } from './state.js';

export async function startAptCache(bridgeAddress: string): Promise<ServiceRecord> {
  const confDir = join(RUN_DIR, 'apt-cacher-ng');
  const logDir = join(LOG_DIR, 'apt-cacher-ng');
  for (const d of [confDir, logDir, APT_CACHE_DATA_DIR]) mkdirSync(d, { recursive: true });
  // A plain caching proxy: hosts ask for http://<mirror>/... through it, it stores by URL. No remapping files needed.
  writeFileSync(
    join(confDir, 'acng.conf'),
    [
      `CacheDir: ${APT_CACHE_DATA_DIR}`,
      `LogDir: ${logDir}`,
      `Port: ${APT_CACHE_PORT}`,
      `BindAddress: ${bridgeAddress}`,
      `SocketPath: ${join(confDir, 'socket')}`,
      `PidFile: ${join(confDir, 'pid')}`,
      'ExThreshold: 4',
      'ForeGround: 1',
      '',
    ].join('\n'),
  );
  const logFd = openSync(join(LOG_DIR, 'apt-cacher-ng.out'), 'a');
  const child = spawn('/usr/sbin/apt-cacher-ng', ['-c', confDir], { detached: true, stdio: ['ignore', logFd, logFd] });
  closeSync(logFd);
  const pid = child.pid;
  child.unref();
  if (pid === undefined) throw new LabError('apt-cacher-ng could not be started (is the apt-cacher-ng package installed?)');
  await waitForPort(bridgeAddress, APT_CACHE_PORT, 10_000, 'apt-cacher-ng');
  return { pid, url: `http://${bridgeAddress}:${APT_CACHE_PORT}` };
}

/** The apt configuration each host gets: every http download through the lab's cache. */
export function aptProxyConf(url: string): string {
  return `Acquire::http::Proxy "${url}";\n`;
}
