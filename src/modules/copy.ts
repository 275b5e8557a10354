import { readFileSync, statSync } from 'node:fs';
import { posix } from 'node:path';
import { ModuleError } from '../core/errors.js';
import { defineModule, type Change, type FromSchema, type ModuleContext, type Plan } from '../core/registry.js';
import { sh } from '../core/sh.js';
import { attributeChange, type DesiredAttributes } from './support/attributes.js';
import { attributeProperties, sourceModeProperty } from './support/attributeSchema.js';
import { applyFileChanges, fileResult, planContentTarget, type ContentTarget } from './support/contentFile.js';
import { digest } from './support/checksum.js';
import { DIFF_LIMIT_BYTES } from './support/diff.js';
import { chmodOperand, formatMode, resolveMode } from './support/fileMode.js';
import { readRemoteText, runChecked, statPath, statPaths, type ExistingFile, type FileState } from './support/fileState.js';
import { findLocalSource } from './support/localSource.js';
import { remoteRootFor, walkLocalTree } from './support/localTree.js';
import { tempPathFor } from './support/writeFile.js';
import { checkFileArgs, withSourceMode } from './template.js';

const schema = {
  type: 'object',
  properties: {
    src: { type: 'string', description: "File or folder on the controller (role's files/, then the playbook's); a folder ending in / copies its contents, without / the folder itself." },
    content: { type: 'string', description: 'Write this text instead of copying src.' },
    dest: { type: 'string', description: 'Path on the host; ending in / (or an existing folder) puts the file inside it.' },
    ...attributeProperties,
    ...sourceModeProperty,
    directory_mode: { anyOf: [{ type: 'string' }, { type: 'integer' }], description: 'Mode of folders created by a folder copy.' },
    backup: { type: 'boolean', description: 'Keep a timestamped copy of a file being replaced (default false).' },
    force: { type: 'boolean', description: 'Replace files whose content differs (default true); false only creates missing ones.' },
    validate: { type: 'string', description: "A command run on the temp file before it replaces dest; %s is its path." },
    remote_src: { type: 'boolean', description: 'src is a file on the host, not on the controller (default false).' },
  },
  required: ['dest'],
  additionalProperties: false,
} as const;
type Args = FromSchema<typeof schema>;

export type CopyState =
  | { kind: 'files'; dest: string; targets: ContentTarget[]; dirs: { path: string; state: FileState }[] }
  | { kind: 'remote'; src: string; srcState: ExistingFile; dest: string; state: FileState }
  /** --check only: the remote src is not there yet; an earlier task only planned it. */
  | { kind: 'remoteNotYet'; src: string; dest: string };

export function planCopy(current: CopyState, args: Args): Plan {
  if (current.kind === 'remoteNotYet') {
    return {
      changes: [{ summary: `copy ${current.src} to ${current.dest} on the host`, diff: { path: current.dest, before: '', after: `(copy of ${current.src})\n` } }],
      warnings: [`${current.src} is not on the host yet: assumed to come from an earlier task (a real run fails if none puts it there)`],
      result: { dest: current.dest, src: current.src },
    };
  }
  if (current.kind === 'remote') {
    const s = current.state;
    const changes: Change[] = [];
    if (!s.exists || (s.type === 'file' && s.checksum !== current.srcState.checksum && args.force !== false)) {
      changes.push({
        summary: `copy ${current.src} to ${current.dest} on the host`,
        diff: { path: current.dest, before: s.exists ? `(sha1 ${s.checksum ?? '?'})\n` : '', after: `(copy of ${current.src}, sha1 ${current.srcState.checksum ?? '?'})\n` },
        detail: { kind: 'remoteCopy' },
      });
    } else if (s.type === 'file') {
      const attrs = attributeChange(current.dest, s, withSourceMode(args, current.srcState.mode));
      if (attrs) changes.push(attrs);
    }
    const a = withSourceMode(args, current.srcState.mode);
    const mode = a.mode !== undefined ? resolveMode(a.mode, s.exists ? s.mode : current.srcState.mode, false) : undefined;
    return { changes, result: { dest: current.dest, src: current.src, checksum: current.srcState.checksum, size: current.srcState.size, ...(mode !== undefined ? { mode: formatMode(mode) } : {}) } };
  }
  const changes: Change[] = [];
  for (const dir of current.dirs) {
    if (!dir.state.exists) {
      changes.push({ summary: `create directory ${dir.path}`, diff: { path: dir.path, before: 'state: absent\n', after: 'state: directory\n' }, detail: { kind: 'mkdir', path: dir.path } });
    } else if (dir.state.type !== 'directory') {
      throw new ModuleError(`cannot copy into ${dir.path}: it exists and is not a directory`);
    }
  }
  for (const t of current.targets) {
    if (t.state.exists && t.state.type === 'directory') throw new ModuleError(`cannot write ${t.path}: it is a directory`);
    changes.push(...planContentTarget(t, withSourceMode(args, t.srcMode), { force: args.force }));
  }
  const single = current.targets.length === 1 && current.dest === current.targets[0]!.path ? current.targets[0] : undefined;
  return { changes, result: single ? fileResult(single.path, single.state, single.data, withSourceMode(args, single.srcMode)) : { dest: current.dest } };
}

