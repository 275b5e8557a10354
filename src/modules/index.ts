import { ModuleRegistry, type AnyModule } from '../core/registry.js';
import { fileModules } from './fileModules.js';
import { systemModules } from './systemModules.js';

/** Every module run-playbook ships. */
export const builtinModules: readonly AnyModule[] = [...fileModules, ...systemModules];

/** A fresh registry per run: custom modules added through the API never leak into another run. */
export function createDefaultRegistry(): ModuleRegistry {
  return new ModuleRegistry(builtinModules);
}
