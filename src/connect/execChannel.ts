import type { ClientChannel } from 'ssh2';
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
 * With killGroup, the command is started as `echo $$ >&2; exec …`: sshd makes the session's shell a session
 * (and group) leader, so that first stderr line is the group to kill on timeout/abort; it is not shown.
 */
export async function runExecChannel(req: ExecRequest): Promise<{ code: number | null; signal: string | null }> {
  if (req.signal?.aborted) throw abortError(req.signal);
  const withPid = req.killGroup !== undefined;
  const channel = await req.open(withPid ? `echo "$$" >&2; exec ${req.command}` : req.command);
  return await new Promise((resolve, reject) => {
    let code: number | null = null;
    let exitSignal: string | null = null;
    let finished = false;
    let timer: NodeJS.Timeout | undefined;
    let pgid: number | null = null;
    let pidLine: Buffer | null = withPid ? Buffer.alloc(0) : null;
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
    channel.on('data', (chunk: Buffer) => finished || req.onOutput('stdout', chunk));
    channel.stderr.on('data', (chunk: Buffer) => {
      if (finished) return;
      if (pidLine) {
        pidLine = Buffer.concat([pidLine, chunk]);
        const nl = pidLine.indexOf(0x0a);
        if (nl < 0) return;
        pgid = Number(pidLine.subarray(0, nl).toString('latin1')) || null;
        const rest = pidLine.subarray(nl + 1);
        pidLine = null;
        if (rest.length) req.onOutput('stderr', rest);
        return;
      }
      req.onOutput('stderr', chunk);
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
