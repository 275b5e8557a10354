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
  /** A port on the controller that reaches remoteHost:remotePort as seen from the host (127.0.0.1 by default). */
  port: number;
  /** The controller address to connect to for `port`; 127.0.0.1 when absent. */
  host?: string;
  close(): Promise<void>;
}

/** One host's transport. Implementations: connect/ssh.ts (ssh2, persistent shell) and connect/local.ts. */
export interface Connection {
  readonly host: string;
  run(cmd: Command, opts?: RunOptions): Promise<CommandResult>;
  /** Atomic: a temp file in the target folder, mode/owner set, then rename. */
  put(path: string, data: Buffer | Readable, opts?: PutOptions): Promise<void>;
  get(path: string, opts?: { become?: Become }): Promise<Buffer>;
  /** remoteHost: the address on the host's side (a Redis bound to its LAN address only); default 127.0.0.1. */
  forward(remotePort: number, remoteHost?: string): Promise<Forward>;
  close(): Promise<void>;
}
