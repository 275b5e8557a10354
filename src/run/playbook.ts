import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Inventory, Playbook, Vars } from '../core/model.js';
import type { AnyModule, ModuleRegistry } from '../core/registry.js';
import type { HostStats, RunEvent } from '../core/events.js';
import type { HostState } from './hostState.js';
import { loadPlaybook, type LoadPlaybookOptions } from '../load/playbook.js';
import { loadInventory } from '../load/inventory.js';
import { matchHostsWithWarnings } from '../load/patterns.js';
import { loadVarsDirs } from '../load/varsDirs.js';
import { libraryDirs, loadLibraryModules } from '../load/library.js';
import { createTemplateEngine, type TemplateEngine } from '../template/index.js';
import { createDefaultRegistry } from '../modules/index.js';
import { ConnectionPool } from './connections.js';
import { schemaProblems } from '../core/ajv.js';
import { OptionsError } from '../core/errors.js';
import type { RunContext } from './context.js';
import { createLimit } from './limit.js';
import type { RunPlaybookOptions, RunResult } from './options.js';
import { exitCodeFromStats } from '../core/exitCodes.js';
import { hostPattern, runPlay } from './play.js';
import { startAtTaskExists } from './nodes.js';
import { connectOptionsFrom, labGuard } from './connectOptions.js';
import { answerVarsPrompts } from './varsPrompt.js';

/** run-playbook's own roles/, the last place a role is looked for. */
export const bundledRolesDir = resolve(dirname(fileURLToPath(import.meta.url)), '../../roles');

export function registryFor(options: Pick<RunPlaybookOptions, 'registry' | 'modules'>): ModuleRegistry {
  const registry = options.registry?.clone() ?? createDefaultRegistry();
  for (const m of options.modules ?? []) {
    const bad = schemaProblems(m.schema as object);
    if (bad.length > 0) throw new OptionsError(`the schema of module "${m.name}" is not a valid JSON Schema: ${bad.join('; ')}`);
    registry.register(m);
  }
  return registry;
}

/**
 * loadPlaybook for API users: the built-in modules, the standard template engine, the bundled roles and
 * RUN_PLAYBOOK_ROLES_PATH unless told otherwise.
 */
/** The API's loadPlaybook: defaults for everything; `modules` adds custom modules as runPlaybook's option does. */
export function loadPlaybookFiles(files: string | string[], opts: Partial<LoadPlaybookOptions> & { modules?: AnyModule[] } = {}): Promise<Playbook> {
  const registry = opts.registry ?? createDefaultRegistry();
  for (const m of opts.modules ?? []) registry.register(m);
  return loadPlaybook(files, {
    registry,
    templates: opts.templates ?? createTemplateEngine(),
    rolesPath: opts.rolesPath ?? (process.env.RUN_PLAYBOOK_ROLES_PATH ?? '').split(':').filter(Boolean),
    bundledRolesDir: opts.bundledRolesDir ?? bundledRolesDir,
    ...(opts.cwd ? { cwd: opts.cwd } : {}),
  });
}

/** The inventory sources: as given, else ./inventory/ when present, else an empty inventory (implicit localhost only). */
export function inventorySources(options: Pick<RunPlaybookOptions, 'inventory' | 'cwd'>): string[] {
  const cwd = options.cwd ?? process.cwd();
  const given = options.inventory === undefined ? [] : Array.isArray(options.inventory) ? options.inventory : [options.inventory];
  // Ansible's `-i web1,web2,` host list is not a path: keep it as written (the loader reads it as hosts).
  if (given.length > 0) return given.map((p) => (p.includes(',') && !existsSync(resolve(cwd, p)) ? p : resolve(cwd, p)));
  const dflt = join(cwd, 'inventory');
  return existsSync(dflt) ? [dflt] : [];
}

export interface Loaded {
  playbook: Playbook;
  inventory: Inventory;
  registry: ModuleRegistry;
  /** The engine that checked every template at load time: its compiled templates serve the run too. */
  templates: TemplateEngine;
  /** What matching --limit had to say (a name that matched nothing, an index past the end), shown when the run starts. */
  limitWarnings?: string[];
}

