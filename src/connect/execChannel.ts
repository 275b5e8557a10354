import type { ClientChannel } from 'ssh2';
import { randomBytes } from 'node:crypto';
import { abortError } from './errors.js';

export interface ExecRequest {
  open: (command: string) => Promise<ClientChannel>;
  command: string;
  input: Buffer[];
  onOutput: (stream: 'stdout' | 'stderr', chunk: Buffer) => void;
  timeoutMs?: number;
  onTimeout?: () => Error;
  signal?: AbortSignal;
  /** Kill a process group on the host (through another channel); without it only the channel is signalled. */
  killGroup?: (pgid: number) => Promise<void>;
}

/**
 * One command on its own exec channel: the fallback where a persistent shell cannot run, and the way
 * helper commands (kill) reach the host while a shell is busy.
 *
 * sshd runs the command through the user's login shell, and that shell may print (a noisy ~/.bashrc) before the
 * command starts. So the command is started after `printf START >&1; printf 'START pid' >&2`, with a random
 * START: whatever comes before it on either stream is the login shell's, not the command's, and is dropped. The
 * pid is the session's shell, which sshd makes a group leader: the group to kill on timeout/abort.
 */
export async function runExecChannel(req: ExecRequest): Promise<{ code: number | null; signal: string | null }> {
  if (req.signal?.aborted) throw abortError(req.signal);
  const start = `RPSTART-${randomBytes(16).toString('hex')}`;
  // the command on its own line after the markers: any shell text (compound commands too) parses as written
  const channel = await req.open(`printf '%s\\n' '${start}'; printf '%s %s\\n' '${start}' "$$" >&2\n${req.command}`);
  return await new Promise((resolve, reject) => {
    let code: number | null = null;
    let exitSignal: string | null = null;
    let finished = false;
    let timer: NodeJS.Timeout | undefined;
    let pgid: number | null = null;
    const stdoutStart = new StartLine(start);
    const stderrStart = new StartLine(start);
    const cleanup = (): void => {
      finished = true;
      clearTimeout(timer);
      req.signal?.removeEventListener('abort', onAbort);
    };
    const interrupt = (err: Error): void => {
      if (finished) return;
      cleanup();
      const kill = pgid !== null && req.killGroup ? req.killGroup(pgid) : Promise.resolve();
      void kill.catch(() => undefined).finally(() => {
        try {
          channel.signal('KILL');
        } catch {
          // the channel may already be gone
        }
        channel.close();
        reject(err); // after the kill, so a caller that goes on finds the host quiet
      });
    };
    const onAbort = (): void => interrupt(abortError(req.signal as AbortSignal));
    if (req.timeoutMs) timer = setTimeout(() => interrupt(req.onTimeout?.() ?? new Error('timeout')), req.timeoutMs);
    req.signal?.addEventListener('abort', onAbort, { once: true });
    channel.on('data', (chunk: Buffer) => {
      if (finished) return;
      const rest = stdoutStart.feed(chunk);
      if (rest?.length) req.onOutput('stdout', rest);
    });
    channel.stderr.on('data', (chunk: Buffer) => {
      if (finished) return;
      const rest = stderrStart.feed(chunk);
      if (stderrStart.tail !== null && pgid === null) pgid = Number(stderrStart.tail) || null;
      if (rest?.length) req.onOutput('stderr', rest);
    });
    channel.on('exit', (c: number | null, sig?: string) => {
      code = typeof c === 'number' ? c : null;
      exitSignal = sig ? (sig.startsWith('SIG') ? sig : `SIG${sig}`) : null;
    });
    channel.on('close', () => {
      if (finished) return;
      cleanup();
      resolve({ code, signal: exitSignal });
    });
    void (async () => {
      for (const part of req.input) {
        if (!channel.write(part)) await new Promise<void>((r) => channel.once('drain', () => r()));
      }
      channel.end();
    })().catch(() => undefined);
  });
}

/**
 * Drops a stream's bytes up to and including the first line that starts with the start marker (the login
 * shell's noise), then passes everything through. `tail` is what followed the marker on its line.
 */
export class StartLine {
  private pending: Buffer | null = Buffer.alloc(0);
  tail: string | null = null;
  constructor(private readonly marker: string) {}

  /** The bytes to pass on (undefined while the marker has not been seen). */
  feed(chunk: Buffer): Buffer | undefined {
    if (this.pending === null) return chunk;
    this.pending = Buffer.concat([this.pending, chunk]);
    const at = this.pending.indexOf(this.marker);
    if (at < 0) return undefined;
    const nl = this.pending.indexOf(0x0a, at);
    if (nl < 0) return undefined;
    this.tail = this.pending.subarray(at + this.marker.length, nl).toString('latin1').trim();
    const rest = this.pending.subarray(nl + 1);
    this.pending = null;
    return rest;
  }
}
