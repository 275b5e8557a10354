import type { Position } from './position.js';

/** Variables as loaded from YAML: plain data; strings may hold {{ }} expressions rendered at run time. */
export type Vars = Record<string, unknown>;

/** A condition (when, failed_when, changed_when, until, assert.that): a Handlebars expression and where it was written. */
export interface Condition {
  expr: string;
  pos: Position;
}

/** Keys every task-like node (task, block, include) shares; all optional, inherited from the enclosing block/role/play. */
export interface NodeCommon {
  pos: Position;
  name?: string;
  when: Condition[];
  tags: string[];
  vars: Vars;
  become?: boolean;
  becomeUser?: string;
  environment?: Vars | string;
  ignoreErrors?: boolean;
  ignoreUnreachable?: boolean;
  noLog?: boolean | string;
  checkMode?: boolean;
  diff?: boolean;
  delegateTo?: string;
  runOnce?: boolean;
  throttle?: number | string;
  anyErrorsFatal?: boolean;
  /** The role this node came from, if any: gives role_path, role defaults/vars and file search paths. */
  role?: RoleInstance;
}

export interface LoopControl {
  loopVar: string;
  indexVar?: string;
  label?: string;
  pause?: number;
  extended?: boolean;
}

export interface Task extends NodeCommon {
  kind: 'task';
  /** Canonical module name from the registry (e.g. 'apt', even if written ansible.builtin.apt). */
  module: string;
  /** Module arguments after k=v / free-form / args: merging; values may contain {{ }}. */
  args: Vars;
  /** Position of each top-level argument (for errors found after rendering). */
  argPositions: Record<string, Position>;
  loop?: unknown;
  loopControl?: LoopControl;
  register?: string;
  notify: string[];
  failedWhen: Condition[];
  changedWhen: Condition[];
  until: Condition[];
  retries?: number | string;
  delay?: number | string;
  /** Handlers only: topics this handler listens to, besides its name. */
  listen: string[];
}

export interface Block extends NodeCommon {
  kind: 'block';
  block: TaskNode[];
  rescue: TaskNode[];
  always: TaskNode[];
  /**
   * The block of a `roles:` entry or a meta dependency. Repeats of the same reference (same role, params, vars,
   * when, tags) share one RoleInstance, and a host on which that instance already ran a task skips the repeat,
   * as Ansible's has_run() does; the repeat still runs on the hosts where it did not.
   */
  roleOnce?: boolean;
}

/**
 * include_tasks / include_role (dynamic: `when`/`loop` apply to the include itself, vars are params) and
 * import_* are both loaded before any host is touched; imports are inlined, includes keep this node.
 */
export interface Include extends NodeCommon {
  kind: 'include';
  what: 'tasks' | 'role';
  /** What was written (file or role name), for messages. */
  target: string;
  /** include_tasks: the file found, which Ansible's `included:` line names (the tasks may be wrapped by `apply`, or none). */
  file?: string;
  loop?: unknown;
  loopControl?: LoopControl;
  params: Vars;
  tasks: TaskNode[];
  /** include_role brings its handlers into the play. */
  handlers: Task[];
}

export type TaskNode = Task | Block | Include;

export interface RoleInstance {
  name: string;
  /** Absolute folder of the role. */
  path: string;
  defaults: Vars;
  vars: Vars;
  /** Parameters given where the role was referenced (`roles: [{role: x, port: 1}]`). */
  params: Vars;
  /** Roles this one depends on (meta/main.yml), already expanded before it in the task list. */
  dependencies: RoleInstance[];
  /** The parent role, when this one was pulled in as a dependency/include from another role. */
  parent?: RoleInstance;
}

export interface Play {
  kind: 'play';
  pos: Position;
  name: string;
  hosts: string;
  /** Where the text of `hosts:` starts, for errors in a templated pattern. */
  hostsPos?: Position;
  /** The playbook file this play came from; playbook_dir is its folder. */
  file: string;
  remoteUser?: string;
  vars: Vars;
  /** vars_files, loaded (later files win). */
  varsFiles: Vars;
  /** vars_prompt: asked once before the run starts (never between plays, so no host is touched before an answer). */
  varsPrompt?: VarPrompt[];
  become?: boolean;
  becomeUser?: string;
  gatherFacts: boolean;
  serial?: Array<number | string>;
  strategy: 'linear' | 'free';
  anyErrorsFatal: boolean;
  maxFailPercentage?: number;
  tags: string[];
  environment?: Vars | string;
  /** Task keywords written on the play (ignore_errors, no_log, check_mode, diff, throttle, …): defaults of its tasks. */
  taskDefaults: Partial<Pick<NodeCommon, 'ignoreErrors' | 'ignoreUnreachable' | 'noLog' | 'checkMode' | 'diff' | 'throttle'>>;
  forceHandlers?: boolean;
  /** Play-level defaults of connection variables (ansible_connection, ansible_port); the inventory's win. */
  connectionDefaults: Vars;
  order?: 'inventory' | 'reverse_inventory' | 'sorted' | 'reverse_sorted' | 'shuffle';
  /** Roles from `roles:` (each a block whose nodes carry `role`), run after pre_tasks and before tasks. */
  roles: Block[];
  preTasks: TaskNode[];
  tasks: TaskNode[];
  postTasks: TaskNode[];
  /** Play handlers, then the handlers of each role, in definition order. */
  handlers: Task[];
}

export interface Playbook {
  /** The file given on the command line (first one if several). */
  file: string;
  /** playbook_dir: the folder of the first playbook. */
  dir: string;
  /** import_playbook already expanded, in order. */
  plays: Play[];
}

export interface InventoryHost {
  name: string;
  pos: Position;
  /** Vars written on the host in the inventory file (INI `host k=v`, YAML hosts: {h: {k: v}}). */
  vars: Vars;
  /** Groups that list this host directly. */
  groups: string[];
  /**
   * Names in `vars` set by add_host at run time. Their values were rendered once as task arguments and may hold
   * host data (a registered stdout, a fact), so they are never rendered again (Ansible's CVE-2024-11079).
   */
  literalVars?: Set<string>;
}

export interface InventoryGroup {
  name: string;
  pos: Position;
  /** Vars written on the group in the inventory file. */
  vars: Vars;
  hosts: string[];
  children: string[];
}

/** Variables found in group_vars/ and host_vars/ folders beside an inventory or a playbook. */
export interface VarsDirs {
  groupVars: Record<string, Vars>;
  hostVars: Record<string, Vars>;
}

export interface VarPrompt {
  name: string;
  prompt: string;
  default?: string;
  /** Not echoed (Ansible's default). */
  private: boolean;
  /** Asked twice; both answers must match. */
  confirm: boolean;
  pos: Position;
}

export interface Inventory {
  /** Files or folders it was loaded from. */
  sources: string[];
  /** In file order; 'localhost' is implicit (not in `all`) when not listed, as in Ansible. */
  hosts: Map<string, InventoryHost>;
  /** Always has 'all' and 'ungrouped'. */
  groups: Map<string, InventoryGroup>;
  /** group_vars/ host_vars/ beside the inventory source(s). */
  varsDirs: VarsDirs;
}
