import { ModuleError } from '../core/errors.js';
import { defineModule, type Change, type FromSchema, type ModuleContext, type Plan } from '../core/registry.js';
import { sh, type Command } from '../core/sh.js';
import { attributeChange, attributeCommands, diffAttributes, hasAttributeChange, type AttributeChange, type CurrentAttributes } from './support/attributes.js';
import { attributeProperties } from './support/attributeSchema.js';
import { chmodOperand, formatMode, isOctalMode, resolveMode } from './support/fileMode.js';
import { runChecked, statPath, type FileState } from './support/fileState.js';
import { parseTree, treeCommand } from './support/fileTree.js';
import { checkFileArgs } from './template.js';

const STATES = ['file', 'directory', 'absent', 'link', 'hard', 'touch'] as const;
type State = (typeof STATES)[number];

const schema = {
  type: 'object',
  properties: {
    path: { type: 'string', description: 'The path to manage (aliases: dest, name).' },
    dest: { type: 'string', description: 'Alias of path.' },
    name: { type: 'string', description: 'Alias of path.' },
    state: { type: 'string', enum: STATES, description: 'file (must exist; only attributes), directory (created with parents), absent (removed, folders recursively), link / hard (to src), touch (create or update times). Default: what is there now, else file.' },
    ...attributeProperties,
    src: { type: 'string', description: 'What a link points to (state link/hard).' },
    recurse: { type: 'boolean', description: 'With state directory: apply owner/group/mode to everything inside (default false).' },
    force: { type: 'boolean', description: 'link/hard: replace a file that is in the way (default false).' },
    follow: { type: 'boolean', description: 'Act on the file a link points to (default true).' },
    access_time: { type: 'string', enum: ['now', 'preserve'], description: "touch: 'preserve' keeps the access time (default now)." },
    modification_time: { type: 'string', enum: ['now', 'preserve'], description: "touch: 'preserve' keeps the modification time (default now)." },
  },
  additionalProperties: false,
} as const;
type Args = FromSchema<typeof schema>;

export interface FileModuleState {
  path: string;
  /** lstat: the path itself (links not followed). */
  self: FileState;
  /** What the path resolves to (stat -L), when it is a link and follow is on. */
  resolved?: FileState;
  /** state hard: the link source. */
  src?: FileState;
  /** recurse: every entry under the folder. */
  tree?: CurrentAttributes[];
  /** --check: a missing path may be one an earlier task only planned. */
  check: boolean;
}

export function pathOf(args: { path?: string | undefined; dest?: string | undefined; name?: string | undefined }): string {
  const p = args.path ?? args.dest ?? args.name;
  if (!p) throw new ModuleError('file: path is required (or its aliases dest/name)');
  return p;
}

export function wantedState(current: FileModuleState, args: Args): State {
  if (args.state) return args.state;
  if (current.self.exists) {
    if (current.self.type === 'link' && args.src) return 'link';
    const t = current.resolved ?? current.self;
    return t.exists && t.type === 'directory' ? 'directory' : 'file';
  }
  return args.recurse ? 'directory' : args.src ? 'link' : 'file';
}

type Detail =
  | { kind: 'remove' }
  | { kind: 'mkdir' }
  | { kind: 'touch'; flags: string[] }
  | { kind: 'symlink'; clear: 'file' | 'dir' | undefined }
  | { kind: 'hard' }
  | { kind: 'attributes'; path: string; change: AttributeChange; recurse?: boolean };

const describeNew = (args: Args): string => {
  const parts = [args.owner && `owner ${args.owner}`, args.group && `group ${args.group}`, args.mode !== undefined && `mode ${typeof args.mode === 'number' ? formatMode(args.mode) : args.mode}`].filter(Boolean);
  return parts.length ? ` (${parts.join(', ')})` : '';
};

function createAttributes(args: Args, isDirectory: boolean): AttributeChange {
  const base = isDirectory ? 0o755 : 0o644;
  return {
    ...(args.owner ? { owner: args.owner } : {}),
    ...(args.group ? { group: args.group } : {}),
    ...(args.mode !== undefined ? { mode: resolveMode(args.mode, base, isDirectory) } : {}),
  };
}

