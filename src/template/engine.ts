import { readFileSync } from 'node:fs';
import { decodeSource } from '../core/sourceText.js';
import type { Position } from '../core/position.js';
import { SourceError, type Problem } from '../core/errors.js';
import type { Condition, Vars } from '../core/model.js';
import { analyse, compileTemplate, type CompileResult } from './compile.js';
import type { HintStyle } from './jinja/scan.js';
import { mayHoldTemplate } from './parse.js';
import { placeProblem, toFilePosition, type TemplateProblem } from './positions.js';
import { createEnvironment, TemplateRuntimeError, type RenderState } from './runtime.js';
import { truthy } from './truthy.js';
import { isPlainObject, safeAssign } from './values.js';

/** Enough for every distinct string of a large playbook; a runaway generator only costs a recompile. */
const CACHE_LIMIT = 20_000;

class BoundedCache<V> extends Map<string, V> {
  override set(key: string, value: V): this {
    if (this.size >= CACHE_LIMIT) this.clear();
    return super.set(key, value);
  }
}

/** A condition or bare expression (`redis_enabled`, `(eq a 1)`, `not x`) is the inside of one mustache. */
function expressionSource(expr: string): { source: string; shift: number } {
  return expr.includes('{{') ? { source: expr, shift: 0 } : { source: `{{ ${expr} }}`, shift: 3 };
}

export class HandlebarsTemplateEngine {
  private readonly hb = createEnvironment();
  private readonly analysed = new BoundedCache<{ problems: TemplateProblem[]; single: boolean }>();
  private readonly compiled = new BoundedCache<CompileResult>();

  check(source: string, pos: Position): Problem[] {
    if (typeof source !== 'string' || !mayHoldTemplate(source)) return [];
    return this.analysis(source, 'template').problems.map((p) => placeProblem(pos, p));
  }

  checkCondition(cond: Condition): Problem[] {
    const expr = String(cond.expr);
    if (expr.trim() === '') return [{ ...cond.pos, message: 'empty condition', hint: 'write an expression such as (eq x 1)' }];
    const { source, shift } = expressionSource(expr);
    const { problems, single } = this.analysis(source, 'condition');
    if (problems.length > 0) return problems.map((p) => placeProblem(cond.pos, p, shift));
    if (!single) {
      return [{ ...cond.pos, message: 'a condition must be one expression, not text around {{ }}', hint: 'write the expression alone, e.g. (and a b)' }];
    }
    return [];
  }

  checkFile(path: string): Problem[] {
    const text = this.readTemplate(path);
    if (typeof text !== 'string') return [text];
    return this.check(text, { file: path, line: 1, col: 1 });
  }

  render(value: unknown, vars: Vars, pos: Position): unknown {
    if (typeof value === 'string') return value.includes('{{') ? this.typed(value, vars, pos, 0) : value;
    if (Array.isArray(value)) {
      let changed = false;
      const out = value.map((item) => {
        const rendered = this.render(item, vars, pos);
        changed ||= rendered !== item;
        return rendered;
      });
      return changed ? out : value;
    }
    if (isPlainObject(value)) {
      let changed = false;
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value)) {
        const renderedKey = key.includes('{{') ? this.renderString(key, vars, pos) : key;
        const rendered = this.render(item, vars, pos);
        changed ||= rendered !== item || renderedKey !== key;
        safeAssign(out, renderedKey, rendered);
      }
      return changed ? out : value;
    }
    return value;
  }

  renderString(source: string, vars: Vars, pos: Position): string {
    if (!source.includes('{{')) return source;
    return this.run(source, 'template', false, vars, pos, 0) as string;
  }

  evaluate(conditions: Condition[], vars: Vars): boolean {
    return conditions.every((cond) => truthy(this.evaluateExpression(String(cond.expr), vars, cond.pos)));
  }

  evaluateExpression(expr: string, vars: Vars, pos: Position): unknown {
    const { source, shift } = expressionSource(expr);
    return this.typed(source, vars, pos, shift, 'condition');
  }

  renderFile(path: string, vars: Vars): string {
    const text = this.readTemplate(path);
    if (typeof text !== 'string') throw new SourceError([text]);
    return this.renderString(text, vars, { file: path, line: 1, col: 1 });
  }

  private typed(source: string, vars: Vars, pos: Position, shift: number, style: HintStyle = 'template'): unknown {
    return this.run(source, style, true, vars, pos, shift);
  }

  private run(source: string, style: HintStyle, typed: boolean, vars: Vars, pos: Position, shift: number): unknown {
    const key = `${typed ? 't' : 's'}${style === 'condition' ? 'c' : 'p'}\0${source}`;
    let result = this.compiled.get(key);
    if (!result) {
      result = compileTemplate(this.hb, source, style, typed);
      this.compiled.set(key, result);
    }
    if (!result.template) throw new SourceError(result.problems.map((p) => placeProblem(pos, p, shift)));
    const template = result.template;
    const state: RenderState = { sites: template.sites, captured: false };
    let text: string;
    try {
      text = template.run(vars, state);
    } catch (err) {
      throw toSourceError(err, pos, shift);
    }
    if (!template.single || !state.captured) return text;
    const value = state.value;
    return typeof value === 'string' ? template.single.leading + value + template.single.trailing : value;
  }

  private analysis(source: string, style: HintStyle): { problems: TemplateProblem[]; single: boolean } {
    const key = `${style}\0${source}`;
    let result = this.analysed.get(key);
    if (!result) {
      result = analyse(this.hb, source, style);
      this.analysed.set(key, result);
    }
    return result;
  }

  private readTemplate(path: string): string | Problem {
    try {
      const decoded = decodeSource(readFileSync(path), path);
      return 'problem' in decoded ? decoded.problem : decoded.text;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const message = code === 'ENOENT' ? 'template file not found' : `cannot read template file (${code ?? (err as Error).message})`;
      return { file: path, line: 1, col: 1, message };
    }
  }
}

function toSourceError(err: unknown, pos: Position, shift: number): SourceError {
  if (err instanceof SourceError) return err;
  if (err instanceof TemplateRuntimeError) {
    const at = err.point ? toFilePosition(pos, err.point, shift) : pos;
    return SourceError.at(at, err.message, err.hint);
  }
  // Handlebars' own runtime exceptions (e.g. "Must pass iterator to #each") carry a line and column.
  const error = err as Error & { lineNumber?: number; column?: number };
  const at = typeof error.lineNumber === 'number' ? toFilePosition(pos, { line: error.lineNumber, column: error.column ?? 0 }, shift) : pos;
  return SourceError.at(at, `template error: ${(error.message ?? String(err)).replace(/ - \d+:\d+$/, '')}`);
}
