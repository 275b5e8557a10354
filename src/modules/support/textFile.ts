import { posix } from 'node:path';
import { ModuleError } from '../../core/errors.js';
import type { Change, ModuleContext, Plan } from '../../core/registry.js';
import { sh } from '../../core/sh.js';
import type { DesiredAttributes } from './attributes.js';
import { digest } from './checksum.js';
import { applyFileChanges, planContentTarget } from './contentFile.js';
import { readRemoteText, runChecked, statPath, type FileState } from './fileState.js';

/** A text file that lineinfile/blockinfile edit in place: its state and whole content. */
export interface TextFileState {
  path: string;
  state: FileState;
  content?: string;
  /** --check: a missing file may be one an earlier task only planned. */
  check: boolean;
}

export async function readTextFile(ctx: ModuleContext, path: string): Promise<TextFileState> {
  const state = await statPath(ctx, path, { checksum: 'sha1', follow: true });
  const out: TextFileState = { path, state, check: ctx.check };
  if (state.exists && state.type === 'file') out.content = await readRemoteText(ctx, path);
  return out;
}

export interface TextEditOutcome {
  content: string;
  changed: boolean;
  msg: string;
}

/**
 * Pure: turn an edit of the file's text into changes. `edit` receives undefined for a file that does not exist
 * (only reached with create). Attribute differences are planned too, as Ansible's check_file_attrs does.
 */
export function planTextEdit(
  current: TextFileState,
  args: DesiredAttributes & { create?: boolean | undefined },
  edit: (content: string | undefined) => TextEditOutcome,
  opts: { absentIsNoop: boolean; module: string },
): Plan {
  const s = current.state;
  if (s.exists && s.type === 'directory') throw new ModuleError(`Path ${current.path} is a directory !`);
  if (!s.exists) {
    if (opts.absentIsNoop) return { changes: [], result: { msg: 'file not present' } };
    if (!args.create) {
      if (current.check) return { changes: [{ summary: `edit ${current.path} (not there yet: assumed to be created by an earlier task)` }] };
      throw new ModuleError(`Destination ${current.path} does not exist ! (use create: true to create it)`);
    }
  }
  const out = edit(s.exists ? (current.content ?? '') : undefined);
  if (s.exists && !out.changed) {
    const attrs = planContentTarget({ path: current.path, state: s, data: Buffer.from(current.content ?? ''), checksum: s.checksum ?? '' }, args);
    return { changes: attrs, result: { msg: attrs.length ? 'ownership, perms or SE linux context changed' : '' } };
  }
  const data = Buffer.from(out.content, 'utf8');
  const changes: Change[] = planContentTarget({ path: current.path, state: s, before: current.content ?? '', data, checksum: digest(data) }, args);
  for (const c of changes) if (c.summary.startsWith('update ') || c.summary.startsWith('create ')) c.summary = `${out.msg || 'edit'} in ${current.path}`;
  return { changes, result: { msg: out.msg } };
}

export async function applyTextEdit(
  ctx: ModuleContext,
  plan: Plan,
  current: TextFileState,
  args: DesiredAttributes & { backup?: boolean | undefined; validate?: string | undefined },
): Promise<Record<string, unknown>> {
  if (!current.state.exists) {
    const dir = posix.dirname(current.path);
    await runChecked(ctx, sh`mkdir -p -- ${dir}`, `creating ${dir}`);
  }
  const out = await applyFileChanges(ctx, plan.changes, current.state, args);
  return { ...plan.result, ...(out.backup_file ? { backup: out.backup_file } : {}) };
}
