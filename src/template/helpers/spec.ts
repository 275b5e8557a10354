/** What every helper declares: its arity (checked at load time and at run time) and its pure function. */
export interface HelperSpec {
  name: string;
  /** Positional parameters accepted (the Handlebars `options` object is not counted). */
  min: number;
  max: number;
  /** How it is called, shown in arity errors and the docs: `join LIST [SEPARATOR]`. */
  usage: string;
  /** The result may be undefined (lookup of a missing key, first of an empty list): checked like a variable. */
  mayReturnUndefined?: boolean;
  fn: (args: unknown[], hash: Record<string, unknown>) => unknown;
  /**
   * Load-time check of the arguments written as literals (undefined where an argument is an expression): a
   * complaint the call would make at run time anyway, such as an invalid regular expression, is found before
   * any host is touched. Returns the argument index at fault and the message.
   */
  checkLiterals?: (literals: ReadonlyArray<string | number | boolean | undefined>) => { at: number; message: string } | undefined;
}

/** A helper's complaint about its arguments, meant for a person; the engine adds the position. */
export class HelperError extends Error {
  override name = 'HelperError';
}

export function define(
  name: string,
  usage: string,
  arity: [number, number],
  fn: HelperSpec['fn'],
  mayReturnUndefined = false,
): HelperSpec {
  return { name, usage, min: arity[0], max: arity[1], fn, ...(mayReturnUndefined ? { mayReturnUndefined } : {}) };
}

export function expectList(helper: string, value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  throw new HelperError(`${helper} expects a list, got ${typeName(value)}`);
}

export function expectString(helper: string, value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new HelperError(`${helper} expects a string, got ${typeName(value)}`);
}

export function expectObject(helper: string, value: unknown): Record<string, unknown> {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  throw new HelperError(`${helper} expects an object (mapping), got ${typeName(value)}`);
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`;
}
