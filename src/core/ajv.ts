import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';

/**
 * Run-time validation of rendered module arguments: defaults filled in, so a module sees its documented
 * defaults. Module schemas may carry documentation keywords, hence not strict.
 */
const shared = new Ajv({ strict: false, allErrors: true, useDefaults: true, allowUnionTypes: true, validateSchema: false });

let metaChecker: Ajv | undefined;

/** A custom module's schema, checked against the JSON Schema meta-schema when it is registered (built-in ones are checked by the tests). */
export function schemaProblems(schema: object): string[] {
  metaChecker ??= new Ajv({ strict: false, allErrors: true, allowUnionTypes: true });
  if (metaChecker.validateSchema(schema)) return [];
  return (metaChecker.errors ?? []).map((e) => `${e.instancePath || 'schema'} ${e.message ?? 'is invalid'}`);
}
const cache = new WeakMap<object, ValidateFunction>();

/** Compile once per schema object (schemas are module-level constants). */
export function validatorFor(schema: object): ValidateFunction {
  const hit = cache.get(schema);
  if (hit) return hit;
  const compiled = shared.compile(schema);
  cache.set(schema, compiled);
  return compiled;
}

/** ajv errors → short sentences a person reads ("state must be one of present, absent (got "presnt")"). */
export function describeErrors(errors: ErrorObject[] | null | undefined, data: unknown): string[] {
  if (!errors) return [];
  return errors
    .filter((e) => e.keyword !== 'if')
    .map((e) => {
      const where = e.instancePath ? e.instancePath.slice(1).replace(/\//g, '.') : '';
      const valueAt = (path: string): unknown =>
        path.split('/').slice(1).reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), data);
      switch (e.keyword) {
        case 'required':
          return `missing required argument "${(e.params as { missingProperty: string }).missingProperty}"${where ? ` in ${where}` : ''}`;
        case 'additionalProperties':
          return `unsupported argument "${(e.params as { additionalProperty: string }).additionalProperty}"${where ? ` in ${where}` : ''}`;
        case 'enum':
          return `${where || 'value'} must be one of ${((e.params as { allowedValues: unknown[] }).allowedValues).join(', ')} (got ${JSON.stringify(valueAt(e.instancePath))})`;
        case 'type':
          return `${where || 'value'} must be ${(e.params as { type: string }).type} (got ${JSON.stringify(valueAt(e.instancePath))})`;
        case 'anyOf': {
          const branches = e.schema as Array<{ required?: string[] }>;
          if (Array.isArray(branches) && branches.every((b) => Array.isArray(b.required))) {
            return `needs one of the arguments ${branches.flatMap((b) => b.required ?? []).map((n) => `"${n}"`).join(', ')}`;
          }
          return `${where || 'arguments'} ${e.message ?? 'is invalid'}`;
        }
        default:
          return `${where || 'arguments'} ${e.message ?? 'is invalid'}`;
      }
    });
}
