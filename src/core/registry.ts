import type { FromSchema, JSONSchema } from 'json-schema-to-ts';
import type { Connection, RunOptions, CommandResult, Become } from './connection.js';
import type { Command } from './sh.js';

export type { JSONSchema, FromSchema };

/** One change a module plans; `diff` feeds --diff (files: content; others: a short before/after summary). */
export interface Change {
  /** A short sentence a person reads in the plan/--check output: "install tcl", "set maxmemory 100mb". */
  summary: string;
  diff?: { path?: string; before: string; after: string };
  /** Module-private data that apply() needs; never shown. */
  detail?: unknown;
}

/** Changes to the run (not to a host) that the executor applies; the executor knows no module by name. */
export type Effect =
  | { kind: 'setFacts'; facts: Record<string, unknown>; cacheable?: boolean }
  | { kind: 'includeVars'; vars: Record<string, unknown> }
  | { kind: 'flushHandlers' }
  | { kind: 'endPlay' }
  | { kind: 'endHost' }
  | { kind: 'endBatch' }
  | { kind: 'clearFacts' }
  | { kind: 'refreshInventory' }
  | { kind: 'clearHostErrors' }
  | { kind: 'addHost'; name: string; groups: string[]; vars: Record<string, unknown> }
  | { kind: 'groupBy'; groups: string[]; parents: string[] };

export interface Plan {
  changes: Change[];
  /** The module cannot know what it would change (command/shell without creates/removes): skipped under --check. */
  unpredictable?: boolean;
  /** Result fields known without applying (read-only modules return everything here). */
  result?: Record<string, unknown>;
  effects?: Effect[];
  /** A planned failure (assert, fail): the host fails with this message. */
  fail?: string;
  /** Warnings shown with the result (e.g. sysctl ignore_unwritable). */
  warnings?: string[];
}

export interface ApplyResult {
  /** False when applying showed nothing needed changing after all (e.g. a forced download with the same content). */
  changed?: boolean;
  result?: Record<string, unknown>;
  effects?: Effect[];
  warnings?: string[];
}

/** What a module sees of the run. Explicit, no globals. */
export interface ModuleContext {
  readonly host: string;
  readonly conn: Connection;
  readonly become: Become | undefined;
  /** Host variables as rendered for this task (read-only). */
  readonly vars: Readonly<Record<string, unknown>>;
  readonly signal: AbortSignal;
  /** --check: apply() is not called, but read() may be told so it can treat missing targets as planned. */
  readonly check: boolean;
  /** Folders to search for a relative `src` (role files/templates first, then the playbook's). */
  readonly searchPaths: { files: string[]; templates: string[] };
  /** The port of the SSH connection the controller uses (ufw lock-out guard). */
  readonly sshPort: number | undefined;
  /** Run a command with the task's become/env; captured by default. */
  run(cmd: Command, opts?: RunOptions): Promise<CommandResult>;
  /** Render a Handlebars template file/string with the task's variables (template module). */
  renderTemplate(source: string, file: string): string;
  /** Evaluate a condition expression (assert `that`, redis_wait). */
  evaluate(expression: string): boolean;
  /** Progress for -v / the live status line. */
  log(message: string): void;
}

export interface ModuleMeta {
  description: string;
  /** The Ansible module this one mirrors, e.g. ansible.builtin.apt; absent for modules Ansible lacks. */
  ansible?: string;
  /** A YAML task example for the reference. */
  example: string;
  /** Documented result fields: name → description. */
  returns?: Record<string, string>;
}

export interface ModuleDefinition<S extends JSONSchema = JSONSchema, Current = unknown> {
  name: string;
  /** Other names this module answers to (ansible.builtin.apt, systemd_service). */
  aliases?: string[];
  schema: S;
  meta: ModuleMeta;
  /** Free-form text (`command: ls -l`) maps onto this argument. */
  freeForm?: string;
  /** Argument names whose values are expressions, evaluated by the module, never rendered up front (assert.that). */
  expressionArgs?: string[];
  /** Argument names whose values are secrets: masked in every output (redis password). */
  secretArgs?: string[];
  /** Only looks and never connects to the host (debug, set_fact, assert): runs fully under --check. */
  local?: boolean;
  /** Runs once per play batch, not once per host (pause), as Ansible's bypass-host-loop actions do. */
  oncePerBatch?: boolean;
  /** Steers the run without a result of its own (meta): no result line, not counted in the recap, as in Ansible. */
  unreported?: boolean;
  // NoInfer: S comes from `schema` alone. Letting TypeScript also infer it through the callbacks' `args` made
  // defineModule({ schema, read(ctx, args) {…} }) without explicit type arguments (the README's example) fail
  // with TS2589 "type instantiation is excessively deep".
  read(ctx: ModuleContext, args: NoInfer<FromSchema<S>>): Promise<Current>;
  plan(current: Current, args: NoInfer<FromSchema<S>>): Plan;
  apply?(ctx: ModuleContext, plan: Plan, args: NoInfer<FromSchema<S>>, current: Current): Promise<ApplyResult | void>;
}

/** The erased form the registry stores; modules are written against the typed form. */
export interface AnyModule {
  name: string;
  aliases?: string[];
  schema: JSONSchema;
  meta: ModuleMeta;
  freeForm?: string;
  expressionArgs?: string[];
  secretArgs?: string[];
  local?: boolean;
  oncePerBatch?: boolean;
  unreported?: boolean;
  read(ctx: ModuleContext, args: Record<string, unknown>): Promise<unknown>;
  plan(current: unknown, args: Record<string, unknown>): Plan;
  apply?(ctx: ModuleContext, plan: Plan, args: Record<string, unknown>, current: unknown): Promise<ApplyResult | void>;
}

/** The typed factory: arguments' TypeScript type derives from the schema (single source of truth). */
export function defineModule<const S extends JSONSchema, Current>(def: ModuleDefinition<S, Current>): AnyModule {
  return def as unknown as AnyModule;
}

/** name (and alias) → module. One registry per run so the API can add custom modules without globals leaking. */
export class ModuleRegistry {
  private readonly byName = new Map<string, AnyModule>();

  constructor(modules: Iterable<AnyModule> = []) {
    for (const m of modules) this.register(m);
  }

  register(module: AnyModule): void {
    // Ported tasks use fully qualified names (ansible.builtin.apt, community.general.ufw): accept the one Ansible uses.
    const names = [module.name, ...(module.aliases ?? []), ...(module.meta.ansible ? [module.meta.ansible] : [])];
    for (const name of names) this.byName.set(name, module);
  }

  get(name: string): AnyModule | undefined {
    return this.byName.get(name);
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  /** Short names only, for "did you mean" hints and docs. */
  names(): string[] {
    return [...new Set([...this.byName.values()].map((m) => m.name))].sort();
  }

  modules(): AnyModule[] {
    return [...new Set(this.byName.values())];
  }

  clone(): ModuleRegistry {
    return new ModuleRegistry(this.modules());
  }
}
