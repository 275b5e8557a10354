import { randomBytes } from 'node:crypto';
import { posix } from 'node:path';
import type { Readable } from 'node:stream';
import type { SFTPWrapper } from 'ssh2';
import type { PutOptions } from '../core/connection.js';
import { joinCommands, sh, Raw, quote, type Command } from '../core/sh.js';

/** The temp file beside the target, so the final rename stays on one filesystem (atomic). */
export function tempPathFor(path: string): string {
  return posix.join(posix.dirname(path), `.rp-tmp-${randomBytes(8).toString('hex')}`);
}

export async function toBuffer(data: Buffer | Readable): Promise<Buffer> {
  if (Buffer.isBuffer(data)) return data;
  const chunks: Buffer[] = [];
  for await (const chunk of data) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
  return Buffer.concat(chunks);
}

/**
 * Mode, owner, fsync, rename for a written temp file. Without an explicit mode/owner a replaced file keeps
 * its own (`--reference`), a new one gets 0666 minus the umask, as `cp` would give it.
 */
export function finalizeCommand(tmp: string, path: string, opts: PutOptions): Command {
  const t = quote(tmp);
  const p = quote(path);
  const steps: Command[] = [];
  if (opts.mode !== undefined) steps.push(sh`chmod ${opts.mode.toString(8).padStart(4, '0')} -- ${tmp}`);
  else steps.push(sh`${new Raw(`if [ -e ${p} ]; then chmod --reference=${p} -- ${t}; else chmod "$(printf %o $((0666 & ~$(umask))))" -- ${t}; fi`)}`);
  if (opts.owner !== undefined || opts.group !== undefined) {
    steps.push(sh`chown -- ${`${opts.owner ?? ''}${opts.group !== undefined ? `:${opts.group}` : ''}`} ${tmp}`);
  } else {
    steps.push(sh`${new Raw(`{ [ ! -e ${p} ] || chown --reference=${p} -- ${t} 2>/dev/null || true; }`)}`);
  }
  steps.push(sh`{ sync -- ${tmp} 2>/dev/null || true; }`);
  steps.push(sh`mv -f -- ${tmp} ${path}`);
  const all = joinCommands(steps, ' && ');
  return sh`{ ${all}; } || { rm -f -- ${tmp}; exit 1; }`;
}

/** The whole put through a shell: stdin is the content. */
export function shellPutCommand(path: string, opts: PutOptions): Command {
  const tmp = tempPathFor(path);
  return sh`{ (umask 077 && cat > ${tmp}) || { rm -f -- ${tmp}; exit 1; }; } && ${finalizeCommand(tmp, path, opts)}`;
}

function call<T>(fn: (cb: (err: Error | null | undefined, value: T) => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => fn((err, value) => (err ? reject(err) : resolve(value))));
}

/**
 * Write a file over SFTP with many requests in flight (ssh2's streams keep one, which is slow on latency),
 * as fastPut does but from memory; fsync@openssh.com when the server offers it.
 */
export async function sftpWriteFile(sftp: SFTPWrapper, path: string, data: Buffer): Promise<void> {
  const handle = await call<Buffer>((cb) => sftp.open(path, 'w', { mode: 0o600 }, cb));
  try {
    const chunk = 32 * 1024;
    const inFlight = 64;
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < data.length) {
        const off = next;
        next += chunk;
        const len = Math.min(chunk, data.length - off);
        await call<void>((cb) => sftp.write(handle, data, off, len, off, (err) => cb(err, undefined)));
      }
    };
    await Promise.all(Array.from({ length: inFlight }, worker));
    await call<void>((cb) => sftp.ext_openssh_fsync(handle, (err) => cb(err, undefined))).catch(() => undefined);
  } finally {
    await call<void>((cb) => sftp.close(handle, (err) => cb(err, undefined))).catch(() => undefined);
  }
}
