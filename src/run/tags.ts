/**
 * Ansible's tag selection: without --tags everything runs but `never`; `always` runs unless skipped by name;
 * `all`, `tagged` and `untagged` are the special selectors.
 */
export function tagsSelected(options: { tags?: string[]; skipTags?: string[] }, taskTags: string[]): boolean {
  const tags = new Set(taskTags);
  const skip = options.skipTags ?? [];
  if (skip.some((t) => tags.has(t) || (t === 'tagged' && tags.size > 0) || (t === 'untagged' && tags.size === 0) || t === 'all')) return false;
  const only = options.tags ?? [];
  if (tags.has('always')) return true;
  if (only.length === 0 || only.includes('all')) return !tags.has('never');
  return only.some((t) => tags.has(t) || (t === 'tagged' && tags.size > 0 && !tags.has('never')) || (t === 'untagged' && tags.size === 0));
}
