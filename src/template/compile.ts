import type Handlebars from 'handlebars';
import type { HintStyle } from './jinja/scan.js';
import { parseTemplate } from './parse.js';
import { lineStarts, type TemplateProblem } from './positions.js';
import { compileOptions, type RenderState } from './runtime.js';
import { rewriteTemplate, type Site } from './transform.js';

type Environment = typeof Handlebars;

/** A template ready to render: the compiled function, where its values are read, and its typed shape. */
export interface CompiledTemplate {
  run: (vars: unknown, state: RenderState) => string;
  sites: readonly Site[];
  /** Set when the template is exactly one expression (surrounding whitespace aside): it yields a typed value. */
  single: { leading: string; trailing: string } | null;
}

export type CompileResult = { template: CompiledTemplate; problems: [] } | { template: null; problems: TemplateProblem[] };

/** Load-time analysis: Jinja, syntax, helpers, arity, forbidden names. Nothing is compiled. */
export function analyse(hb: Environment, source: string, style: HintStyle): { problems: TemplateProblem[]; single: boolean } {
  const parsed = parseTemplate(hb, source, style);
  if (!parsed.ast) return { problems: parsed.problems, single: false };
  const single = singleExpression(parsed.ast) !== -1;
  return { problems: rewriteTemplate(parsed.ast, source, lineStarts(source)).problems, single };
}

/** Parse, rewrite and compile; `typed` makes a one-expression template capture its value instead of text. */
export function compileTemplate(hb: Environment, source: string, style: HintStyle, typed: boolean): CompileResult {
  const parsed = parseTemplate(hb, source, style);
  if (!parsed.ast) return { template: null, problems: parsed.problems };
  const ast = parsed.ast;
  const index = typed ? singleExpression(ast) : -1;
  const single = index === -1 ? null : surroundings(ast, index);
  const { sites, problems } = rewriteTemplate(ast, source, lineStarts(source), index);
  if (problems.length > 0) return { template: null, problems };
  const fn = hb.compile(ast, compileOptions());
  return {
    template: { run: (vars, state) => fn(vars, { data: { __rp: state } }), sites, single },
    problems: [],
  };
}

/** Index of the one mustache in a body of otherwise blank text, or -1. */
function singleExpression(ast: hbs.AST.Program): number {
  let found = -1;
  for (const [i, statement] of ast.body.entries()) {
    if (statement.type === 'MustacheStatement' && found === -1) found = i;
    else if (statement.type !== 'ContentStatement' || (statement as hbs.AST.ContentStatement).value.trim() !== '') return -1;
  }
  return found;
}

function surroundings(ast: hbs.AST.Program, index: number): { leading: string; trailing: string } {
  const text = (statements: hbs.AST.Statement[]): string =>
    statements.map((s) => (s as hbs.AST.ContentStatement).value).join('');
  return { leading: text(ast.body.slice(0, index)), trailing: text(ast.body.slice(index + 1)) };
}
