import type { AnyModule, ModuleRegistry } from '../core/registry.js';
import type { HostStats, RunListener } from '../core/events.js';
import type { Vars } from '../core/model.js';
import type { Connection } from '../core/connection.js';
import type { RunExitCode } from '../core/exitCodes.js';
import type { PromptFn } from './varsPrompt.js';

export type HostKeyChecking = 'strict' | 'accept-new' | 'off';

/** Everything a run can be told; the CLI maps its flags onto this, programmatic users build it directly. */
export interface RunPlaybookOptions {
  playbooks: string | string[];
  /** Inventory files or folders; default: ./inventory/ when it exists. */
  inventory?: string | string[];
  limit?: string;
  extraVars?: Vars;
  tags?: string[];
  skipTags?: string[];
  check?: boolean;
  diff?: boolean;
  /** Hosts worked on at once (default 50). */
  forks?: number;
  user?: string;
  privateKeyFile?: string;
  /** The passphrase of an encrypted private key (the CLI asks for it on a terminal). */
  privateKeyPassphrase?: string;
  password?: string;
  becomePassword?: string;
  /** -b/--become and --become-user: defaults below every play, task and inventory setting, as in Ansible. */
  become?: boolean;
  becomeUser?: string;
  /**
   * Defaults for the connection variables (-c/--connection, --ssh-common-args, --ssh-extra-args), below
   * everything a play or the inventory says.
   */
  connectionDefaults?: Vars;
  hostKeyChecking?: HostKeyChecking;
  knownHostsFiles?: string[];
  startAtTask?: string;
  forceHandlers?: boolean;
  /** --slice I/N: run the I-th (1-based) of N deterministic shares of the selected hosts. */
  slice?: { index: number; count: number };
  /** Abort: stop starting tasks, let running commands finish, close connections (exit 99). */
  signal?: AbortSignal;
  /** Hard abort: also kill running commands (a second Ctrl-C). */
  killSignal?: AbortSignal;
  onEvent?: RunListener;
  verbosity?: number;
  /** Custom modules, added to (and overriding) the built-in ones. */
  modules?: AnyModule[];
  registry?: ModuleRegistry;
  cwd?: string;
  rolesPath?: string[];
  /** Open a host's connection yourself (another transport, a test double); default: SSH, or local for localhost. */
  connect?: (host: string, vars: Vars) => Promise<Connection>;
  connectTimeoutMs?: number;
  commandTimeoutMs?: number;
  /** Asks vars_prompt questions (the CLI's terminal); without it a prompt's default is used, or the run refuses. */
  prompt?: PromptFn;
}

export interface TaskRecord {
  host: string;
  task: string;
  module: string;
  status: 'ok' | 'changed' | 'skipped' | 'failed' | 'unreachable';
  durationMs: number;
  result: Record<string, unknown>;
}

export interface RunResult {
  stats: Record<string, HostStats>;
  /** 0 success, 2 a host failed, 4 a host unreachable (none failed), 99 interrupted. */
  exitCode: RunExitCode;
  interrupted: boolean;
  durationMs: number;
  tasks: TaskRecord[];
}

export { EXIT } from '../core/exitCodes.js';
