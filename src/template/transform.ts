import type {} from 'handlebars';
import { blockHelperArity, valueHelpers } from './helpers/index.js';
import { offsetOf, type TemplatePoint, type TemplateProblem } from './positions.js';
import { isDeniedKey } from './values.js';

type AST = hbs.AST.Program;
type Program = hbs.AST.Program;
type Node = hbs.AST.Node;
type Expression = hbs.AST.Expression;
type PathExpression = hbs.AST.PathExpression;
type SubExpression = hbs.AST.SubExpression;
type MustacheStatement = hbs.AST.MustacheStatement;
type BlockStatement = hbs.AST.BlockStatement;
type Hash = hbs.AST.Hash;

/**
 * Handlebars' `strict` mode checks only a mustache's head, so we rewrite the AST instead: every value
 * (a path, or a helper result that may be undefined) is routed through an internal helper that knows where
 * it was written and fails with the variable's name when the value is undefined. YAML data has no
 * `undefined` (only null), so undefined always means "missing". The first argument of `default` is left as is.
 * The same walk rejects what templates may not do: unknown helpers, wrong arity, partials, prototype keys.
 */

/** Internal helpers the rewrite calls; user templates may not name them (anything starting with `__`). */
export const VALUE_HELPER = '__rp_value';
export const TEXT_HELPER = '__rp_text';
export const TYPED_HELPER = '__rp_typed';
/**
 * Every value helper is called through this one dispatcher (`(join a b)` becomes `(__rp_call "join" a b)`):
 * Handlebars re-wraps every registered helper on each render, so a short helper list keeps renders fast.
 */
export const CALL_HELPER = '__rp_call';

/** One place a value is read, for the undefined-variable message. */
export interface Site extends TemplatePoint {
  /** As written: `result.stdout`, `lookup hostvars item`. */
  text: string;
  /** Path parts resolved from the current context (`this`), to name the first missing key; null otherwise. */
  parts: string[] | null;
}

export interface Rewritten {
  sites: Site[];
  problems: TemplateProblem[];
}

export type OutputMode = 'text' | 'typed';

/** Rewrites `ast` in place. In typed mode, the mustache at `typedIndex` of the body captures its value. */
export function rewriteTemplate(ast: AST, source: string, starts: number[], typedIndex = -1): Rewritten {
  const rewriter = new Rewriter(source, starts);
  rewriter.program(ast, new Set(), typedIndex);
  return { sites: rewriter.sites, problems: rewriter.problems };
}

class Rewriter {
  readonly sites: Site[] = [];
  readonly problems: TemplateProblem[] = [];

  constructor(
    private readonly source: string,
    private readonly starts: number[],
  ) {}

  program(program: Program, scope: ReadonlySet<string>, typedIndex = -1): void {
    program.body.forEach((statement, i) => {
      switch (statement.type) {
        case 'MustacheStatement':
          return this.mustache(statement as MustacheStatement, scope, i === typedIndex ? TYPED_HELPER : TEXT_HELPER);
        case 'BlockStatement':
          return this.block(statement as BlockStatement, scope);
        case 'PartialStatement':
        case 'PartialBlockStatement':
          return this.problem(statement, 'partials ({{> name}}) are not supported', 'put the shared text in a variable, or use a separate template task');
        case 'Decorator':
        case 'DecoratorBlock':
          return this.problem(statement, 'Handlebars decorators ({{* name}}) are not supported');
        default:
          return undefined;
      }
    });
  }

  private mustache(m: MustacheStatement, scope: ReadonlySet<string>, output: string): void {
    const path = m.path;
    const name = path.type === 'PathExpression' ? helperName(path as PathExpression) : null;
    let value: Expression;
    const hasArguments = m.params.length > 0 || m.hash !== undefined;
    // A mustache without arguments is a variable, even when a helper has its name (`{{ env }}`, `{{ file }}`).
    if (name !== null && valueHelpers.has(name) && hasArguments) {
      value = this.call({ type: 'SubExpression', path: path as PathExpression, params: m.params, hash: m.hash, loc: m.loc }, scope, true);
    } else if (name !== null && blockHelperArity.has(name)) {
      this.problem(m, `"${name}" is a block helper`, `write {{#${name} …}}…{{/${name}}}`);
      return;
    } else if (hasArguments) {
      this.unknownHelper(path, path.type === 'PathExpression' ? (path as PathExpression).original : 'a literal');
      return;
    } else {
      // A lone literal (`{{ true }}`, `{{ 5 }}`) is a value here; Handlebars would look it up as a name.
      value = path.type === 'PathExpression' ? this.expression(path, scope, false) : path;
    }
    const site = this.site(m, null);
    m.path = internalPath(output, m.loc);
    m.params = [value, numberLiteral(site, m.loc)];
    delete (m as { hash?: Hash }).hash;
  }

  private block(b: BlockStatement, scope: ReadonlySet<string>): void {
    const name = helperName(b.path);
    const arity = name === null ? undefined : blockHelperArity.get(name);
    if (name === null || arity === undefined) {
      const written = b.path.original;
      if (name !== null && valueHelpers.has(name)) this.problem(b, `"${name}" is not a block helper`, `write {{${name} …}} without #`);
      else this.problem(b, `{{#${written}}} needs a block helper`, `write {{#each ${written}}}…{{/each}} or {{#if ${written}}}…{{/if}}`);
      return;
    }
    this.arity(b, name, b.params.length, arity[0], arity[1], `#${name} ${arity[0] === 0 ? '' : 'VALUE'}`.trim());
    b.params = b.params.map((p) => this.expression(p, scope, false));
    if (b.hash) this.problem(b, `#${name} takes no key=value options`);
    const inner = new Set(scope);
    for (const param of b.program.blockParams ?? []) inner.add(param);
    this.program(b.program, inner);
    if (b.inverse) this.program(b.inverse, scope);
  }

