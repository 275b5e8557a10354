import { pythonRegex } from './pythonRegex.js';
import { splitKeepEnds } from './lineEdit.js';

/** blockinfile's editing, ported from Ansible's blockinfile.py: markers found by exact line, last pair wins. */
export interface BlockEditArgs {
  block?: string | undefined;
  marker?: string | undefined;
  marker_begin?: string | undefined;
  marker_end?: string | undefined;
  state?: 'present' | 'absent' | undefined;
  insertafter?: string | undefined;
  insertbefore?: string | undefined;
  append_newline?: boolean | undefined;
  prepend_newline?: boolean | undefined;
}

export interface BlockEditResult {
  content: string;
  changed: boolean;
  msg: string;
}

const SEP = '\n';
export const DEFAULT_MARKER = '# {mark} ANSIBLE MANAGED BLOCK';

export function markers(args: BlockEditArgs): [string, string] {
  const marker = args.marker ?? DEFAULT_MARKER;
  return [marker.replaceAll('{mark}', args.marker_begin ?? 'BEGIN'), marker.replaceAll('{mark}', args.marker_end ?? 'END')];
}

/** original undefined: the file does not exist (create). */
export function editBlock(original: string | undefined, args: BlockEditArgs): BlockEditResult {
  if (args.insertafter !== undefined && args.insertbefore !== undefined) throw new Error('insertafter and insertbefore are mutually exclusive');
  const lines = original === undefined ? [] : splitKeepEnds(original);
  const present = (args.state ?? 'present') === 'present';
  let insertafter = args.insertafter;
  const insertbefore = args.insertbefore;
  if (insertbefore === undefined && insertafter === undefined) insertafter = 'EOF';
  const insertRe =
    insertafter !== undefined && insertafter !== 'EOF'
      ? pythonRegex(insertafter)
      : insertbefore !== undefined && insertbefore !== 'BOF'
        ? pythonRegex(insertbefore)
        : undefined;
  const [m0, m1] = markers(args);
  const marker0 = m0 + SEP;
  const marker1 = m1 + SEP;
  let block = args.block ?? '';
  let blocklines: string[] = [];
  if (present && block) {
    if (!block.endsWith(SEP)) block += SEP;
    blocklines = [marker0, ...splitKeepEnds(block), marker1];
  }

  let n0: number | undefined;
  let n1: number | undefined;
  for (const [i, l] of lines.entries()) {
    if (l === marker0) n0 = i;
    if (l === marker1) n1 = i;
  }
  if (n0 === undefined || n1 === undefined) {
    n0 = undefined;
    if (insertRe) {
      for (const [i, l] of lines.entries()) if (insertRe.exec(l.replace(/\r?\n$/, ''))) n0 = i;
      if (n0 === undefined) n0 = lines.length;
      else if (insertafter !== undefined) n0 += 1;
    } else if (insertbefore !== undefined) n0 = 0;
    else n0 = lines.length;
  } else if (n0 < n1) {
    lines.splice(n0, n1 - n0 + 1);
  } else {
    lines.splice(n1, n0 - n1 + 1);
    n0 = n1;
  }

  if (n0 > 0 && !lines[n0 - 1]!.endsWith(SEP)) lines[n0 - 1] += SEP;
  if (args.prepend_newline && present && n0 !== 0 && lines[n0 - 1] !== SEP) {
    lines.splice(n0, 0, SEP);
    n0 += 1;
  }
  lines.splice(n0, 0, ...blocklines);
  if (args.append_newline && present) {
    const after = n0 + blocklines.length;
    if (after < lines.length && lines[after] !== SEP) lines.splice(after, 0, SEP);
  }
  const result = lines.join('');
  if (original === result) return { content: result, changed: false, msg: '' };
  if (original === undefined) return { content: result, changed: true, msg: 'File created' };
  return { content: result, changed: true, msg: blocklines.length ? 'Block inserted' : 'Block removed' };
}
