import { sh, type Command } from '../../core/sh.js';
import type { CurrentAttributes } from './attributes.js';
import type { FileType } from './fileState.js';

/** Every entry under a folder (itself included), NUL-separated so no file name can break the parse. */
export function treeCommand(root: string): Command {
  return sh`find ${root} -printf ${'%m\\t%y\\t%U\\t%G\\t%u\\t%g\\0'}`;
}

const TYPE: Record<string, FileType> = { f: 'file', d: 'directory', l: 'link' };

export function parseTree(stdout: string): CurrentAttributes[] {
  return stdout
    .split('\0')
    .filter((r) => r !== '')
    .map((r) => {
      const [mode, type, uid, gid, owner, group] = r.split('\t');
      return { mode: parseInt(mode!, 8), type: TYPE[type!] ?? 'other', uid: Number(uid), gid: Number(gid), owner: owner!, group: group! };
    });
}
