/**
 * Looks up `a.b[0]['c']` in the task's variables (debug `var:`). Only paths, never code: a name that is not there is
 * reported as undefined, as Ansible does ("VARIABLE IS NOT DEFINED!").
 */
export function parseVarPath(path: string): string[] | undefined {
  const parts: string[] = [];
  const re = /^(?:\.?([A-Za-z_][A-Za-z0-9_-]*)|\[(\d+)\]|\[(['"])(.*?)\3\])/;
  let rest = path.trim();
  while (rest !== '') {
    const m = re.exec(rest);
    if (!m || m[0] === '') return undefined;
    parts.push(m[1] ?? m[2] ?? m[4] ?? '');
    rest = rest.slice(m[0].length);
  }
  return parts.length > 0 ? parts : undefined;
}

export function lookupVar(vars: Readonly<Record<string, unknown>>, path: string): { found: boolean; value: unknown } {
  const parts = parseVarPath(path);
  if (!parts) return { found: false, value: undefined };
  let cur: unknown = vars;
  for (const key of parts) {
    if (cur === null || typeof cur !== 'object' || !Object.prototype.hasOwnProperty.call(cur, key)) {
      return { found: false, value: undefined };
    }
    cur = (cur as Record<string, unknown>)[key];
  }
  return { found: true, value: cur };
}