/** Pure: the changes that bring `path` to the wanted state. */
export function planFile(current: FileModuleState, args: Args): Plan {
  const path = current.path;
  const state = wantedState(current, args);
  const self = current.self;
  const target = current.resolved ?? self;
  const changes: Change[] = [];
  const missingButPlanned = (what: string): Plan => ({ changes: [{ summary: `${what} (not there yet: assumed to be created by an earlier task)`, detail: { kind: 'attributes', path, change: {} } satisfies Detail }] });
  const result = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({ path, state, ...extra });

  switch (state) {
    case 'absent':
      if (self.exists) changes.push({ summary: `remove ${path}`, diff: { path, before: `state: ${self.type}\n`, after: 'state: absent\n' }, detail: { kind: 'remove' } satisfies Detail });
      return { changes, result: result() };
    case 'directory': {
      if (!target.exists) {
        changes.push({ summary: `create directory ${path}${describeNew(args)}`, diff: { path, before: 'state: absent\n', after: 'state: directory\n' }, detail: { kind: 'mkdir' } satisfies Detail });
        const attrs = createAttributes(args, true);
        if (hasAttributeChange(attrs)) changes.push({ summary: `set attributes of ${path}`, detail: { kind: 'attributes', path, change: attrs } satisfies Detail });
        return { changes, result: result() };
      }
      if (target.type !== 'directory') throw new ModuleError(`${path} exists and is a ${target.type}, not a directory`);
      if (args.recurse && current.tree) {
        const merged: AttributeChange = {};
        let count = 0;
        for (const entry of current.tree) {
          const d = diffAttributes(entry, args);
          if (!hasAttributeChange(d)) continue;
          count++;
          if (d.owner !== undefined) merged.owner = d.owner;
          if (d.group !== undefined) merged.group = d.group;
          if (d.mode !== undefined) merged.mode = isOctalMode(args.mode!) ? resolveMode(args.mode!, 0, false) : d.mode;
        }
        if (count > 0) {
          const what = [merged.owner !== undefined && `owner ${merged.owner}`, merged.group !== undefined && `group ${merged.group}`, merged.mode !== undefined && `mode ${typeof args.mode === 'string' ? args.mode : formatMode(merged.mode)}`].filter(Boolean).join(', ');
          changes.push({ summary: `${path}: set ${what} on ${count} entr${count === 1 ? 'y' : 'ies'} (recursive)`, detail: { kind: 'attributes', path, change: merged, recurse: true } satisfies Detail });
        }
        return { changes, result: result() };
      }
      const attrs = attributeChange(path, target, args);
      if (attrs) changes.push(attrs);
      return { changes, result: result({ mode: formatMode(attrs ? ((attrs.detail as Detail & { kind: 'attributes' }).change.mode ?? target.mode) : target.mode) }) };
    }
    case 'file': {
      if (!target.exists) {
        if (current.check) return missingButPlanned(`${path}: set attributes`);
        throw new ModuleError(`file ${path} is absent, cannot continue (use state: touch to create it)`);
      }
      if (target.type === 'directory') throw new ModuleError(`${path} is a directory; use state: directory`);
      const attrs = attributeChange(path, target, args);
      if (attrs) changes.push(attrs);
      return { changes, result: result({ size: target.size }) };
    }
    case 'touch': {
      const flags = [...(args.access_time === 'preserve' ? [] : ['-a']), ...(args.modification_time === 'preserve' ? [] : ['-m'])];
      if (!target.exists) {
        changes.push({ summary: `create ${path}${describeNew(args)}`, diff: { path, before: 'state: absent\n', after: 'state: file\n' }, detail: { kind: 'touch', flags: [] } satisfies Detail });
        const attrs = createAttributes(args, false);
        if (hasAttributeChange(attrs)) changes.push({ summary: `set attributes of ${path}`, detail: { kind: 'attributes', path, change: attrs } satisfies Detail });
        return { changes, result: result() };
      }
      // Like Ansible: touching an existing file updates its times, so it is a change unless both are preserved.
      if (flags.length > 0) changes.push({ summary: `touch ${path}`, detail: { kind: 'touch', flags } satisfies Detail });
      const attrs = attributeChange(path, target, args);
      if (attrs) changes.push(attrs);
      return { changes, result: result() };
    }
    case 'link':
    case 'hard':
      return planLink(current, args, state, path);
  }
}

function planLink(current: FileModuleState, args: Args, state: 'link' | 'hard', path: string): Plan {
  if (!args.src) throw new ModuleError(`file: src is required with state: ${state}`);
  const self = current.self;
  const changes: Change[] = [];
  const result = { path, state, src: args.src };
  if (state === 'link') {
    if (self.exists && self.type === 'link' && self.linkTarget === args.src) {
      const attrs = attributeChange(path, self, { owner: args.owner, group: args.group });
      return { changes: attrs ? [attrs] : [], result };
    }
    let clear: 'file' | 'dir' | undefined;
    if (self.exists && self.type !== 'link') {
      if (!args.force) throw new ModuleError(`${path} exists as a ${self.type}; use force: true to replace it with a link`);
      clear = self.type === 'directory' ? 'dir' : 'file';
    }
    const before = self.exists ? (self.type === 'link' ? `link → ${self.linkTarget ?? '?'}\n` : `state: ${self.type}\n`) : 'state: absent\n';
    changes.push({ summary: `link ${path} → ${args.src}`, diff: { path, before, after: `link → ${args.src}\n` }, detail: { kind: 'symlink', clear } satisfies Detail });
  } else {
    const src = current.src;
    if (!src || !src.exists) {
      if (current.check) return { changes: [{ summary: `hard link ${path} → ${args.src} (src not there yet: assumed to be created by an earlier task)`, detail: { kind: 'hard' } satisfies Detail }], result };
      throw new ModuleError(`src ${args.src} does not exist; cannot make a hard link to it`);
    }
    if (self.exists && self.inode === src.inode && self.device === src.device) {
      const attrs = attributeChange(path, self, args);
      return { changes: attrs ? [attrs] : [], result };
    }
    if (self.exists && !args.force) throw new ModuleError(`${path} exists and is not a hard link to ${args.src}; use force: true to replace it`);
    changes.push({ summary: `hard link ${path} → ${args.src}`, diff: { path, before: self.exists ? `state: ${self.type}\n` : 'state: absent\n', after: `hard link to ${args.src}\n` }, detail: { kind: 'hard' } satisfies Detail });
  }
  if (args.owner || args.group || (state === 'hard' && args.mode !== undefined)) {
    const change = { ...(args.owner ? { owner: args.owner } : {}), ...(args.group ? { group: args.group } : {}) };
    changes.push({ summary: `set attributes of ${path}`, detail: { kind: 'attributes', path, change } satisfies Detail });
  }
  return { changes, result };
}

