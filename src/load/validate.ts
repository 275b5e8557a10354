/**
 * JSON Schema validation with ajv, turned into positioned problems a person can act on. One ajv instance for our
 * own (strict) schemas and one for module argument schemas (strict off: modules may carry doc-only keywords);
 * compiled validators are cached per schema object.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { Problem } from '../core/errors.js';
import type { Position } from '../core/position.js';
import type { AnyModule } from '../core/registry.js';
import { didYouMean } from './suggest.js';

// validateSchema off: checking our own schemas against the meta-schema costs ~80 ms at every start, and the unit
// tests check every built-in schema under strict ajv; custom modules' schemas are checked when registered.
const strictAjv = new Ajv({ strict: true, allErrors: true, verbose: true, allowUnionTypes: true, validateSchema: false });
const moduleAjv = new Ajv({ strict: false, allErrors: true, verbose: true, allowUnionTypes: true, validateSchema: false });
const compiled = new WeakMap<object, ValidateFunction>();

function validatorFor(ajv: Ajv, schema: object): ValidateFunction {
  let v = compiled.get(schema);
  if (!v) {
    v = ajv.compile(schema);
    compiled.set(schema, v);
  }
  return v;
}

/** Where a path inside the validated value was written; `key` asks for the key's position rather than the value's. */
export type PositionOf = (segments: ReadonlyArray<string | number>, key: boolean) => Position;

export interface SchemaSubject {
  /** For messages: `play "web"`, `task "install tools"`, `module "apt"`. */
  subject: string;
  /** 'key' for keyword mappings (plays, tasks), 'argument' for module arguments. */
  noun: 'key' | 'argument';
  posOf: PositionOf;
  /** Values that are {{ }} expressions pass any type at load time; they are checked again once rendered. */
  isDeferred?: (value: unknown) => boolean;
}

/** Validate against one of our own schemas (plays, tasks, roles). */
export function checkSchema(schema: object, data: unknown, at: SchemaSubject): Problem[] {
  return run(validatorFor(strictAjv, schema), data, at);
}

/** Validate a module's arguments against the module's schema. */
export function checkModuleArgs(module: AnyModule, args: Record<string, unknown>, at: SchemaSubject): Problem[] {
  return run(validatorFor(moduleAjv, module.schema as object), args, at);
}

function run(validate: ValidateFunction, data: unknown, at: SchemaSubject): Problem[] {
  if (validate(data)) return [];
  return toProblems(validate.errors ?? [], at);
}

const segmentsOf = (instancePath: string): Array<string | number> =>
  instancePath === ''
    ? []
    : instancePath
        .slice(1)
        .split('/')
        .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
        .map((s) => (/^\d+$/.test(s) ? Number(s) : s));

const label = (segs: ReadonlyArray<string | number>): string =>
  segs.reduce<string>((acc, s) => (typeof s === 'number' ? `${acc}[${s}]` : acc ? `${acc}.${s}` : s), '');

const isUnder = (path: string, parent: string): boolean => path === parent || path.startsWith(parent + '/');

export function toProblems(errors: ErrorObject[], at: SchemaSubject): Problem[] {
  // anyOf failures come with one error per branch; say it once, at the value, as "must be X or Y".
  const unionPaths = errors.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf').map((e) => e.instancePath);
  const problems: Problem[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    if (e.keyword !== 'anyOf' && e.keyword !== 'oneOf' && unionPaths.some((p) => isUnder(e.instancePath, p))) continue;
    if (at.isDeferred && at.isDeferred(e.data) && e.keyword !== 'required' && e.keyword !== 'additionalProperties') continue;
    const p = toProblem(e, at);
    if (!p) continue;
    const id = `${p.line}:${p.col}:${p.message}`;
    if (seen.has(id)) continue;
    seen.add(id);
    problems.push(p);
  }
  return problems;
}

