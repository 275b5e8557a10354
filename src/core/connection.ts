import type { Readable } from 'node:stream';
import type { Command, Secret } from './sh.js';

export interface Become {
  user: string;
  password?: Secret;
}

export interface RunOptions {
  stdin?: Buffer | Readable;
  env?: Record<string, string>;
  /** Run in this folder (quoted by the connection). */
  cwd?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
  become?: Become;
  /** Keep stdout/stderr in the result. Off means output only reaches onOutput (a 50 MB build log is never held). */
  capture?: boolean;
  onOutput?: (stream: 'stdout' | 'stderr', chunk: Buffer) => void;
}

export interface CommandResult {
  code: number | null;
  signal: string | null;
  stdout: Buffer;
  stderr: Buffer;
  durationMs: number;
}

export interface PutOptions {
  mode?: number;
  owner?: string;
  group?: string;
  become?: Become;
}

export interface Forward {
  /** A port on 127.0.0.1 of the controller that reaches 127.0.0.1:remotePort on the host. */
  port: number;
  close(): Promise<void>;
}

/** One host's transport. Implementations: connect/ssh.ts (ssh2, persistent shell) and connect/local.ts. */
export interface Connection {
  readonly host: string;
  run(cmd: Command, opts?: RunOptions): Promise<CommandResult>;
  /** Atomic: a temp file in the target folder, mode/owner set, then rename. */
  put(path: string, data: Buffer | Readable, opts?: PutOptions): Promise<void>;
  get(path: string, opts?: { become?: Become }): Promise<Buffer>;
  forward(remotePort: number): Promise<Forward>;
  close(): Promise<void>;
}
