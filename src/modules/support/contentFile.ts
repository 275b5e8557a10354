import type { Change, ModuleContext } from '../../core/registry.js';
import { attributeChange, attributeCommands, type AttributeDetail, type DesiredAttributes } from './attributes.js';
import { digest } from './checksum.js';
import { contentSummary, DIFF_LIMIT_BYTES } from './diff.js';
import { runChecked, statPath, readRemoteText, type FileState } from './fileState.js';
import { formatMode, resolveMode } from './fileMode.js';
import { writeRemoteFile } from './writeFile.js';

/** A file whose whole content the task decides (template, copy, lineinfile…): what is there and what should be. */
export interface ContentTarget {
  path: string;
  state: FileState;
  /** The present content, fetched only when it differs and is small enough to show in a diff. */
  before?: string;
  data: Buffer;
  checksum: string;
  /** The source file's mode, for `mode: preserve`. */
  srcMode?: number;
}

export interface ContentDetail {
  kind: 'content';
  path: string;
  data: Buffer;
}

export type FileChangeDetail = ContentDetail | AttributeDetail;

/** Reads the target's state and, only if its sha1 differs, its content for the diff: nothing is sent yet. */
export async function readContentTarget(ctx: ModuleContext, path: string, data: Buffer): Promise<ContentTarget> {
  const state = await statPath(ctx, path, { checksum: 'sha1', follow: true });
  const checksum = digest(data);
  const target: ContentTarget = { path, state, data, checksum };
  if (state.exists && state.type === 'file' && state.checksum !== checksum && state.size <= DIFF_LIMIT_BYTES) {
    target.before = await readRemoteText(ctx, path);
  }
  return target;
}

/** Pure: a content change (create/update) and/or an attribute change. force: false never replaces an existing file. */
export function planContentTarget(t: ContentTarget, want: DesiredAttributes, opts: { force?: boolean | undefined } = {}): Change[] {
  const s = t.state;
  if (!s.exists) {
    return [{ summary: `create ${t.path}`, diff: { path: t.path, before: '', after: contentSummary(t.data, t.checksum) }, detail: { kind: 'content', path: t.path, data: t.data } satisfies ContentDetail }];
  }
  if (s.type === 'directory') return [];
  const changes: Change[] = [];
  if (s.checksum !== t.checksum && opts.force !== false) {
    changes.push({
      summary: `update ${t.path}`,
      diff: { path: t.path, before: t.before ?? `(${s.size} bytes, sha1 ${s.checksum ?? '?'})\n`, after: contentSummary(t.data, t.checksum) },
      detail: { kind: 'content', path: t.path, data: t.data } satisfies ContentDetail,
    });
  }
  const attrs = attributeChange(t.path, s, want);
  if (attrs) changes.push(attrs);
  return changes;
}

/** The mode a written file gets: the asked one (symbolic resolved), else the current one, else the host's default. */
export function modeForWrite(state: FileState, want: DesiredAttributes): number | undefined {
  if (want.mode === undefined || want.mode === '') return undefined;
  const base = state.exists ? state.mode : 0o644;
  return resolveMode(want.mode, base, false);
}

/** Performs planned content/attribute changes; content writes carry the attributes, so no chmod follows them. */
export async function applyFileChanges(
  ctx: ModuleContext,
  changes: readonly Change[],
  state: FileState,
  want: DesiredAttributes & { backup?: boolean | undefined; validate?: string | undefined },
): Promise<{ backup_file?: string }> {
  let out: { backup_file?: string } = {};
  const wrote = new Set<string>();
  for (const change of changes) {
    const d = change.detail as FileChangeDetail | undefined;
    if (d?.kind === 'content') {
      out = await writeRemoteFile(ctx, d.path, d.data, state, {
        mode: modeForWrite(state, want),
        owner: want.owner,
        group: want.group,
        validate: want.validate,
        backup: want.backup,
      });
      wrote.add(d.path);
    } else if (d?.kind === 'attributes' && !wrote.has(d.path)) {
      for (const cmd of attributeCommands(d.path, d.change, { recurse: d.recurse ?? false, modeSpec: want.mode })) {
        await runChecked(ctx, cmd, `setting attributes of ${d.path}`);
      }
    }
  }
  return out;
}

/** Ansible's result fields for a file after the task (planned or applied). */
export function fileResult(path: string, state: FileState, data: Buffer | undefined, want: DesiredAttributes): Record<string, unknown> {
  const mode = modeForWrite(state, want) ?? (state.exists ? state.mode : undefined);
  return {
    dest: path,
    ...(data ? { checksum: digest(data), size: data.length } : state.exists ? { size: state.size, ...(state.checksum ? { checksum: state.checksum } : {}) } : {}),
    ...(mode !== undefined ? { mode: formatMode(mode) } : {}),
    ...(want.owner ? { owner: want.owner } : state.exists ? { owner: state.owner } : {}),
    ...(want.group ? { group: want.group } : state.exists ? { group: state.group } : {}),
  };
}