async function readTargets(
  ctx: ModuleContext,
  pairs: { path: string; data: Buffer; srcMode?: number }[],
  dirs: string[],
  dest = pairs.length === 1 && dirs.length === 0 ? pairs[0]!.path : '',
): Promise<CopyState & { kind: 'files' }> {
  const states = await statPaths(ctx, [...dirs, ...pairs.map((p) => p.path)], { checksum: 'sha1', follow: true });
  const targets: ContentTarget[] = [];
  let fetched = 0;
  for (const [i, p] of pairs.entries()) {
    const state = states[dirs.length + i]!;
    const checksum = digest(p.data);
    const t: ContentTarget = { path: p.path, state, data: p.data, checksum, ...(p.srcMode !== undefined ? { srcMode: p.srcMode } : {}) };
    // before-content for --diff, bounded so a big folder copy stays fast
    if (state.exists && state.type === 'file' && state.checksum !== checksum && state.size <= DIFF_LIMIT_BYTES && fetched < 20) {
      t.before = await readRemoteText(ctx, p.path);
      fetched++;
    }
    targets.push(t);
  }
  return { kind: 'files', dest, targets, dirs: dirs.map((path, i) => ({ path, state: states[i]! })) };
}

export default defineModule<typeof schema, CopyState>({
  name: 'copy',
  schema,
  meta: {
    description: 'Copies a file, a folder or literal content to the host atomically; only files whose sha1 differs are sent.',
    ansible: 'ansible.builtin.copy',
    example: '- name: Install the sentinel helper\n  copy:\n    src: notify.sh\n    dest: /usr/local/bin/redis-notify\n    mode: "0755"',
    returns: {
      dest: 'Path on the host.',
      src: 'Source on the host (remote_src).',
      checksum: 'sha1 of the content (single file).',
      size: 'Size in bytes (single file).',
      mode: 'Mode of the file.',
      owner: 'Owner of the file.',
      group: 'Group of the file.',
      backup_file: 'The backup copy, when backup made one.',
    },
  },
  async read(ctx: ModuleContext, args: Args): Promise<CopyState> {
    checkFileArgs(args, { preserve: args.content === undefined });
    if (args.content !== undefined && args.src !== undefined) throw new ModuleError('copy: give either src or content, not both');
    if (args.content === undefined && args.src === undefined) throw new ModuleError('copy: src or content is required');
    if (args.content !== undefined) {
      if (args.dest.endsWith('/')) throw new ModuleError('copy: dest must be a file path when content is given');
      return readTargets(ctx, [{ path: args.dest, data: Buffer.from(args.content, 'utf8') }], []);
    }
    const src = args.src!;
    if (args.remote_src) {
      const srcState = await statPath(ctx, src, { checksum: 'sha1', follow: true });
      if (!srcState.exists) {
        if (ctx.check) return { kind: 'remoteNotYet', src, dest: args.dest };
        throw new ModuleError(`copy: remote src ${src} does not exist on the host`);
      }
      if (srcState.type !== 'file') throw new ModuleError(`copy: remote src ${src} is not a regular file (folders with remote_src are not supported)`);
      let dest = args.dest;
      let state = await statPath(ctx, dest, { checksum: 'sha1', follow: true });
      if (dest.endsWith('/') || (state.exists && state.type === 'directory')) {
        dest = posix.join(dest, posix.basename(src));
        state = await statPath(ctx, dest, { checksum: 'sha1', follow: true });
      }
      return { kind: 'remote', src, srcState, dest, state };
    }
    const local = findLocalSource(src, ctx.searchPaths.files, 'file');
    if (statSync(local).isDirectory()) {
      const tree = walkLocalTree(local);
      const root = remoteRootFor(src, args.dest);
      // The root itself too: with `src: dir/` the contents go straight into dest, which Ansible creates when missing.
      const dirs = [root.replace(/\/+$/, '') || '/', ...tree.dirs.map((d) => posix.join(root, d))];
      return readTargets(ctx, tree.files.map((f) => ({ path: posix.join(root, f.rel), data: readFileSync(f.local), srcMode: statSync(f.local).mode & 0o7777 })), dirs);
    }
    let dest = args.dest;
    if (dest.endsWith('/')) {
      // as in Ansible, a dest ending in / names a folder, created when it is missing
      const folder = dest.replace(/\/+$/, '') || '/';
      const path = posix.join(folder, posix.basename(src));
      return readTargets(ctx, [{ path, data: readFileSync(local), srcMode: statSync(local).mode & 0o7777 }], [folder], path);
    } else {
      const s = await statPath(ctx, dest, { follow: true });
      if (s.exists && s.type === 'directory') dest = posix.join(dest, posix.basename(src));
    }
    return readTargets(ctx, [{ path: dest, data: readFileSync(local), srcMode: statSync(local).mode & 0o7777 }], []);
  },
  plan: (current: CopyState, args: Args) => planCopy(current, args),
  async apply(ctx: ModuleContext, plan: Plan, args: Args, current: CopyState) {
    const want: DesiredAttributes & { backup?: boolean | undefined; validate?: string | undefined } = args;
    if (current.kind === 'remoteNotYet') return {};
    if (current.kind === 'remote') {
      for (const change of plan.changes) {
        const d = change.detail as { kind: string };
        if (d.kind === 'remoteCopy') {
          const temp = tempPathFor(current.dest);
          await runChecked(ctx, sh`cp -- ${current.src} ${temp}`, `copying ${current.src}`);
          const a = withSourceMode(args, current.srcState.mode);
          const mode = a.mode !== undefined ? chmodOperand(resolveMode(a.mode, current.srcState.mode, false)) : undefined;
          if (mode) await runChecked(ctx, sh`chmod -- ${mode} ${temp}`, `chmod ${current.dest}`);
          if (args.owner || args.group) await runChecked(ctx, sh`chown -- ${`${args.owner ?? ''}${args.group ? `:${args.group}` : ''}`} ${temp}`, `chown ${current.dest}`);
          await runChecked(ctx, sh`mv -f -- ${temp} ${current.dest}`, `moving to ${current.dest}`);
        } else await applyFileChanges(ctx, [change], current.state, withSourceMode(want, current.srcState.mode));
      }
      return { result: plan.result ?? {} };
    }
    const dirMode = args.directory_mode !== undefined ? chmodOperand(resolveMode(args.directory_mode, 0o755, true)) : undefined;
    let backup: string | undefined;
    for (const change of plan.changes) {
      const d = change.detail as { kind: string; path: string };
      if (d.kind === 'mkdir') {
        await runChecked(ctx, dirMode ? sh`mkdir -p -m ${dirMode} -- ${d.path}` : sh`mkdir -p -- ${d.path}`, `creating ${d.path}`);
        if (args.owner || args.group) await runChecked(ctx, sh`chown -- ${`${args.owner ?? ''}${args.group ? `:${args.group}` : ''}`} ${d.path}`, `chown ${d.path}`);
        continue;
      }
      const target = current.targets.find((t) => t.path === d.path)!;
      const out = await applyFileChanges(ctx, [change], target.state, withSourceMode(want, target.srcMode));
      backup = out.backup_file ?? backup;
    }
    return { result: { ...plan.result, ...(backup ? { backup_file: backup } : {}) } };
  },
});
