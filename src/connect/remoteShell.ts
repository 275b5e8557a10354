import type { ClientChannel } from 'ssh2';
import { encodeRequest, FrameReader, newMarker, SERVER_COMMAND, type FrameRequest } from './framing.js';

export type OpenChannel = (command: string) => Promise<ClientChannel>;

/** Why a shell stopped answering: the channel closed (connection lost or shell died). */
export class ShellClosedError extends Error {
  override name = 'ShellClosedError';
}

interface Pending {
  stdout: FrameReader;
  stderr: FrameReader;
  resolve: (code: number) => void;
  reject: (err: Error) => void;
}

/** One persistent `sh` on the host, running one framed command at a time (the pool in ssh.ts queues). */
export class RemoteShell {
  busy = false;
  closed = false;
  private current: Pending | null = null;

  private constructor(
    private readonly channel: ClientChannel,
    /** The shell's private 0700 folder (stdin spool, pid of the running command). */
    readonly dir: string,
    readonly hasSetsid: boolean,
  ) {
    channel.on('data', (chunk: Buffer) => this.feed('stdout', chunk));
    channel.stderr.on('data', (chunk: Buffer) => this.feed('stderr', chunk));
    channel.on('close', () => this.fail(new ShellClosedError('the remote shell closed')));
  }

  /**
   * Start the server loop and wait for its READY lines; throws if they never come (a ForceCommand, no sh).
   * sshd starts it through the login shell, which may print first (a ~/.bashrc that echoes, even without a final
   * newline): that text comes before READY on each stream and is dropped, so the shell still runs there.
   */
  static async start(open: OpenChannel, timeoutMs: number, onNoise?: (text: string) => void): Promise<RemoteShell> {
    const channel = await open(SERVER_COMMAND);
    return await new Promise<RemoteShell>((resolve, reject) => {
      let seen = Buffer.alloc(0);
      let errSeen = Buffer.alloc(0);
      let ready: { dir: string; setsid: boolean } | null = null;
      let errReady = false;
      const timer = setTimeout(() => finish(new Error(`no answer from the shell within ${timeoutMs} ms${seen.length ? `; it printed ${JSON.stringify(seen.subarray(0, 200).toString('utf8'))}` : ''}`)), timeoutMs);
      const check = (): void => {
        if (ready && errReady) finish(null, new RemoteShell(channel, ready.dir, ready.setsid));
      };
      const onErr = (chunk: Buffer): void => {
        if (errReady) return;
        errSeen = Buffer.concat([errSeen, chunk]);
        const at = errSeen.indexOf('RP-READY\n');
        if (at < 0) return;
        if (at > 0) onNoise?.(errSeen.subarray(0, at).toString('utf8'));
        errReady = true;
        check();
      };
      const onData = (chunk: Buffer): void => {
        if (ready) return;
        seen = Buffer.concat([seen, chunk]);
        const m = /RP-READY (\S+) (\S+)\n/.exec(seen.toString('latin1'));
        if (!m) return;
        if (m.index > 0) onNoise?.(seen.subarray(0, m.index).toString('utf8'));
        ready = { dir: Buffer.from(m[1] ?? '', 'latin1').toString('utf8'), setsid: m[2] !== '-' };
        check();
      };
      const onClose = (): void => {
        const said = (errSeen.toString('utf8') || seen.toString('utf8')).trim().slice(0, 300);
        finish(new Error(`the shell exited at once${said ? `: ${said}` : ''}`));
      };
      function finish(err: Error | null, shell?: RemoteShell): void {
        clearTimeout(timer);
        channel.off('data', onData);
        channel.stderr.off('data', onErr);
        channel.off('close', onClose);
        if (err || !shell) {
          channel.close();
          reject(err ?? new Error('shell start failed'));
        } else resolve(shell);
      }
      channel.on('data', onData);
      channel.stderr.on('data', onErr);
      channel.on('close', onClose);
    });
  }

  /** Send one command; resolves with its exit code once both streams carried the end marker. */
  run(req: Omit<FrameRequest, 'marker' | 'hasSetsid'>, onOutput: (stream: 'stdout' | 'stderr', chunk: Buffer) => void): Promise<number> {
    if (this.closed) return Promise.reject(new ShellClosedError('the remote shell is closed'));
    const marker = newMarker();
    return new Promise<number>((resolve, reject) => {
      this.current = {
        stdout: new FrameReader(marker, (c) => onOutput('stdout', c)),
        stderr: new FrameReader(marker, (c) => onOutput('stderr', c)),
        resolve,
        reject,
      };
      void this.write(encodeRequest({ ...req, marker, hasSetsid: this.hasSetsid })).catch((err: Error) => this.fail(err));
    });
  }

  private async write(parts: Buffer[]): Promise<void> {
    // one SSH packet (and TCP segment) per command when it is small, rather than one per part
    const total = parts.reduce((n, p) => n + p.length, 0);
    if (total <= 1 << 16) parts = [Buffer.concat(parts, total)];
    for (const part of parts) {
      // big stdin is sliced so backpressure is honoured without holding a second copy
      for (let off = 0; off < part.length; off += 1 << 20) {
        if (this.closed) return;
        const ok = this.channel.write(part.subarray(off, off + (1 << 20)));
        if (!ok) await new Promise<void>((r) => this.channel.once('drain', () => r()));
      }
    }
  }

  private feed(stream: 'stdout' | 'stderr', chunk: Buffer): void {
    const p = this.current;
    if (!p) return; // stray output of a background process after its command ended: nobody asked for it
    const wasHalf = p.stdout.done !== p.stderr.done;
    if (stream === 'stdout') p.stdout.push(chunk);
    else p.stderr.push(chunk);
    // The ACK nudge (see framing.ts), only when the other marker was not in the same read from the socket: a
    // write costs the controller more than anything else per command (the lab's network stack runs in it).
    if (!wasHalf && p.stdout.done !== p.stderr.done) {
      setImmediate(() => {
        if (this.current === p && !this.closed) this.channel.write('\n');
      });
    }
    if (p.stdout.done && p.stderr.done) {
      this.current = null;
      p.resolve(p.stdout.code ?? 255);
    }
  }

  private fail(err: Error): void {
    this.closed = true;
    const p = this.current;
    this.current = null;
    p?.reject(err);
  }

  /** Give up on this shell (it did not answer after a kill): the channel is closed, the pending run rejects. */
  destroy(reason: Error): void {
    this.fail(reason);
    this.channel.close();
  }
}
