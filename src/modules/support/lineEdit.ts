import { expandTemplate, pythonRegex } from './pythonRegex.js';

/**
 * lineinfile's editing, ported step for step from Ansible's lineinfile.py (present/absent) so ported tasks
 * behave identically, traps included: the LAST match is replaced (unless firstmatch); when regexp matches
 * nothing the line is inserted, so a regexp that does not also match the new line appends it again every run;
 * with backrefs nothing is ever inserted.
 */
export interface LineEditArgs {
  line?: string | undefined;
  regexp?: string | undefined;
  search_string?: string | undefined;
  state?: 'present' | 'absent' | undefined;
  insertafter?: string | undefined;
  insertbefore?: string | undefined;
  backrefs?: boolean | undefined;
  firstmatch?: boolean | undefined;
}

export interface LineEditResult {
  content: string;
  changed: boolean;
  msg: string;
  /** state absent: how many lines were removed. */
  found?: number;
}

const SEP = '\n';
/** Lines with their terminators, like Python's readlines(). */
export const splitKeepEnds = (text: string): string[] => text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
const body = (l: string): string => l.replace(/[\r\n]+$/, '');
/** Python's `$` also matches before a final newline; matching the line body gives JS the same answers. */
const searchLine = (re: RegExp, l: string): RegExpExecArray | null => re.exec(body(l));

export function lineEditProblem(args: LineEditArgs): string | undefined {
  if (args.regexp !== undefined && args.search_string !== undefined) return 'regexp and search_string are mutually exclusive';
  if (args.insertafter !== undefined && args.insertbefore !== undefined) return 'insertafter and insertbefore are mutually exclusive';
  if (args.backrefs && args.search_string !== undefined) return 'backrefs and search_string are mutually exclusive';
  if ((args.state ?? 'present') === 'present') {
    if (args.backrefs && args.regexp === undefined) return 'regexp is required with backrefs=true';
    if (args.line === undefined) return 'line is required with state=present';
  } else if (args.regexp === undefined && args.search_string === undefined && args.line === undefined) {
    return 'one of line, search_string, or regexp is required with state=absent';
  }
  return undefined;
}

export function editLines(content: string, args: LineEditArgs): LineEditResult {
  const problem = lineEditProblem(args);
  if (problem) throw new Error(problem);
  return (args.state ?? 'present') === 'present' ? present(content, args) : absent(content, args);
}

function present(content: string, args: LineEditArgs): LineEditResult {
  const lines = splitKeepEnds(content);
  const { regexp, search_string: search, firstmatch } = args;
  let insertafter = args.insertafter;
  const insertbefore = args.insertbefore;
  if (insertafter === undefined && insertbefore === undefined) insertafter = 'EOF';
  const line = args.line!;
  const reM = regexp !== undefined ? pythonRegex(regexp) : undefined;
  const reIns =
    insertafter !== undefined && insertafter !== 'BOF' && insertafter !== 'EOF'
      ? pythonRegex(insertafter)
      : insertbefore !== undefined && insertbefore !== 'BOF'
        ? pythonRegex(insertbefore)
        : undefined;

  const index = [-1, -1];
  let match: RegExpExecArray | boolean | null = null;
  let exactLineMatch = false;

  if (reM) {
    for (const [i, l] of lines.entries()) {
      const m = searchLine(reM, l);
      if (m) {
        index[0] = i;
        match = m;
        if (firstmatch) break;
      }
    }
  }
  if (search !== undefined) {
    for (const [i, l] of lines.entries()) {
      if (l.includes(search)) {
        index[0] = i;
        match = true;
        if (firstmatch) break;
      }
    }
  }
  if (!match) {
    for (const [i, l] of lines.entries()) {
      if (line === body(l)) {
        index[0] = i;
        exactLineMatch = true;
      } else if (reIns && reIns.exec(l.replace(/\n$/, ''))) {
        if (insertafter) {
          index[1] = i + 1;
          if (firstmatch) break;
        }
        if (insertbefore) {
          index[1] = i;
          if (firstmatch) break;
        }
      }
    }
  }

  let changed = false;
  let msg = '';
  const added = (): void => {
    msg = 'line added';
    changed = true;
  };
  if (index[0] !== -1) {
    let newLine = args.backrefs && match && typeof match === 'object' ? expandTemplate(line, match) : line;
    if (!newLine.endsWith(SEP)) newLine += SEP;
    if (regexp === undefined && search === undefined && !match && !exactLineMatch) {
      // unreachable in practice (index[0] is only set by a match or an exact line), kept to mirror Ansible
    } else if (lines[index[0]] !== newLine) {
      lines[index[0]] = newLine;
      msg = 'line replaced';
      changed = true;
    }
  } else if (args.backrefs) {
    // no match: generating the line without the groups is not safe, so do nothing (Ansible does the same)
  } else if (insertbefore === 'BOF' || insertafter === 'BOF') {
    lines.unshift(line + SEP);
    added();
  } else if (insertafter === 'EOF' || index[1] === -1) {
    if (lines.length > 0 && !/[\n\r]$/.test(lines[lines.length - 1]!)) lines.push(SEP);
    lines.push(line + SEP);
    added();
  } else if (insertafter && index[1] !== -1) {
    if (lines.length === index[1]) {
      if (body(lines[index[1] - 1]!) !== line) {
        // Ansible appends right after a last line that lacks its newline; keep the file's lines whole
        if (!/[\n\r]$/.test(lines[lines.length - 1]!)) lines[lines.length - 1] += SEP;
        lines.push(line + SEP);
        added();
      }
    } else if (line !== body(lines[index[1]]!)) {
      lines.splice(index[1], 0, line + SEP);
      added();
    }
  } else {
    lines.splice(index[1], 0, line + SEP);
    added();
  }
  return { content: lines.join(''), changed, msg };
}

function absent(content: string, args: LineEditArgs): LineEditResult {
  const lines = splitKeepEnds(content);
  const re = args.regexp !== undefined ? pythonRegex(args.regexp) : undefined;
  let found = 0;
  const kept = lines.filter((l) => {
    const hit = re ? searchLine(re, l) !== null : args.search_string !== undefined ? l.includes(args.search_string) : args.line === body(l);
    if (hit) found++;
    return !hit;
  });
  return { content: kept.join(''), changed: found > 0, msg: found > 0 ? `${found} line(s) removed` : '', found };
}