/** Load and validate everything (playbooks, roles, templates, inventory) before a single host is contacted. */
export async function loadAll(options: RunPlaybookOptions): Promise<Loaded> {
  const cwd = options.cwd ?? process.cwd();
  const registry = registryFor(options);
  const templates = createTemplateEngine();
  const rolesPath = options.rolesPath ?? (process.env.RUN_PLAYBOOK_ROLES_PATH ?? '').split(':').filter(Boolean);
  const files = (Array.isArray(options.playbooks) ? options.playbooks : [options.playbooks]).map((f) => resolve(cwd, f));
  const playbookDir = dirname(files[0] ?? cwd);
  const library = await loadLibraryModules(libraryDirs(playbookDir, [join(playbookDir, 'roles'), join(cwd, 'roles'), ...rolesPath]));
  for (const m of library) registry.register(m);
  const [playbook, inventory] = await Promise.all([
    loadPlaybook(files, { registry, templates, cwd, rolesPath, bundledRolesDir }),
    loadInventory(inventorySources(options), { cwd }),
  ]);
  if (!options.limit) return { playbook, inventory, registry, templates };
  // As ansible-playbook: a --limit that leaves no host to target is an error before any host is contacted
  // (a typo in a CI job's --limit must not pass as a run that did nothing).
  const { hosts, warnings } = matchHostsWithWarnings(inventory, options.limit, { cwd });
  if (hosts.length === 0) throw new OptionsError(`--limit "${options.limit}" matches no host of the inventory${warnings.length > 0 ? ` (${warnings.join('; ')})` : ''}`);
  return { playbook, inventory, registry, templates, limitWarnings: warnings };
}

/**
 * Run playbooks: load and validate everything, then play by play. Never exits the process and never throws for
 * host failures: the result carries per-host stats and the exit code the CLI uses. Invalid input throws SourceError.
 */
export async function runPlaybook(options: RunPlaybookOptions, loaded?: Loaded): Promise<RunResult> {
  const started = Date.now();
  const all = loaded ?? (await loadAll(options));
  const { inventory, registry, templates } = all;
  const playbook = { ...all.playbook, plays: await answerVarsPrompts(all.playbook.plays, (options.extraVars ?? {}) as Vars, options.prompt) };
  // As ansible-playbook's "No matching task" — but before any host is touched, not after a run that did nothing.
  if (options.startAtTask !== undefined && !startAtTaskExists(playbook.plays, options.startAtTask)) {
    throw new OptionsError(`--start-at-task "${options.startAtTask}" matches no task of the playbook (a task name, \`role : name\`, or a pattern such as "install*")`);
  }
  const emit = (event: RunEvent): void => options.onEvent?.(event);
  const killSignal = options.killSignal ?? new AbortController().signal;
  const run: RunContext = {
    options,
    playbook,
    inventory,
    playbookDirs: loadVarsDirs(playbook.dir),
    registry,
    templates,
    pool: new ConnectionPool(connectOptionsFrom(options), labGuard, options.connect, killSignal),
    extraVars: (options.extraVars ?? {}) as Vars,
    hosts: new Map(),
    forks: createLimit(options.forks ?? 50),
    check: options.check ?? false,
    diff: options.diff ?? false,
    verbosity: options.verbosity ?? 0,
    records: [],
    emit,
    stopping: () => options.signal?.aborted === true,
    killSignal,
    skippingToStart: options.startAtTask !== undefined,
  };
  // A templated `hosts:` with an undefined name is invalid input: found before the first play touches a host.
  for (const play of playbook.plays) hostPattern(play, run.extraVars);
  emit({ type: 'run:start', time: started, playbook: playbook.file, check: run.check });
  for (const message of all.limitWarnings ?? []) emit({ type: 'warning', time: Date.now(), message: `--limit: ${message}` });
  try {
    for (const [index, play] of playbook.plays.entries()) {
      if (run.stopping()) break;
      if (!(await runPlay(run, play, index))) break;
    }
  } finally {
    await run.pool.closeAll();
  }
  // As in Ansible's recap, a host the run never got to (stopped early, or only matched by a later play) is left out.
  const touched = [...run.hosts.values()].filter((h) => Object.values(h.stats).some((n) => n > 0));
  const stats = Object.fromEntries(touched.map((h) => [h.name, h.stats]));
  const interrupted = run.stopping();
  const durationMs = Date.now() - started;
  emit({ type: 'run:end', time: Date.now(), stats, durationMs, interrupted });
  return { stats, exitCode: exitCodeFromStats(exitStats(touched), interrupted), interrupted, durationMs, tasks: run.records };
}


/** The stats that decide the exit code: failures cleared by meta: clear_host_errors no longer count (Ansible's rule). */
function exitStats(hosts: HostState[]): Record<string, HostStats> {
  return Object.fromEntries(
    hosts.map((h) => [h.name, h.clearedStats ? { ...h.stats, failed: h.stats.failed - h.clearedStats.failed, unreachable: h.stats.unreachable - h.clearedStats.unreachable } : h.stats]),
  );
}
