import Handlebars from 'handlebars';
import { blockHelperArity, HelperError, valueHelpers, type HelperSpec } from './helpers/index.js';
import type { TemplatePoint } from './positions.js';
import { CALL_HELPER, TEXT_HELPER, TYPED_HELPER, VALUE_HELPER, type Site } from './transform.js';
import { truthy } from './truthy.js';
import { describeType, ownValue, toText } from './values.js';

/** Per-render state, passed as private data `@__rp`; Handlebars copies it into every block's data frame. */
export interface RenderState {
  sites: readonly Site[];
  /** Set by the typed capture helper: the value of a template that is one expression. */
  value?: unknown;
  captured: boolean;
}

/** A failure while rendering, positioned inside the template; the engine places it in the file. */
export class TemplateRuntimeError extends Error {
  override name = 'TemplateRuntimeError';
  constructor(
    message: string,
    readonly point: TemplatePoint | undefined,
    readonly hint?: string,
  ) {
    super(message);
  }
}

interface HelperOptionsWithLoc {
  hash?: Record<string, unknown>;
  data?: { __rp?: RenderState };
  loc?: { start: TemplatePoint };
  fn: (context: unknown) => string;
  inverse: (context: unknown) => string;
}

type Environment = typeof Handlebars;

/** Our one Handlebars environment: its own helper set, console logging off (reporters own the output). */
export function createEnvironment(): Environment {
  const hb = Handlebars.create();
  // Handlebars logs denied prototype lookups to the console; we report them as errors instead.
  (hb.logger as { level: number | string }).level = 99;
  hb.registerHelper(CALL_HELPER, callHelper);
  // Handlebars' own `lookup` and `log` are replaced by ours / not offered (the rewrite never calls them).
  hb.unregisterHelper('lookup');
  hb.unregisterHelper('log');
  registerBlockHelpers(hb);
  hb.registerHelper(VALUE_HELPER, function (this: unknown, value: unknown, site: number, options: HelperOptionsWithLoc) {
    return defined(value, site, options, this);
  });
  hb.registerHelper(TEXT_HELPER, function (this: unknown, value: unknown, site: number, options: HelperOptionsWithLoc) {
    return toText(defined(value, site, options, this));
  });
  hb.registerHelper(TYPED_HELPER, function (this: unknown, value: unknown, site: number, options: HelperOptionsWithLoc) {
    const state = options.data?.__rp;
    if (state) {
      state.value = defined(value, site, options, this);
      state.captured = true;
    }
    return '';
  });
  return hb;
}

/** Compile options: never escape (config files are not HTML), only our helpers, prototype access left at its safe default. */
export const compileOptions = (): CompileOptions => ({
  noEscape: true,
  strict: false,
  data: true,
  knownHelpersOnly: true,
  knownHelpers: Object.fromEntries(
    [...blockHelperArity.keys(), CALL_HELPER, VALUE_HELPER, TEXT_HELPER, TYPED_HELPER].map((n) => [n, true]),
  ),
});

function callHelper(this: unknown, name: string, ...rest: unknown[]): unknown {
  const options = rest.pop() as HelperOptionsWithLoc;
  const spec = valueHelpers.get(name) as HelperSpec;
  const point = options.loc?.start;
  if (rest.length < spec.min || rest.length > spec.max) {
    throw new TemplateRuntimeError(`${spec.name} takes ${spec.min}–${spec.max} arguments, got ${rest.length}`, point, `usage: {{${spec.usage}}}`);
  }
  try {
    return spec.fn(rest, options.hash ?? {});
  } catch (err) {
    if (err instanceof HelperError) throw new TemplateRuntimeError(err.message, point);
    throw err;
  }
}

function registerBlockHelpers(hb: Environment): void {
  // Same truthiness as conditions (so `-e enabled=false` is false in {{#if enabled}} too).
  hb.registerHelper('if', function (this: unknown, condition: unknown, options: HelperOptionsWithLoc) {
    return truthy(condition) ? options.fn(this) : options.inverse(this);
  });
  hb.registerHelper('unless', function (this: unknown, condition: unknown, options: HelperOptionsWithLoc) {
    return truthy(condition) ? options.inverse(this) : options.fn(this);
  });
  // Handlebars' #each silently outputs nothing for a number or a string; that is always a mistake here.
  const builtinEach = hb.helpers.each as (this: unknown, context: unknown, options: HelperOptionsWithLoc) => string;
  hb.registerHelper('each', function (this: unknown, context: unknown, options: HelperOptionsWithLoc) {
    if (context !== null && typeof context !== 'object') {
      throw new TemplateRuntimeError(`#each expects a list or an object, got ${describeType(context)}`, options.loc?.start);
    }
    return builtinEach.call(this, context, options);
  });
  // {{{{raw}}}}…{{{{/raw}}}}: the content is output as written, braces included.
  hb.registerHelper('raw', function (this: unknown, options: HelperOptionsWithLoc) {
    return options.fn(this);
  });
}

function defined(value: unknown, siteIndex: number, options: HelperOptionsWithLoc, context: unknown): unknown {
  if (value !== undefined) return value;
  const site = options.data?.__rp?.sites[siteIndex];
  if (!site) throw new TemplateRuntimeError('undefined value', options.loc?.start);
  throw undefinedError(site, context);
}

/** Names the variable, and for a path the first key that is missing: `"result" has no key "stdout"`. */
function undefinedError(site: Site, context: unknown): TemplateRuntimeError {
  const hint = `if it may be missing, write (default ${site.text} "…")`;
  if (!site.parts) {
    const isPath = /^[@.\w/-]+$/.test(site.text);
    return new TemplateRuntimeError(isPath ? `undefined variable "${site.text}"` : `${site.text} is undefined`, site, hint);
  }
  let current = context;
  for (let i = 0; i < site.parts.length; i++) {
    const next = ownValue(current, site.parts[i] ?? '');
    if (next === undefined) {
      const message =
        i === 0
          ? `undefined variable "${site.parts[0]}"${site.parts.length > 1 ? ` (in "${site.text}")` : ''}`
          : `undefined variable "${site.text}": "${site.parts.slice(0, i).join('.')}" has no key "${site.parts[i]}"`;
      return new TemplateRuntimeError(message, site, hint);
    }
    current = next;
  }
  return new TemplateRuntimeError(`undefined variable "${site.text}"`, site, hint);
}
