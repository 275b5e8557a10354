import { sh, type Command } from '../../core/sh.js';
import type { Change } from '../../core/registry.js';
import { chmodOperand, formatMode, resolveMode, type ModeSpec } from './fileMode.js';
import type { ExistingFile, FileType } from './fileState.js';

/** owner/group/mode as a task asks for them; absent fields are left as they are. */
export interface DesiredAttributes {
  owner?: string | undefined;
  group?: string | undefined;
  mode?: ModeSpec | undefined;
}

/** What is there now (or what a new file will be like) for the attribute comparison. */
export interface CurrentAttributes {
  mode: number;
  uid: number;
  gid: number;
  owner: string;
  group: string;
  type: FileType;
}

export interface AttributeChange {
  owner?: string;
  group?: string;
  /** The exact mode to set (symbolic specs already resolved against the current mode). */
  mode?: number;
}

/** Names or numeric ids: `owner: 999` means uid 999, as with chown. */
const sameOwner = (want: string, name: string, id: number): boolean => want === name || (/^\d+$/.test(want) && Number(want) === id);

/** Pure: which attributes differ; links never get a mode (chmod follows links). */
export function diffAttributes(current: CurrentAttributes, want: DesiredAttributes): AttributeChange {
  const out: AttributeChange = {};
  if (want.owner !== undefined && want.owner !== '' && !sameOwner(want.owner, current.owner, current.uid)) out.owner = want.owner;
  if (want.group !== undefined && want.group !== '' && !sameOwner(want.group, current.group, current.gid)) out.group = want.group;
  if (want.mode !== undefined && want.mode !== '' && current.type !== 'link') {
    const mode = resolveMode(want.mode, current.mode, current.type === 'directory');
    if (mode !== (current.mode & 0o7777)) out.mode = mode;
  }
  return out;
}

export const hasAttributeChange = (c: AttributeChange): boolean =>
  c.owner !== undefined || c.group !== undefined || c.mode !== undefined;

/** A --diff summary such as `mode: 0644 → 0600, owner: root → redis`. */
export function describeAttributeChange(current: CurrentAttributes, change: AttributeChange): string {
  const parts: string[] = [];
  if (change.owner !== undefined) parts.push(`owner: ${current.owner} → ${change.owner}`);
  if (change.group !== undefined) parts.push(`group: ${current.group} → ${change.group}`);
  if (change.mode !== undefined) parts.push(`mode: ${formatMode(current.mode)} → ${formatMode(change.mode)}`);
  return parts.join(', ');
}

/** A Change for attribute-only differences on an existing path, or undefined when there is none. */
export function attributeChange(path: string, current: ExistingFile, want: DesiredAttributes): Change | undefined {
  const change = diffAttributes(current, want);
  if (!hasAttributeChange(change)) return undefined;
  const summary = describeAttributeChange(current, change);
  return {
    summary: `${path}: ${summary}`,
    diff: { path, before: attributeText(current, change, 'before'), after: attributeText(current, change, 'after') },
    detail: { kind: 'attributes', path, change } satisfies AttributeDetail,
  };
}

export interface AttributeDetail {
  kind: 'attributes';
  path: string;
  change: AttributeChange;
  recurse?: boolean;
}

function attributeText(current: CurrentAttributes, change: AttributeChange, side: 'before' | 'after'): string {
  const lines: string[] = [];
  if (change.owner !== undefined) lines.push(`owner: ${side === 'before' ? current.owner : change.owner}`);
  if (change.group !== undefined) lines.push(`group: ${side === 'before' ? current.group : change.group}`);
  if (change.mode !== undefined) lines.push(`mode: ${formatMode(side === 'before' ? current.mode : change.mode)}`);
  return lines.join('\n') + '\n';
}

/** chown/chmod commands for a change; `-h` so a link's own owner changes, never its target's. */
export function attributeCommands(path: string, change: AttributeChange, opts: { recurse?: boolean; modeSpec?: ModeSpec } = {}): Command[] {
  const cmds: Command[] = [];
  const r = opts.recurse ? ['-R'] : [];
  if (change.owner !== undefined || change.group !== undefined) {
    const spec = `${change.owner ?? ''}${change.group !== undefined ? `:${change.group}` : ''}`;
    cmds.push(sh`chown ${r} -h -- ${spec} ${path}`);
  }
  if (change.mode !== undefined) {
    // recursive symbolic modes are resolved per file by chmod itself (a+X differs for files and folders)
    const mode = opts.recurse && opts.modeSpec !== undefined && typeof opts.modeSpec === 'string' && !/^[0-7]+$/.test(opts.modeSpec)
      ? opts.modeSpec
      : chmodOperand(change.mode);
    cmds.push(sh`chmod ${r} -- ${mode} ${path}`);
  }
  return cmds;
}
