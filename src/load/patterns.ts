import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { OptionsError } from '../core/errors.js';
import type { Inventory } from '../core/model.js';
import { groupsMap, LOCALHOST_NAMES } from './inventory.js';
import { closest } from './suggest.js';

/**
 * Host patterns for `hosts:` and `--limit`, as Ansible reads them:
 *   all  *  web1  webservers  redis*  web?  ~regex  a:b  a,b  a:&b  a:!b  @file  web[0]  web[1:]  web[0:2]
 * Terms are split on `,` (or `:` when there is no comma). Plain terms are unions, then `&` terms intersect and `!`
 * terms exclude, whatever order they were written in; a pattern of only `&`/`!` terms starts from `all`.
 * A term names a group or a host; a glob or `~regex` (anchored at the start, like Python's re.match) matches
 * group and host names. `@file` reads one name a line (relative to cwd; `#` comments and blank lines ignored);
 * `&@file` / `!@file` intersect with / exclude the names of the file.
 * A term that matches nothing is a warning, not an error (Ansible's "Could not match supplied host pattern").
 * The result is in inventory order; `localhost` not in the inventory is the implicit localhost, placed last.
 */
export function matchHostsWithWarnings(inv: Inventory, pattern: string, opts: { cwd?: string } = {}): { hosts: string[]; warnings: string[] } {
  const warnings: string[] = [];
  const terms = orderTerms(splitPattern(pattern).map((t) => parseTerm(t, opts.cwd ?? process.cwd())));
  const groups = groupsMap(inv);
  const selected = new Set<string>();
  let implicitLocalhost = false;
  for (const { op, bodies } of terms) {
    const matched = new Set<string>();
    let implicit = false;
    for (const written of bodies) {
      const { body, subscript } = splitSubscript(written);
      const raw = matchTerm(inv, groups, body);
      for (const h of applySubscript(raw, subscript, written, warnings)) matched.add(h);
      if (raw.size === 0 && LOCALHOST_NAMES.includes(body)) implicit = true;
      else if (raw.size === 0 && body !== 'all') {
        const guess = closest(body, [...inv.groups.keys(), ...inv.hosts.keys()])?.name;
        warnings.push(`Could not match supplied host pattern, ignoring: ${body}${guess ? ` (did you mean "${guess}"?)` : ''}`);
      }
    }
    if (op === '&') {
      for (const h of [...selected]) if (!matched.has(h)) selected.delete(h);
      if (!implicit) implicitLocalhost = false;
    } else if (op === '!') {
      for (const h of matched) selected.delete(h);
      if (implicit) implicitLocalhost = false;
    } else {
      for (const h of matched) selected.add(h);
      if (implicit) implicitLocalhost = true;
    }
  }
  const hosts = [...inv.hosts.keys()].filter((h) => selected.has(h));
  if (implicitLocalhost) hosts.push('localhost');
  return { hosts, warnings };
}

/** matchHostsWithWarnings without the warnings; throws OptionsError for a bad pattern (bad regex, missing @file). */
export function matchHosts(inv: Inventory, pattern: string, opts: { cwd?: string } = {}): string[] {
  return matchHostsWithWarnings(inv, pattern, opts).hosts;
}

/** Ansible's split_host_pattern: commas first; else colons, except inside [] (ranges, IPv6). */
export function splitPattern(pattern: string): string[] {
  if (pattern.includes(',')) return pattern.split(',').flatMap((p) => splitPattern(p.trim()));
  const terms = pattern.match(/(?:[^\s:[\]]|\[[^\]]*\])+/g) ?? [];
  // `~regex` terms keep their colons only if written with commas; like Ansible, a bare ':' always splits.
  return terms.filter((t) => t !== '');
}

/** Ansible's PATTERN_WITH_SUBSCRIPT: `web[0]`, `web[-1]`, `web[1:]`, `web[0:2]` (inclusive end). */
const SUBSCRIPT = /^(.+)\[(?:(-?\d+)|(\d+)([:-])(\d*))\]$/;

interface Subscript {
  start: number;
  /** Inclusive; undefined for a single index, -1 for "to the end". */
  end?: number;
}

