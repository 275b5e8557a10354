/**
 * Ported tasks carry Python regular expressions. The common syntax is shared with JavaScript; the named-group
 * forms and anchors that differ are translated here, so `(?P<key>\w+)` works as users expect.
 */
export function pythonRegex(source: string, flags = ''): RegExp {
  const translated = source
    .replace(/\(\?P<([A-Za-z_]\w*)>/g, '(?<$1>')
    .replace(/\(\?P=([A-Za-z_]\w*)\)/g, '\\k<$1>')
    .replace(/\\A/g, '^')
    .replace(/\\Z/g, '$');
  try {
    return new RegExp(translated, flags);
  } catch (e) {
    throw new Error(`invalid regular expression ${JSON.stringify(source)}: ${(e as Error).message}`);
  }
}

/** Python's match.expand: \1…\99, \g<1>, \g<name>, and \n \t \\ escapes; an unmatched group is empty. */
export function expandTemplate(template: string, m: RegExpExecArray): string {
  return template.replace(/\\(?:g<(\w+)>|(\d{1,2})|([ntr\\]))/g, (_all, g: string | undefined, n: string | undefined, esc: string | undefined) => {
    if (esc) return esc === 'n' ? '\n' : esc === 't' ? '\t' : esc === 'r' ? '\r' : '\\';
    const key = g ?? n!;
    const value = /^\d+$/.test(key) ? m[Number(key)] : m.groups?.[key];
    return value ?? '';
  });
}
