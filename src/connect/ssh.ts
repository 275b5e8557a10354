import { setMaxListeners } from 'node:events';
import type { Duplex } from 'node:stream';
import type { Client, ClientChannel, SFTPWrapper } from 'ssh2';
import type { Become, CommandResult, Connection, Forward, PutOptions, RunOptions } from '../core/connection.js';
import { ModuleError, UnreachableError, trimOutput } from '../core/errors.js';
import { sh, shellText, type Command } from '../core/sh.js';
import { BecomeModes, becomeFailure, innerScript, launchText } from './commandScript.js';
import { CommandTimeoutError, abortError, formatSeconds } from './errors.js';
import { runExecChannel } from './execChannel.js';
import { startForward } from './forward.js';
import { killCommand, killGroupText } from './framing.js';
import { RemoteShell, ShellClosedError } from './remoteShell.js';
import { DEFAULT_CONNECT_TIMEOUT_MS, openClient } from './sshClient.js';
import type { SshTarget } from './target.js';
import { sftpWriteFile, shellPutCommand, finalizeCommand, tempPathFor, toBuffer } from './transfer.js';

export type { SshTarget } from './target.js';

/** Shells kept open per connection: commands queue for a free one; a long command does not stall the others. */
const MAX_SHELLS = 4;
const SHELL_START_TIMEOUT_MS = 10_000;
/** After a kill, how long the shell gets to print the end marker before it is replaced. */
const KILL_GRACE_MS = 3_000;

interface Waiter {
  resolve: (shell: RemoteShell) => void;
  reject: (err: Error) => void;
}

export async function connectSsh(target: SshTarget, signal?: AbortSignal): Promise<Connection> {
  let jump: SshConnection | undefined;
  let sock: Duplex | undefined;
  if (target.jump) {
    jump = (await connectSsh(target.jump, signal)) as SshConnection;
    try {
      sock = await openTunnelWithin(jump, target);
    } catch (err) {
      await jump.close();
      throw new UnreachableError(`ssh ${target.user}@${target.address}:${target.port} via ${target.jump.address}: the jump host could not reach it: ${(err as Error).message}`);
    }
  }
  try {
    return new SshConnection(target, await openClient(target, sock, signal), jump);
  } catch (err) {
    await jump?.close();
    throw err;
  }
}

/**
 * The jump host's sshd connects to the target only when asked; a target that drops SYNs would keep that request
 * open for minutes, so it gets the target's own connect timeout.
 */