/** `group[1:]` → group + subscript. A `~regex` keeps its brackets; so does a glob set like `web[!12]` or `web[ab]`. */
export function splitSubscript(term: string): { body: string; subscript?: Subscript } {
  if (term.startsWith('~')) return { body: term };
  const m = SUBSCRIPT.exec(term);
  if (!m) return { body: term };
  if (m[2] !== undefined) return { body: m[1]!, subscript: { start: Number(m[2]) } };
  return { body: m[1]!, subscript: { start: Number(m[3]), end: m[5] === '' ? -1 : Number(m[5]) } };
}

/** Python's slicing as Ansible's _apply_subscript uses it: [start] (negative from the end) or [start:end] inclusive. */
function applySubscript(matched: Set<string>, subscript: Subscript | undefined, written: string, warnings: string[]): Set<string> {
  if (!subscript || matched.size === 0) return matched;
  const list = [...matched];
  if (subscript.end === undefined) {
    const i = subscript.start < 0 ? list.length + subscript.start : subscript.start;
    if (i < 0 || i >= list.length) {
      warnings.push(`host pattern "${written}": index ${subscript.start} is out of range (${list.length} host${list.length === 1 ? '' : 's'}; the first is [0])`);
      return new Set();
    }
    return new Set([list[i]!]);
  }
  const end = subscript.end === -1 ? list.length - 1 : subscript.end;
  return new Set(list.slice(subscript.start, end + 1));
}

/** One pattern term: its operator and the names it unions (one, or the lines of an @file). */
interface Term {
  op: '' | '&' | '!';
  bodies: string[];
}

function parseTerm(term: string, cwd: string): Term {
  const op = term[0] === '&' || term[0] === '!' ? term[0] : '';
  const body = term.slice(op.length);
  if (!body.startsWith('@')) return { op, bodies: [body] };
  const file = resolve(cwd, body.slice(1));
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new OptionsError(`host pattern "${term}": cannot read ${file} (a file of host names, one a line, relative to ${cwd})`);
  }
  return { op, bodies: text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#')) };
}

/** Plain terms first, then intersections, then exclusions; only &/! terms means "all" first (Ansible's order_patterns). */
function orderTerms(terms: Term[]): Term[] {
  const regular = terms.filter((t) => t.op === '');
  const intersect = terms.filter((t) => t.op === '&');
  const exclude = terms.filter((t) => t.op === '!');
  return [...(regular.length > 0 ? regular : [{ op: '' as const, bodies: ['all'] }]), ...intersect, ...exclude];
}

function matchTerm(inv: Inventory, groups: Record<string, string[]>, body: string): Set<string> {
  if (inv.hosts.has(body)) return new Set([body]);
  const re = termRegex(body);
  const out = new Set<string>();
  const matchedGroups = Object.keys(groups).filter((g) => re.test(g));
  for (const g of matchedGroups) for (const h of groups[g]!) out.add(h);
  // A plain name that is a group does not also match hosts; wildcards and regexes match both (as Ansible).
  if (matchedGroups.length === 0 || body.startsWith('~') || /[.?*[]/.test(body)) {
    for (const h of inv.hosts.keys()) if (re.test(h)) out.add(h);
  }
  return out;
}

function termRegex(body: string): RegExp {
  if (body.startsWith('~')) {
    try {
      return new RegExp(`^(?:${body.slice(1)})`);
    } catch (e) {
      throw new OptionsError(`host pattern "${body}": invalid regular expression (${e instanceof Error ? e.message : String(e)})`);
    }
  }
  return new RegExp(`^${globToRegexSource(body)}$`);
}

/** Python's fnmatch.translate: * ? [seq] [!seq]; everything else literal. */
export function globToRegexSource(glob: string): string {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') out += '.*';
    else if (c === '?') out += '.';
    else if (c === '[') {
      const close = glob.indexOf(']', i + 2);
      if (close < 0) out += '\\[';
      else {
        let set = glob.slice(i + 1, close).replace(/\\/g, '\\\\');
        if (set.startsWith('!')) set = '^' + set.slice(1);
        else if (set.startsWith('^')) set = '\\' + set;
        out += `[${set}]`;
        i = close;
      }
    } else out += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return out;
}