function toProblem(e: ErrorObject, at: SchemaSubject): Problem | undefined {
  const segs = segmentsOf(e.instancePath);
  const where = label(segs);
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties': {
      const extra = String(params.additionalProperty);
      const known = Object.keys((e.parentSchema as { properties?: object } | undefined)?.properties ?? {});
      const inside = where ? ` in ${where}` : '';
      return {
        ...at.posOf([...segs, extra], true),
        message: `unknown ${at.noun} "${extra}"${inside} on ${at.subject}${didYouMean(extra, known)}`,
        ...(known.length > 0 && known.length <= 12 ? { hint: `known ${at.noun}s: ${known.join(', ')}` } : {}),
      };
    }
    case 'required': {
      const missing = String(params.missingProperty);
      const inside = where ? ` in ${where}` : '';
      return { ...at.posOf(segs, true), message: `missing required ${at.noun} "${missing}"${inside} ${at.noun === 'argument' ? 'for' : 'on'} ${at.subject}` };
    }
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map(String);
      return {
        ...at.posOf(segs, false),
        message: `${where || 'value'} must be one of ${allowed.join(', ')} (got ${describeValue(e.data)})${typeof e.data === 'string' ? didYouMean(e.data, allowed) : ''}`,
      };
    }
    case 'const':
      return { ...at.posOf(segs, false), message: `${where || 'value'} must be ${JSON.stringify(params.allowedValue)} (got ${describeValue(e.data)})` };
    case 'anyOf':
    case 'oneOf': {
      // A union of `required` branches means "give one of these arguments" (command: cmd or argv).
      const branches = e.schema as Array<{ required?: string[] }>;
      if (Array.isArray(branches) && branches.every((b) => Array.isArray(b.required) && Object.keys(b).length === 1)) {
        const names = branches.flatMap((b) => b.required ?? []);
        return { ...at.posOf(segs, true), message: `${at.subject} needs one of the ${at.noun}s ${names.map((n) => `"${n}"`).join(', ')}` };
      }
      return {
        ...at.posOf(segs, false),
        message: `${where || 'value'} ${where ? `on ${at.subject} ` : ''}must be ${describeSchema({ anyOf: e.schema })} (got ${describeValue(e.data)})`,
      };
    }
    case 'type':
      return {
        ...at.posOf(segs, false),
        message: `${where || 'value'} ${where ? `on ${at.subject} ` : ''}must be ${describeSchema(e.parentSchema)} (got ${describeValue(e.data)})`,
      };
    default:
      return { ...at.posOf(segs, false), message: `${where || 'value'} on ${at.subject} ${e.message ?? 'is invalid'}` };
  }
}

const TYPE_WORDS: Record<string, string> = {
  string: 'a string',
  boolean: 'true or false',
  integer: 'a whole number',
  number: 'a number',
  object: 'a mapping',
  array: 'a list',
};

/** "a string or a list of strings", from a (sub)schema. */
export function describeSchema(schema: unknown): string {
  const parts = describeParts(schema);
  const unique = [...new Set(parts)];
  if (unique.length === 0) return 'valid';
  if (unique.length === 1) return unique[0]!;
  return `${unique.slice(0, -1).join(', ')} or ${unique[unique.length - 1]}`;
}

function describeParts(schema: unknown): string[] {
  if (!schema || typeof schema !== 'object') return [];
  const s = schema as { type?: unknown; anyOf?: unknown[]; oneOf?: unknown[]; enum?: unknown[]; items?: unknown };
  if (Array.isArray(s.anyOf) || Array.isArray(s.oneOf)) return [...(s.anyOf ?? []), ...(s.oneOf ?? [])].flatMap(describeParts);
  if (Array.isArray(s.enum)) return [`one of ${s.enum.map(String).join(', ')}`];
  const types = typeof s.type === 'string' ? [s.type] : Array.isArray(s.type) ? (s.type as string[]) : [];
  return types
    .filter((t) => t !== 'null')
    .map((t) => {
      if (t === 'array' && s.items && typeof s.items === 'object') {
        const inner = describeParts(s.items).map((d) => d.replace(/^an? /, '') + 's');
        if (inner.length > 0) return `a list of ${inner.join(' or ')}`;
      }
      return TYPE_WORDS[t] ?? t;
    });
}

export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value);
  return String(value);
}
