import type { Position } from '../core/position.js';
import type { Problem } from '../core/errors.js';
import type { Condition, Vars } from '../core/model.js';
import { HandlebarsTemplateEngine } from './engine.js';
import { blockHelperArity, valueHelpers } from './helpers/index.js';

/** The one Handlebars environment of run-playbook: load-time checks, rendering, conditions. See docs/templating.md. */
export interface TemplateEngine {
  /** Load-time check of one string that may hold {{ }}: Handlebars syntax errors and Jinja-only constructs, positioned (pos = where the string starts in its YAML file; a problem on the 3rd line of a multi-line string is at pos.line+2). Empty = fine. */
  check(source: string, pos: Position): Problem[];
  /** Load-time check of a condition expression (when/failed_when/changed_when/until/assert that). */
  checkCondition(cond: Condition): Problem[];
  /** Load-time check of a template file (template module src); positions are in that file. */
  checkFile(path: string): Problem[];
  /** Render any YAML value deeply (objects, arrays, strings). A string that is exactly one mustache ("{{ groups.redis }}", "{{ redis_port }}") keeps the value's type (list, number, object, boolean). Throws SourceError on an undefined variable (naming the variable, file, line). */
  render(value: unknown, vars: Vars, pos: Position): unknown;
  renderString(source: string, vars: Vars, pos: Position): string;
  /** Evaluate conditions; a list is an AND; empty list = true. */
  evaluate(conditions: Condition[], vars: Vars): boolean;
  /** Evaluate one expression to a value (e.g. `until`, `loop` given as bare expression). */
  evaluateExpression(expr: string, vars: Vars, pos: Position): unknown;
  /** Render a template file (template module). Errors positioned in that file. */
  renderFile(path: string, vars: Vars): string;
}

export function createTemplateEngine(): TemplateEngine {
  return new HandlebarsTemplateEngine();
}

/** True when a string contains a {{ }} expression (load-time: such a value passes any type and is re-validated after rendering). */
export function hasTemplate(value: unknown): boolean {
  return typeof value === 'string' && value.includes('{{');
}

/** Every helper a template may call: value helpers and the block helpers (if, unless, each, with, raw). */
export const helperNames: readonly string[] = Object.freeze([...valueHelpers.keys(), ...blockHelperArity.keys()].sort());

export { truthy, toBool } from './truthy.js';
