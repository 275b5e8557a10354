/** Runs the machine's tools (ip, iptables, debootstrap, ...) and turns failures into LabErrors a person can read. */
import { spawn } from 'node:child_process';
import { LabError, trimOutput } from '../core/errors.js';

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface ExecOptions {
  timeoutMs?: number;
  input?: string;
  env?: Record<string, string>;
  cwd?: string;
}

/** Runs a program without a shell; never throws for a non-zero exit (see `must`). */
export function run(program: string, args: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
  return new Promise((resolve) => {
    const child = spawn(program, args, {
      stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      env: { ...process.env, LC_ALL: 'C', ...opts.env },
      cwd: opts.cwd,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout?.on('data', (c: Buffer) => out.push(c));
    child.stderr?.on('data', (c: Buffer) => err.push(c));
    let timer: NodeJS.Timeout | undefined;
    if (opts.timeoutMs !== undefined) {
      timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs);
    }
    if (opts.input !== undefined) child.stdin?.end(opts.input);
    child.on('error', (e) => {
      if (timer) clearTimeout(timer);
      resolve({ code: 127, stdout: '', stderr: `${program}: ${e.message}` });
    });
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      const stderr = Buffer.concat(err).toString();
      resolve({
        code: code ?? 128,
        stdout: Buffer.concat(out).toString(),
        stderr: signal ? `${stderr}\n${program} killed by ${signal}` : stderr,
      });
    });
  });
}

/** Runs a program and throws a LabError naming the command and the end of its stderr if it fails. */
export async function must(program: string, args: readonly string[], opts: ExecOptions = {}): Promise<string> {
  const r = await run(program, args, opts);
  if (r.code !== 0) {
    const detail = trimOutput(r.stderr || r.stdout);
    throw new LabError(`${program} ${args.join(' ')} failed (exit ${r.code})${detail ? `:\n${detail}` : ''}`);
  }
  return r.stdout;
}

/** Best effort, for teardown: a failure is returned as text so `down` can go on removing the rest. */
export async function attempt(program: string, args: readonly string[], opts: ExecOptions = {}): Promise<string | undefined> {
  const r = await run(program, args, opts);
  return r.code === 0 ? undefined : `${program} ${args.join(' ')}: ${trimOutput(r.stderr || r.stdout, 3, 300)}`;
}
