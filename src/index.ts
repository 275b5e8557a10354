/**
 * run-playbook's public API. Everything a user imports comes from here; the CLI is a thin layer over it.
 */
export { runPlaybook, loadAll, loadPlaybookFiles as loadPlaybook, type Loaded } from './run/playbook.js';
export { exitCodeFromStats } from './core/exitCodes.js';
export type { RunPlaybookOptions, RunResult, TaskRecord, HostKeyChecking } from './run/options.js';
export { EXIT } from './run/options.js';
export type { LoadPlaybookOptions } from './load/playbook.js';
export { loadInventory } from './load/inventory.js';
export { matchHosts } from './load/patterns.js';
export { defineModule, ModuleRegistry } from './core/registry.js';
export type { AnyModule, ModuleDefinition, ModuleContext, ModuleMeta, Plan, Change, ApplyResult, Effect, JSONSchema, FromSchema } from './core/registry.js';
export { createDefaultRegistry, builtinModules } from './modules/index.js';
export { createTemplateEngine, type TemplateEngine } from './template/index.js';
export { SourceError, ModuleError, UnreachableError, OptionsError, type Problem } from './core/errors.js';
export { sh, quote, Secret, type Command } from './core/sh.js';
export type { Connection, CommandResult, RunOptions, Become, Forward } from './core/connection.js';
export type { RunEvent, RunListener, HostResult, HostStats, HostStatus, TaskRef, Diff } from './core/events.js';
export type * from './core/model.js';
export type { Position } from './core/position.js';
export { formatProblems } from './report/problems.js';
export { createHumanReporter, createJsonReporter } from './report/index.js';
