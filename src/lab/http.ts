/**
 * A tiny static file server on the bridge address, serving the Redis tarball to the hosts. `lab up` returns and the
 * CLI exits, so the server is its own detached Node process whose pid the state records for `down`.
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { LabError } from '../core/errors.js';
import { HTTP_PORT, LOG_DIR, NAT_COMMENT } from './paths.js';
import type { ServiceRecord } from './state.js';
import { waitForPort } from './wait.js';

/** Serves only plain file names from one folder: no paths, no listing, GET and HEAD only. */
const SERVER_SOURCE = `
const http = require('node:http');
const fs = require('node:fs');
const path = require('node:path');
const [dir, address, port] = process.argv.slice(1);
process.title = ${JSON.stringify(`${NAT_COMMENT}-http`)};
http.createServer((req, res) => {
  const name = decodeURIComponent((req.url || '/').split('?')[0].slice(1));
  if ((req.method !== 'GET' && req.method !== 'HEAD') || !/^[A-Za-z0-9._+-]+$/.test(name) || name.startsWith('.')) {
    res.writeHead(404); res.end(); return;
  }
  const file = path.join(dir, name);
  fs.stat(file, (err, st) => {
    if (err || !st.isFile()) { res.writeHead(404); res.end(); return; }
    res.writeHead(200, { 'content-length': st.size, 'content-type': 'application/octet-stream' });
    if (req.method === 'HEAD') { res.end(); return; }
    fs.createReadStream(file).pipe(res);
  });
}).listen(Number(port), address);
`;

export async function startFileServer(dir: string, address: string): Promise<ServiceRecord> {
  mkdirSync(LOG_DIR, { recursive: true });
  const logFd = openSync(join(LOG_DIR, 'http.out'), 'a');
  const child = spawn(process.execPath, ['-e', SERVER_SOURCE, dir, address, String(HTTP_PORT)], {
    detached: true,
    stdio: ['ignore', logFd, logFd],
  });
  closeSync(logFd);
  const pid = child.pid;
  child.unref();
  if (pid === undefined) throw new LabError('the lab file server could not be started');
  await waitForPort(address, HTTP_PORT, 10_000, 'the lab file server');
  return { pid, url: `http://${address}:${HTTP_PORT}` };
}
