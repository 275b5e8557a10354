/**
 * Truthiness of conditions (`when`, `failed_when`, `{{#if}}`, `not`, `and`, `or`).
 * Python-like for collections, plus the strings a YAML or `-e k=v` user means as "no":
 * `-e redis_enabled=false` arrives as the string "false" and must not count as true.
 */
const FALSE_WORDS = new Set(['', 'false', 'no', 'off', '0', 'n']);

export function truthy(value: unknown): boolean {
  if (value === null || value === undefined) return false;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0 && !Number.isNaN(value);
  if (typeof value === 'string') return !FALSE_WORDS.has(value.trim().toLowerCase());
  if (Array.isArray(value)) return value.length > 0;
  if (value instanceof Map || value instanceof Set) return value.size > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return Boolean(value);
}

const TRUE_WORDS = new Set(['true', 'yes', 'on', '1', 'y', 't']);

/** The `bool` helper (Ansible's `| bool`): only explicit yes-words and non-zero numbers are true. */
export function toBool(value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0 && !Number.isNaN(value);
  if (typeof value === 'string') return TRUE_WORDS.has(value.trim().toLowerCase());
  return false;
}
