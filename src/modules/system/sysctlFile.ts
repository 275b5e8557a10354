/** sysctl.conf editing with Ansible's semantics, pure: the first `name = value` line is replaced, later duplicates
 * removed; absent removes them all; a missing setting is appended as `name=value`. `#` and `;` start comments. */

const keyOf = (line: string): string | undefined => {
  const t = line.trim();
  if (t === '' || t.startsWith('#') || t.startsWith(';')) return undefined;
  const i = t.indexOf('=');
  return i > 0 ? t.slice(0, i).trim() : undefined;
};

export function fileValue(content: string, name: string): string | undefined {
  let found: string | undefined;
  for (const line of content.split('\n')) {
    if (keyOf(line) === name) {
      const t = line.trim();
      found = t.slice(t.indexOf('=') + 1).trim();
    }
  }
  return found;
}

export function editSysctlFile(content: string, name: string, value: string | undefined): string {
  const lines = content === '' ? [] : content.replace(/\n$/, '').split('\n');
  const out: string[] = [];
  let placed = false;
  for (const line of lines) {
    if (keyOf(line) !== name) {
      out.push(line);
      continue;
    }
    if (value !== undefined && !placed) {
      out.push(`${name}=${value}`);
      placed = true;
    }
  }
  if (value !== undefined && !placed) out.push(`${name}=${value}`);
  return out.length > 0 ? out.join('\n') + '\n' : '';
}

/** Kernel values separate fields with tabs; compare with single spaces. */
export function normaliseSysctlValue(value: string): string {
  return value.trim().split(/\s+/).join(' ');
}