function openTunnelWithin(jump: SshConnection, target: SshTarget): Promise<Duplex> {
  const timeoutMs = target.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  return new Promise<Duplex>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer after ${formatSeconds(timeoutMs)}`)), timeoutMs);
    jump.openTunnel(target.address, target.port).then(
      (stream) => {
        clearTimeout(timer);
        resolve(stream);
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err instanceof Error ? err : new Error(String(err)));
      },
    );
  });
}

/** One SSH connection per host for the run: persistent shells for commands, SFTP for put, tunnels for forward. */
export class SshConnection implements Connection {
  readonly host: string;
  private lost: string | null = null;
  private closing = false;
  private shells: RemoteShell[] = [];
  private starting = 0;
  private waiters: Waiter[] = [];
  private execMode: boolean;
  private readonly becomeModes: BecomeModes;
  private sftp: Promise<SFTPWrapper | null> | null = null;
  private forwards = new Set<Forward>();

  constructor(
    private readonly target: SshTarget,
    private readonly client: Client,
    private readonly jump?: SshConnection,
  ) {
    this.host = target.host;
    this.becomeModes = new BecomeModes(target.user, async (probe) => (await this.run(shellText(probe))).code === 0);
    this.execMode = target.execChannelPerCommand === true;
    if (this.execMode) this.verbose('persistent shell disabled, using one exec channel per command');
    client.on('error', (err: Error & { code?: string; level?: string }) => {
      this.lost ??= err.level === 'client-timeout' ? 'no answer to keepalives' : err.code ?? err.message;
    });
    client.on('close', () => {
      this.lost ??= 'closed by the remote side';
      for (const w of this.waiters.splice(0)) w.reject(this.unreachable());
    });
  }

  private noiseNoted = false;

  /** Said once per connection: the login shell's own output (a noisy ~/.bashrc) was dropped, not lost command output. */
  private noteLoginNoise(text: string): void {
    if (this.noiseNoted) return;
    this.noiseNoted = true;
    this.verbose(`the login shell printed before the command shell started (dropped): ${JSON.stringify(text.slice(0, 120))}`);
  }

  private verbose(msg: string): void {
    this.target.verbose?.(`${this.host}: ${msg}`);
  }

  private unreachable(): UnreachableError {
    return new UnreachableError(this.closing ? `connection to ${this.host} was closed` : `connection lost: ${this.lost ?? 'unknown reason'}`);
  }

  async run(cmd: Command, opts: RunOptions = {}): Promise<CommandResult> {
    if (this.lost || this.closing) throw this.unreachable();
    if (opts.signal?.aborted) throw abortError(opts.signal);
    // the executor shares one kill signal among all hosts' running commands (one listener each, up to --forks):
    // that is by design, not the leak Node warns about past 10 listeners
    if (opts.signal) setMaxListeners(0, opts.signal);
    const started = performance.now();
    const stdin = opts.stdin === undefined ? undefined : await toBuffer(opts.stdin);
    const mode = await this.becomeModes.for(opts.become);
    const inner = innerScript(cmd, { ...(opts.cwd !== undefined ? { cwd: opts.cwd } : {}), ...(opts.env ? { env: opts.env } : {}) });
    const capture = opts.capture !== false;
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let errHead = Buffer.alloc(0); // sudo's own messages are recognised even when output is not captured
    const onOutput = (stream: 'stdout' | 'stderr', chunk: Buffer): void => {
      if (capture) (stream === 'stdout' ? out : err).push(chunk);
      if (stream === 'stderr' && errHead.length < 4096) errHead = Buffer.concat([errHead, chunk]);
      opts.onOutput?.(stream, chunk);
    };
    const timeoutMs = opts.timeoutMs ?? this.target.commandTimeoutMs;
    const request = { launch: launchText(inner.text, mode), ...(mode.kind === 'direct' ? { inner: inner.text } : {}), ...(mode.kind === 'password' ? { password: mode.password } : {}), ...(stdin ? { stdin } : {}) };
    let code: number | null;
    let signal: string | null = null;
    try {
      if (!this.execMode) {
        const shell = await this.acquireShell();
        if (shell) {
          try {
            code = await this.runInShell(shell, request, onOutput, cmd.display, timeoutMs, opts.signal);
          } finally {
            this.releaseShell(shell);
          }
        } else {
          ({ code, signal } = await this.runExec(request, onOutput, cmd.display, timeoutMs, opts.signal));
        }
      } else {
        ({ code, signal } = await this.runExec(request, onOutput, cmd.display, timeoutMs, opts.signal));
      }
    } catch (e) {
      if (e instanceof ShellClosedError || (e as Error).message === 'No response from server') {
        await new Promise((r) => setTimeout(r, 50)); // let the client report why the connection went
        if (this.lost || this.closing) throw this.unreachable();
        throw new ModuleError(`the remote shell on ${this.host} died while running: ${cmd.display}`);
      }
      throw e;
    }
    const failure = becomeFailure(code, errHead, mode, this.target.user, this.host);
    if (failure) throw failure;
    return { code, signal, stdout: Buffer.concat(out), stderr: Buffer.concat(err), durationMs: performance.now() - started };
  }


  // ---- the shell pool

  private async acquireShell(): Promise<RemoteShell | null> {
    this.shells = this.shells.filter((s) => !s.closed);
    const idle = this.shells.find((s) => !s.busy);
    if (idle) {
      idle.busy = true;
      return idle;
    }
    if (this.shells.length + this.starting < MAX_SHELLS) {
      this.starting++;
      try {
        const shell = await RemoteShell.start((c) => this.openChannel(c), SHELL_START_TIMEOUT_MS, (noise) => this.noteLoginNoise(noise));
        shell.busy = true;
        this.shells.push(shell);
        return shell;
      } catch (err) {
        if (this.lost) throw this.unreachable();
        if (this.shells.length > 0) return await new Promise<RemoteShell>((resolve, reject) => this.waiters.push({ resolve, reject }));
        this.execMode = true;
        this.verbose(`persistent shell unavailable (${(err as Error).message}), using one exec channel per command`);
        return null;
      } finally {
        this.starting--;
      }
    }
    return await new Promise<RemoteShell>((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  private releaseShell(shell: RemoteShell): void {
    shell.busy = false;
    const waiter = this.waiters.shift();
    if (!waiter) return;
    if (!shell.closed) {
      shell.busy = true;
      waiter.resolve(shell);
      return;
    }
    this.acquireShell().then((s) => (s ? waiter.resolve(s) : waiter.reject(new ModuleError('no shell available'))), waiter.reject);
  }

  private async runInShell(
    shell: RemoteShell,
    request: { launch: string; inner?: string; password?: string; stdin?: Buffer },
    onOutput: (stream: 'stdout' | 'stderr', chunk: Buffer) => void,
    display: string,
    timeoutMs: number | undefined,
    signal: AbortSignal | undefined,
  ): Promise<number> {
    const done = shell.run(request, onOutput);
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    const interrupted = new Promise<Error>((resolve) => {
      if (timeoutMs) timer = setTimeout(() => resolve(new CommandTimeoutError(display, timeoutMs, this.host)), timeoutMs);
      if (signal) {
        onAbort = () => resolve(abortError(signal));
        signal.addEventListener('abort', onAbort, { once: true });
      }
    });
    try {
      const first = await Promise.race([done.then((code) => ({ code })), interrupted.then((error) => ({ error }))]);
      if ('code' in first) return first.code;
      const withPassword = request.password !== undefined;
      await this.execSimple(killCommand(shell.dir, { sudoPassword: withPassword }), KILL_GRACE_MS, withPassword ? [Buffer.from(request.password + '\n')] : []).catch(() => undefined);
      let grace: NodeJS.Timeout | undefined;
      const answered = await Promise.race([
        done.then(() => true, () => true),
        new Promise<boolean>((r) => (grace = setTimeout(() => r(false), KILL_GRACE_MS))),
      ]);
      clearTimeout(grace); // left running, it would hold the process open for 3 s after a Ctrl-C
      if (!answered) {
        this.verbose('the shell did not answer after killing a command; replacing it');
        shell.destroy(new ShellClosedError('replaced after a kill'));
        done.catch(() => undefined);
      }
      throw first.error;
    } finally {
      clearTimeout(timer);
      if (onAbort) signal?.removeEventListener('abort', onAbort);
    }
  }

  private runExec(
    request: { launch: string; password?: string; stdin?: Buffer },
    onOutput: (stream: 'stdout' | 'stderr', chunk: Buffer) => void,
    display: string,
    timeoutMs: number | undefined,
    signal: AbortSignal | undefined,
  ): Promise<{ code: number | null; signal: string | null }> {
    return runExecChannel({
      open: (c) => this.openChannel(c),
      command: request.launch,
      input: [...(request.password !== undefined ? [Buffer.from(request.password + '\n')] : []), ...(request.stdin ? [request.stdin] : [])],
      onOutput,
      ...(timeoutMs ? { timeoutMs, onTimeout: () => new CommandTimeoutError(display, timeoutMs, this.host) } : {}),
      ...(signal ? { signal } : {}),
      // the session's group holds the login shell and sudo, with the become user's command under it
      killGroup: (pgid) =>
        request.password !== undefined
          ? this.execSimple(killGroupText(String(pgid), { sudoPassword: true }), KILL_GRACE_MS, [Buffer.from(request.password + '\n')])
          : this.execSimple(killGroupText(String(pgid)), KILL_GRACE_MS),
    });
  }

  /** A short helper command on its own channel (kill), output ignored. */
  private async execSimple(command: string, timeoutMs: number, input: Buffer[] = []): Promise<void> {
    await runExecChannel({ open: (c) => this.openChannel(c), command, input, onOutput: () => undefined, timeoutMs, onTimeout: () => new Error('timeout') });
  }

  private openChannel(command: string): Promise<ClientChannel> {
    return new Promise<ClientChannel>((resolve, reject) => {
      if (this.lost) return reject(this.unreachable());
      this.client.exec(command, (err, channel) => (err ? reject(err) : resolve(channel)));
    });
  }

  // ---- files

  async put(path: string, data: Buffer | import('node:stream').Readable, opts: PutOptions = {}): Promise<void> {
    const content = await toBuffer(data);
    const sftp = opts.become ? null : await this.sftpSession();
    let result: CommandResult;
    if (sftp) {
      const tmp = tempPathFor(path);
      try {
        await sftpWriteFile(sftp, tmp, content);
      } catch (err) {
        await this.run(sh`rm -f -- ${tmp}`).catch(() => undefined);
        throw new ModuleError(`cannot write ${path} on ${this.host}: ${(err as Error).message}`);
      }
      result = await this.run(finalizeCommand(tmp, path, opts));
    } else {
      result = await this.run(shellPutCommand(path, opts), { stdin: content, ...(opts.become ? { become: opts.become } : {}) });
    }
    if (result.code !== 0) throw new ModuleError(`cannot write ${path} on ${this.host}: ${trimOutput(result.stderr.toString('utf8')) || `exit code ${result.code}`}`);
  }

  async get(path: string, opts: { become?: Become } = {}): Promise<Buffer> {
    const result = await this.run(sh`cat -- ${path}`, opts.become ? { become: opts.become } : {});
    if (result.code !== 0) throw new ModuleError(`cannot read ${path} on ${this.host}: ${trimOutput(result.stderr.toString('utf8')) || `exit code ${result.code}`}`);
    return result.stdout;
  }

  private sftpSession(): Promise<SFTPWrapper | null> {
    if (this.target.disableSftp) return Promise.resolve(null);
    this.sftp ??= new Promise<SFTPWrapper | null>((resolve) => {
      this.client.sftp((err, sftp) => {
        if (err) {
          this.verbose(`SFTP unavailable (${err.message}), transferring files through the shell`);
          resolve(null);
        } else resolve(sftp);
      });
    });
    return this.sftp;
  }

  // ---- tunnels

  /** A channel to host:port as seen from this host (ssh -L / ProxyJump). */
  openTunnel(host: string, port: number): Promise<Duplex> {
    return new Promise<Duplex>((resolve, reject) => {
      if (this.lost) return reject(this.unreachable());
      this.client.forwardOut('127.0.0.1', 0, host, port, (err, stream) => (err ? reject(err) : resolve(stream)));
    });
  }

  async forward(remotePort: number, remoteHost = '127.0.0.1'): Promise<Forward> {
    if (this.lost || this.closing) throw this.unreachable();
    const fwd = await startForward(remotePort, (h, p) => this.openTunnel(h, p), remoteHost);
    this.forwards.add(fwd);
    return {
      port: fwd.port,
      close: async () => {
        this.forwards.delete(fwd);
        await fwd.close();
      },
    };
  }

  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    await Promise.all([...this.forwards].map((f) => f.close()));
    for (const s of this.shells) s.destroy(new ShellClosedError('connection closed'));
    await new Promise<void>((resolve) => {
      if (this.lost) return resolve();
      this.client.once('close', () => resolve());
      this.client.end();
      setTimeout(resolve, 2000).unref();
    });
    await this.jump?.close();
  }
}
