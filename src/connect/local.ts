import { spawn } from 'node:child_process';
import { open, readFile, rm } from 'node:fs/promises';
import { userInfo } from 'node:os';
import type { Readable } from 'node:stream';
import type { Become, CommandResult, Connection, Forward, PutOptions, RunOptions } from '../core/connection.js';
import { ModuleError, trimOutput } from '../core/errors.js';
import { sh, shellText, type Command } from '../core/sh.js';
import { BecomeModes, becomeFailure, innerScript, launchText } from './commandScript.js';
import { CommandTimeoutError, abortError } from './errors.js';
import { finalizeCommand, shellPutCommand, tempPathFor, toBuffer } from './transfer.js';

/** This machine as a host (`ansible_connection: local`, localhost): same contract, no SSH. */
export class LocalConnection implements Connection {
  private readonly user: string;
  private readonly becomeModes: BecomeModes;

  constructor(readonly host: string) {
    this.user = userInfo().username;
    this.becomeModes = new BecomeModes(this.user, async (probe) => (await this.run(shellText(probe))).code === 0);
  }

  async run(cmd: Command, opts: RunOptions = {}): Promise<CommandResult> {
    if (opts.signal?.aborted) throw abortError(opts.signal);
    const started = performance.now();
    const stdin = opts.stdin === undefined ? undefined : await toBuffer(opts.stdin);
    const mode = await this.becomeModes.for(opts.become);
    const inner = innerScript(cmd, { ...(opts.cwd !== undefined ? { cwd: opts.cwd } : {}), ...(opts.env ? { env: opts.env } : {}) });
    const capture = opts.capture !== false;
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let errHead = Buffer.alloc(0);
    // detached: the command leads its own process group, so a timeout kills everything it started
    const child = spawn('/bin/sh', ['-c', launchText(inner.text, mode)], { detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
    child.stdout.on('data', (chunk: Buffer) => {
      if (capture) out.push(chunk);
      opts.onOutput?.('stdout', chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (capture) err.push(chunk);
      if (errHead.length < 4096) errHead = Buffer.concat([errHead, chunk]);
      opts.onOutput?.('stderr', chunk);
    });
    child.stdin.on('error', () => undefined); // a command that does not read its stdin closes it early
    if (mode.kind === 'password') child.stdin.write(mode.password + '\n');
    if (stdin) child.stdin.write(stdin);
    child.stdin.end();
    const timeoutMs = opts.timeoutMs;
    const { code, signal } = await new Promise<{ code: number | null; signal: string | null }>((resolve, reject) => {
      let interrupted: Error | null = null;
      const kill = (e: Error): void => {
        interrupted ??= e;
        try {
          if (child.pid) process.kill(-child.pid, 'SIGKILL');
        } catch {
          child.kill('SIGKILL');
        }
      };
      const timer = timeoutMs ? setTimeout(() => kill(new CommandTimeoutError(cmd.display, timeoutMs, this.host)), timeoutMs) : undefined;
      const onAbort = (): void => kill(abortError(opts.signal as AbortSignal));
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      child.on('error', (e) => reject(new ModuleError(`cannot start /bin/sh: ${e.message}`)));
      child.on('close', (c, s) => {
        clearTimeout(timer);
        opts.signal?.removeEventListener('abort', onAbort);
        if (interrupted) reject(interrupted);
        else resolve({ code: c, signal: s });
      });
    });
    const failure = becomeFailure(code, errHead, mode, this.user, this.host);
    if (failure) throw failure;
    return { code, signal, stdout: Buffer.concat(out), stderr: Buffer.concat(err), durationMs: performance.now() - started };
  }


  async put(path: string, data: Buffer | Readable, opts: PutOptions = {}): Promise<void> {
    const content = await toBuffer(data);
    let result: CommandResult;
    if (opts.become && opts.become.user !== this.user) {
      result = await this.run(shellPutCommand(path, opts), { stdin: content, become: opts.become });
    } else {
      const tmp = tempPathFor(path);
      try {
        const file = await open(tmp, 'wx', 0o600);
        try {
          await file.writeFile(content);
          await file.sync();
        } finally {
          await file.close();
        }
      } catch (e) {
        await rm(tmp, { force: true });
        throw new ModuleError(`cannot write ${path} on ${this.host}: ${(e as Error).message}`);
      }
      result = await this.run(finalizeCommand(tmp, path, opts));
    }
    if (result.code !== 0) throw new ModuleError(`cannot write ${path} on ${this.host}: ${trimOutput(result.stderr.toString('utf8')) || `exit code ${result.code}`}`);
  }

  async get(path: string, opts: { become?: Become } = {}): Promise<Buffer> {
    if (!opts.become || opts.become.user === this.user) {
      try {
        return await readFile(path);
      } catch (e) {
        throw new ModuleError(`cannot read ${path} on ${this.host}: ${(e as Error).message}`);
      }
    }
    const result = await this.run(sh`cat -- ${path}`, { become: opts.become });
    if (result.code !== 0) throw new ModuleError(`cannot read ${path} on ${this.host}: ${trimOutput(result.stderr.toString('utf8'))}`);
    return result.stdout;
  }

  /** The host is this machine: its port is already reachable. */
  async forward(remotePort: number, remoteHost = '127.0.0.1'): Promise<Forward> {
    return { port: remotePort, host: remoteHost, close: async () => undefined };
  }

  async close(): Promise<void> {}
}