  /** A helper call; its result is checked for undefined unless `exempt` (first argument of default). */
  private call(sexpr: SubExpression, scope: ReadonlySet<string>, exempt: boolean): Expression {
    const name = helperName(sexpr.path);
    const spec = name === null ? undefined : valueHelpers.get(name);
    if (name === null || spec === undefined) {
      this.unknownHelper(sexpr.path, sexpr.path.original);
      return sexpr;
    }
    this.arity(sexpr, name, sexpr.params.length, spec.min, spec.max, spec.usage);
    if (spec.checkLiterals) {
      const literals = sexpr.params.map(literalValue);
      const complaint = spec.checkLiterals(literals);
      if (complaint) this.problem(sexpr.params[complaint.at] ?? sexpr, complaint.message);
    }
    sexpr.params = sexpr.params.map((p, i) => this.expression(p, scope, i === 0 && name === 'default'));
    if (sexpr.hash) {
      for (const pair of sexpr.hash.pairs) pair.value = this.expression(pair.value, scope, false);
    }
    sexpr.params.unshift({ type: 'StringLiteral', value: name, original: name, loc: sexpr.path.loc } as hbs.AST.StringLiteral);
    sexpr.path = internalPath(CALL_HELPER, sexpr.path.loc);
    if (exempt || !spec.mayReturnUndefined) return sexpr;
    return this.wrap(sexpr, this.site(sexpr, null));
  }

  private expression(e: Expression, scope: ReadonlySet<string>, exempt: boolean): Expression {
    if (e.type === 'SubExpression') return this.call(e as SubExpression, scope, exempt);
    if (e.type !== 'PathExpression') return e;
    const path = e as PathExpression;
    if (!this.allowedPath(path) || exempt) return path;
    const contextual = path.depth === 0 && !path.data && !scope.has(path.parts[0] ?? '');
    return this.wrap(path, this.site(path, contextual ? path.parts : null));
  }

  private allowedPath(path: PathExpression): boolean {
    const denied = path.parts.find(isDeniedKey);
    if (denied) {
      this.problem(path, `"${path.original}" reaches "${denied}", which templates may not access`);
      return false;
    }
    if ((path.parts[0] ?? '').startsWith('__')) {
      this.problem(path, `names starting with "__" are reserved: "${path.original}"`);
      return false;
    }
    return true;
  }

  private wrap(value: Expression, site: number): SubExpression {
    return { type: 'SubExpression', path: internalPath(VALUE_HELPER, value.loc), params: [value, numberLiteral(site, value.loc)], loc: value.loc } as SubExpression;
  }

  private site(node: Node, parts: string[] | null): number {
    const start = offsetOf(this.starts, node.loc.start);
    const end = offsetOf(this.starts, node.loc.end);
    const written = this.source.slice(start, end).replace(/^\{\{[~{&]?\s*|\s*~?\}?\}\}$/g, '').trim();
    const text = node.type === 'PathExpression' ? (node as PathExpression).original : written.startsWith('(') ? written : `(${written})`;
    this.sites.push({ text, parts, line: node.loc.start.line, column: node.loc.start.column });
    return this.sites.length - 1;
  }

  private arity(node: Node, name: string, count: number, min: number, max: number, usage: string): void {
    if (count >= min && count <= max) return;
    const expected = min === max ? `${min}` : max === Infinity ? `at least ${min}` : `${min} to ${max}`;
    this.problem(node, `${name} takes ${expected} argument${expected === '1' ? '' : 's'}, got ${count}`, `usage: {{${usage}}}`);
  }

  private unknownHelper(node: Node, written: string): void {
    const suggestion = closestHelper(written);
    const hint = suggestion ? `did you mean "${suggestion}"? (helpers are listed in docs/templating.md)` : 'helpers are listed in docs/templating.md';
    this.problem(node, `unknown helper "${written}"`, hint);
  }

  private problem(node: Node, message: string, hint?: string): void {
    this.problems.push({ line: node.loc.start.line, column: node.loc.start.column, message, ...(hint ? { hint } : {}) });
  }
}

/** The helper a path names, when it can name one: a single plain part (not `this.x`, `../x`, `@x`). */
function helperName(path: PathExpression): string | null {
  if (path.type !== 'PathExpression' || path.data || path.depth !== 0 || path.parts.length !== 1) return null;
  if (/^\.|this\b/.test(path.original)) return null;
  return path.parts[0] ?? null;
}

function internalPath(name: string, loc: hbs.AST.SourceLocation): PathExpression {
  return { type: 'PathExpression', data: false, depth: 0, parts: [name], original: name, loc };
}

function numberLiteral(value: number, loc: hbs.AST.SourceLocation): hbs.AST.NumberLiteral {
  return { type: 'NumberLiteral', value, original: value, loc };
}

const allHelperNames = (): string[] => [...valueHelpers.keys(), ...blockHelperArity.keys()];

function closestHelper(written: string): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(1, Math.floor(written.length / 3)) + 1;
  for (const name of allHelperNames()) {
    const d = editDistance(written.toLowerCase(), name);
    if (d < bestDistance) [best, bestDistance] = [name, d];
  }
  return best;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_v, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j] ?? 0;
      row[j] = Math.min((row[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length] ?? 0;
}

/** The value of an argument written as a literal; undefined for anything computed. */
function literalValue(e: Expression): string | number | boolean | undefined {
  if (e.type === 'StringLiteral' || e.type === 'NumberLiteral' || e.type === 'BooleanLiteral') return (e as hbs.AST.StringLiteral).value;
  return undefined;
}
