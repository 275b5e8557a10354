import type { Inventory, Play, Playbook, Task, Vars, VarsDirs } from '../core/model.js';
import type { ModuleRegistry } from '../core/registry.js';
import type { RunEvent } from '../core/events.js';
import type { TemplateEngine } from '../template/index.js';
import type { ConnectionPool } from './connections.js';
import type { HostState } from './hostState.js';
import type { RunPlaybookOptions, TaskRecord } from './options.js';
import type { Limit } from './limit.js';

export interface InventoryViews {
  groups: Record<string, string[]>;
  hostvars: Vars;
}

/** Shared by every play of one run. */
export interface RunContext {
  options: RunPlaybookOptions;
  playbook: Playbook;
  inventory: Inventory;
  playbookDirs: VarsDirs;
  registry: ModuleRegistry;
  templates: TemplateEngine;
  pool: ConnectionPool;
  extraVars: Vars;
  hosts: Map<string, HostState>;
  forks: Limit;
  check: boolean;
  diff: boolean;
  verbosity: number;
  records: TaskRecord[];
  emit(event: RunEvent): void;
  /** Set once a graceful stop was asked for: no new task starts. */
  stopping(): boolean;
  /** Aborts running commands (second Ctrl-C). */
  killSignal: AbortSignal;
  /** --start-at-task: true until the named task is reached. */
  skippingToStart: boolean;
}

/** One play (one serial batch at a time). */
export interface PlayContext {
  run: RunContext;
  play: Play;
  index: number;
  /** All hosts the play matched (play_hosts / ansible_play_hosts before failures). */
  playHosts: string[];
  /** The current serial batch (ansible_play_batch). */
  batch: string[];
  roleDefaults: Vars;
  /** vars/main.yml of every role in `roles:`: visible play-wide, below the running role's own. */
  roleVars: Vars;
  /** Play handlers, role handlers and those include_role brought, in definition order. */
  handlers: Task[];
  /** Set by meta: end_play or any_errors_fatal / max_fail_percentage; ends the remaining batches too. */
  ended: boolean;
  /** any_errors_fatal / max_fail_percentage ended the play: as in Ansible, no later play runs either. */
  fatal: boolean;
  /** Set by meta: end_batch. */
  batchEnded: boolean;
  /** --start-at-task: hosts of this batch whose walk reached the task (each host's own walk under `free`). */
  startReached: Set<string>;
  /** Numbers tasks in walk order, for stable task ids. */
  taskCounter: number;
  /** `groups` and `hostvars`, built on first use; dropped when the inventory changes (add_host, group_by). */
  inventoryViews?: InventoryViews;
}