export function commandsFor(detail: Detail, path: string, args: Args): Command[] {
  switch (detail.kind) {
    case 'remove':
      return [sh`rm -rf -- ${path}`];
    case 'mkdir': {
      // As Ansible does, every folder this creates (the missing parents too) gets owner/group/mode, so
      // `path: /var/lib/redis/6379` with `owner: redis` leaves no root-owned /var/lib/redis behind.
      const mode = args.mode === undefined ? '' : typeof args.mode === 'number' ? chmodOperand(args.mode) : isOctalMode(args.mode) ? chmodOperand(parseInt(args.mode, 8)) : args.mode;
      return [sh`p=${path}; set --; while [ ! -e "$p" ] && [ ! -L "$p" ]; do set -- "$p" "$@"; p=$(dirname -- "$p"); done; mkdir -p -- ${path} || exit 1; o=${args.owner ?? ''}; g=${args.group ?? ''}; m=${mode}; for d in "$@"; do if [ -n "$o$g" ]; then chown -- "$o\${g:+:$g}" "$d" || exit 1; fi; if [ -n "$m" ]; then chmod -- "$m" "$d" || exit 1; fi; done`];
    }
    case 'touch':
      return [sh`touch ${detail.flags} -- ${path}`];
    case 'symlink':
      return [
        ...(detail.clear === 'dir' ? [sh`rmdir -- ${path}`] : detail.clear === 'file' ? [sh`rm -f -- ${path}`] : []),
        sh`ln -sfn -- ${args.src!} ${path}`,
      ];
    case 'hard':
      return [sh`ln -f -- ${args.src!} ${path}`];
    case 'attributes':
      return attributeCommands(detail.path, detail.change, { recurse: detail.recurse ?? false, modeSpec: args.mode });
  }
}

export default defineModule<typeof schema, FileModuleState>({
  name: 'file',
  schema,
  meta: {
    description: 'Ensures a path is a file, folder, link or absent, with the given owner, group and mode (octal or symbolic).',
    ansible: 'ansible.builtin.file',
    example: '- name: Redis data folder\n  file:\n    path: /var/lib/redis\n    state: directory\n    owner: redis\n    group: redis\n    mode: "0750"',
    returns: { path: 'The path managed.', state: 'The state it is in now.', src: 'Link target (link/hard).', mode: 'Mode (directory).', size: 'Size (file).' },
  },
  async read(ctx: ModuleContext, args: Args): Promise<FileModuleState> {
    checkFileArgs(args);
    const path = pathOf(args);
    const self = await statPath(ctx, path);
    const state: FileModuleState = { path, self, check: ctx.check };
    const followable = args.state === undefined || args.state === 'file' || args.state === 'directory' || args.state === 'touch';
    if (self.exists && self.type === 'link' && followable && args.follow !== false) {
      state.resolved = await statPath(ctx, path, { follow: true });
    }
    if (args.state === 'hard' && args.src) state.src = await statPath(ctx, args.src, { follow: true });
    const target = state.resolved ?? self;
    const isDir = target.exists && target.type === 'directory';
    if (args.recurse && isDir && (args.owner || args.group || args.mode !== undefined)) {
      state.tree = parseTree(await runChecked(ctx, treeCommand(path), `listing ${path}`));
    }
    return state;
  },
  plan: (current: FileModuleState, args: Args) => planFile(current, args),
  async apply(ctx: ModuleContext, plan: Plan, args: Args, current: FileModuleState) {
    for (const change of plan.changes) {
      for (const cmd of commandsFor(change.detail as Detail, current.path, args)) await runChecked(ctx, cmd, change.summary);
    }
    return { result: plan.result ?? {} };
  },
});
