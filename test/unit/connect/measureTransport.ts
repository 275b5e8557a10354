/**
 * Transport figures against a private loopback sshd (not a test; run by hand):
 *   node --import tsx test/unit/connect/measureTransport.ts
 * Per-command latency (persistent shell vs one exec channel per command, 200 each, median), 50 MB of stdout,
 * put of 20 MB (SFTP and through the shell), become overhead.
 */
import { randomBytes } from 'node:crypto';
import { connectSsh } from '../../../src/connect/ssh.js';
import { sh } from '../../../src/core/sh.js';
import type { Connection } from '../../../src/core/connection.js';
import { startSshd } from './localSshd.js';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

async function latency(c: Connection, n: number, become?: { user: string }): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await c.run(sh`true`, become ? { become } : {});
    times.push(performance.now() - t);
  }
  return median(times);
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

const sshd = await startSshd();
try {
  const shell = await connectSsh(sshd.target());
  const exec = await connectSsh(sshd.target({ execChannelPerCommand: true }));
  const viaShell = await connectSsh(sshd.target({ disableSftp: true }));
  await latency(shell, 10);
  await latency(exec, 10);
  const rows: Array<[string, string]> = [];
  rows.push(['persistent shell, `true`, median of 200', `${(await latency(shell, 200)).toFixed(2)} ms`]);
  rows.push(['exec channel per command, `true`, median of 200', `${(await latency(exec, 200)).toFixed(2)} ms`]);
  rows.push(['persistent shell + sudo -n -u nobody, median of 50', `${(await latency(shell, 50, { user: 'nobody' })).toFixed(2)} ms`]);
  const fifty = 50 * 1024 * 1024;
  for (const [name, c] of [['persistent shell', shell], ['exec channel', exec]] as const) {
    const ms = await timed(() => c.run(sh`head -c ${fifty} /dev/zero`, { capture: false }));
    rows.push([`50 MB stdout (${name})`, `${ms.toFixed(0)} ms = ${((fifty / 1048576) / (ms / 1000)).toFixed(0)} MB/s`]);
  }
  const data = randomBytes(20 * 1024 * 1024);
  const dir = (await shell.run(sh`mktemp -d`)).stdout.toString().trim();
  for (const [name, c] of [['SFTP, 64 writes in flight', shell], ['through the shell', viaShell]] as const) {
    const ms = await timed(() => c.put(`${dir}/f`, data));
    rows.push([`put 20 MB (${name})`, `${ms.toFixed(0)} ms = ${(20 / (ms / 1000)).toFixed(0)} MB/s`]);
  }
  const getMs = await timed(() => shell.get(`${dir}/f`));
  rows.push(['get 20 MB (cat through the shell)', `${getMs.toFixed(0)} ms`]);
  await shell.run(sh`rm -rf ${dir}`);
  for (const [k, v] of rows) console.log(`| ${k} | ${v} |`);
  await Promise.all([shell.close(), exec.close(), viaShell.close()]);
} finally {
  await sshd.stop();
}
