/**
 * Modes as Ansible accepts them: a number (YAML 1.1 `0644` is already 420), an octal string ('0644', '644'),
 * or chmod's symbolic form ('u+rwx,g-w,o=', 'a+X', 'u=rw,go=r'). Symbolic modes depend on the current mode,
 * so they are resolved per file, as chmod does.
 */
export type ModeSpec = string | number;

const OCTAL = /^0?[0-7]{3,4}$/;

export function isOctalMode(spec: ModeSpec): boolean {
  return typeof spec === 'number' || OCTAL.test(spec);
}

/** Returns a problem for a person, or undefined when the spec is valid. */
export function modeProblem(spec: ModeSpec): string | undefined {
  if (typeof spec === 'number') return spec >= 0 && spec <= 0o7777 && Number.isInteger(spec) ? undefined : `mode ${spec} is out of range`;
  if (OCTAL.test(spec)) return undefined;
  for (const clause of spec.split(',')) {
    // ops can chain within one clause: u+r-w
    if (!/^[ugoa]*([-+=][rwxXstugo]*)+$/.test(clause)) {
      return `mode '${spec}' is neither octal (0644) nor symbolic (u+rwx,g-w,o=)`;
    }
  }
  return undefined;
}

const WHO_MASK: Record<string, number> = { u: 0o4700, g: 0o2070, o: 0o1007 };

/** The mode a file ends up with: pure chmod arithmetic (umask is ignored for an empty `who`, as Ansible does). */
export function resolveMode(spec: ModeSpec, current: number, isDirectory: boolean): number {
  if (typeof spec === 'number') return spec;
  if (OCTAL.test(spec)) return parseInt(spec, 8);
  const problem = modeProblem(spec);
  if (problem) throw new Error(problem);
  let mode = current & 0o7777;
  for (const clause of spec.split(',')) {
    const whoMatch = /^[ugoa]*/.exec(clause)!;
    let who = whoMatch[0] || 'a';
    if (who.includes('a')) who = 'ugo';
    const ops = clause.slice(whoMatch[0].length).match(/[-+=][rwxXstugo]*/g) ?? [];
    for (const op of ops) {
      const sign = op[0]!;
      const perms = op.slice(1);
      let bits = 0;
      for (const w of who) bits |= permBits(perms, w, mode, isDirectory);
      let whoMask = 0;
      for (const w of who) whoMask |= WHO_MASK[w]!;
      if (sign === '+') mode |= bits & whoMask;
      else if (sign === '-') mode &= ~(bits & whoMask);
      // '=' clears the who's bits; setuid/setgid of a directory are kept, like GNU chmod
      else mode = (mode & ~(whoMask & (isDirectory ? 0o1777 : 0o7777))) | (bits & whoMask);
    }
  }
  return mode;
}

function permBits(perms: string, who: string, mode: number, isDirectory: boolean): number {
  const shift = who === 'u' ? 6 : who === 'g' ? 3 : 0;
  let rwx = 0;
  let special = 0;
  for (const p of perms) {
    if (p === 'r') rwx |= 4;
    else if (p === 'w') rwx |= 2;
    else if (p === 'x') rwx |= 1;
    else if (p === 'X') {
      if (isDirectory || (mode & 0o111) !== 0) rwx |= 1;
    } else if (p === 's') special |= who === 'u' ? 0o4000 : who === 'g' ? 0o2000 : 0;
    else if (p === 't') special |= who === 'o' ? 0o1000 : 0;
    // copy another class's bits: g=u
    else if (p === 'u') rwx |= (mode >> 6) & 7;
    else if (p === 'g') rwx |= (mode >> 3) & 7;
    else if (p === 'o') rwx |= mode & 7;
  }
  return (rwx << shift) | special;
}

/**
 * The operand that makes chmod set exactly this mode. GNU chmod keeps a directory's setuid/setgid bits for a
 * 4-digit mode (a folder inside a setgid one such as Debian's /etc/redis would then never match `mode: "0750"`);
 * a fifth, leading zero clears them, as chmod(2) and Ansible do.
 */
export function chmodOperand(mode: number): string {
  return '0' + (mode & 0o7777).toString(8).padStart(4, '0');
}

/** 0o644 → '0644' (Ansible's result format). */
export function formatMode(mode: number): string {
  return '0' + (mode & 0o7777).toString(8).padStart(3, '0');
}
