/** State shared while one playbook loads: options, the problem list, parsed-file cache, per-play role bookkeeping. */
import { existsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Problem } from '../core/errors.js';
import type { Condition, RoleInstance, Task } from '../core/model.js';
import type { Position } from '../core/position.js';
import type { ModuleRegistry } from '../core/registry.js';
import { readYamlFile, YamlError, type YamlFile, type YamlPath } from './yaml.js';

/** The part of the template engine the loader needs: syntax checks only, nothing is rendered at load time. */
export interface TemplateChecker {
  check(source: string, pos: Position): Problem[];
  checkCondition(cond: Condition): Problem[];
  checkFile(path: string): Problem[];
}

export interface LoaderSettings {
  registry: ModuleRegistry;
  templates: TemplateChecker;
  cwd: string;
  rolesPath: string[];
  bundledRolesDir?: string;
}

/** Strings holding {{ }} or {% %} are rendered at run time; at load time only their syntax is checked. */
export const isTemplated = (value: unknown): boolean => typeof value === 'string' && (value.includes('{{') || value.includes('{%'));

/** Role bookkeeping for one play: Ansible runs a role once per distinct parameters, and its handlers join the play. */
export interface PlayState {
  seenRoles: Map<string, RoleInstance>;
  handlers: Task[];
  /** Handler files already loaded in this play: a role included twice brings its handlers once. */
  handlerFiles: Set<string>;
}

export const newPlayState = (): PlayState => ({ seenRoles: new Map(), handlers: [], handlerFiles: new Set() });

export class LoadContext {
  readonly problems: Problem[] = [];
  private readonly yamlCache = new Map<string, YamlFile | undefined>();
  private readonly checkedTemplateFiles = new Set<string>();
  /** Where each task's notify: was written, for the "no such handler" check at the end of a play. */
  readonly notifyPositions = new WeakMap<Task, Position>();
  /** playbook_dir: the folder of the playbook file currently loading (import_playbook switches it). */
  playbookDir = '';

  constructor(readonly settings: LoaderSettings) {}

  add(pos: Position, message: string, hint?: string): void {
    this.problems.push({ ...pos, message, ...(hint ? { hint } : {}) });
  }

  addAll(problems: Problem[]): void {
    for (const p of problems) this.problems.push(p);
  }

  /** Parse a YAML file once per load; syntax problems are recorded and undefined returned. */
  readYaml(file: string): YamlFile | undefined {
    if (this.yamlCache.has(file)) return this.yamlCache.get(file);
    let parsed: YamlFile | undefined;
    try {
      parsed = readYamlFile(file);
    } catch (e) {
      if (e instanceof YamlError) this.addAll(e.problems);
      else this.add({ file, line: 1, col: 1 }, `cannot read file: ${e instanceof Error ? e.message : String(e)}`);
    }
    this.yamlCache.set(file, parsed);
    return parsed;
  }

  /** Check the syntax of every templated string inside a value, each at the position it was written. */
  checkStrings(value: unknown, yaml: YamlFile | undefined, path: YamlPath, fallback: Position): void {
    if (typeof value === 'string') {
      if (isTemplated(value)) this.addAll(this.settings.templates.check(value as string, yaml ? yaml.textPos(path) : fallback));
    } else if (Array.isArray(value)) {
      value.forEach((v, i) => this.checkStrings(v, yaml, [...path, i], fallback));
    } else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) {
        if (isTemplated(k)) this.addAll(this.settings.templates.check(k, yaml ? yaml.keyPos([...path, k]) : fallback));
        this.checkStrings(v, yaml, [...path, k], fallback);
      }
    }
  }

  checkCondition(cond: Condition): void {
    this.addAll(this.settings.templates.checkCondition(cond));
  }

  /** A template file's own syntax, checked once however many tasks use it. */
  checkTemplateFile(path: string): void {
    if (this.checkedTemplateFiles.has(path)) return;
    this.checkedTemplateFiles.add(path);
    this.addAll(this.settings.templates.checkFile(path));
  }
}

export const isFile = (p: string): boolean => {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
};

export const isDir = (p: string): boolean => {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
};

export const exists = (p: string): boolean => existsSync(p);

/** Ansible's `main.yml`, `main.yaml` or bare `main` in a role folder. */
export function findYaml(dir: string, base: string): string | undefined {
  for (const candidate of [`${base}.yml`, `${base}.yaml`, base]) {
    const p = `${dir}/${candidate}`;
    if (isFile(p)) return p;
  }
  return undefined;
}

export const folderOf = (file: string): string => dirname(file);

export const isMapping = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
