import { readFileSync } from 'node:fs';
import { posix } from 'node:path';
import { ModuleError, trimOutput } from '../core/errors.js';
import { defineModule, type FromSchema, type ModuleContext, type Plan } from '../core/registry.js';
import { sh } from '../core/sh.js';
import { attributeProperties } from './support/attributeSchema.js';
import { archiveFormat, extractCommand, listCommand, listLocalArchive, missingCommand, parseListing, type ArchiveFormat } from './support/archive.js';
import { attributeCommands } from './support/attributes.js';
import { resolveMode } from './support/fileMode.js';
import { runChecked, statPath } from './support/fileState.js';
import { findLocalSource } from './support/localSource.js';
import { checkFileArgs } from './template.js';

const schema = {
  type: 'object',
  properties: {
    src: { type: 'string', description: "Archive on the controller (role's files/, then the playbook's), or on the host with remote_src." },
    dest: { type: 'string', description: 'Existing folder on the host to unpack into.' },
    remote_src: { type: 'boolean', description: 'src is already on the host (default false).' },
    creates: { type: 'string', description: 'Skip when this path exists.' },
    extra_opts: { type: 'array', items: { type: 'string' }, description: "Extra words for tar/unzip, e.g. ['--strip-components=1']." },
    list_files: { type: 'boolean', description: 'Return the archive entries in `files` (default false).' },
    ...attributeProperties,
  },
  required: ['src', 'dest'],
  additionalProperties: false,
} as const;
type Args = FromSchema<typeof schema>;

export interface UnarchiveState {
  skip?: string;
  format: ArchiveFormat;
  /** Controller path of the archive (absent with remote_src). */
  local?: string;
  destExists: boolean;
  entries: string[];
  /** Entries not found under dest. */
  missing: string[];
  check: boolean;
}

export function planUnarchive(current: UnarchiveState, args: Args): Plan {
  const result = { dest: args.dest, src: args.src, ...(args.list_files ? { files: current.entries } : {}) };
  if (current.skip) return { changes: [], result: { ...result, msg: current.skip } };
  if (!current.destExists && !current.check) throw new ModuleError(`dest ${args.dest} must be an existing directory`);
  if (current.destExists && current.missing.length === 0 && current.entries.length > 0) return { changes: [], result };
  const n = current.destExists ? current.missing.length : current.entries.length;
  const sample = current.missing.slice(0, 5).join(', ');
  return {
    changes: [{
      summary: `unpack ${args.src} into ${args.dest}${n ? ` (${n} of ${current.entries.length} entries missing${sample ? `: ${sample}${n > 5 ? ', …' : ''}` : ''})` : ''}`,
      diff: { path: args.dest, before: current.missing.map((m) => `- ${m}`).join('\n') + '\n', after: `(${current.entries.length} entries from ${args.src})\n` },
    }],
    result,
  };
}

function formatOf(src: string): ArchiveFormat {
  const f = archiveFormat(src);
  if (!f) throw new ModuleError(`unarchive: cannot tell the format of ${src}; supported: .tar.gz/.tgz, .tar.xz, .tar.bz2, .tar, .zip`);
  return f;
}

async function requireUnzip(ctx: ModuleContext): Promise<void> {
  const r = await ctx.run(sh`command -v unzip`);
  if (r.code !== 0) throw new ModuleError('unzip is not installed on the host; install it (apt: unzip) or use a tar archive');
}

export default defineModule<typeof schema, UnarchiveState>({
  name: 'unarchive',
  schema,
  meta: {
    description: "Unpacks a tar.gz/tgz/tar.xz/tar.bz2/zip archive into a folder on the host; ok when `creates` exists or every entry of the archive is already there.",
    ansible: 'ansible.builtin.unarchive',
    example: '- name: Unpack Redis\n  unarchive:\n    src: /usr/local/src/redis-7.2.5.tar.gz\n    dest: /usr/local/src\n    remote_src: true\n    creates: /usr/local/src/redis-7.2.5/Makefile',
    returns: { dest: 'The folder.', src: 'The archive.', files: 'Entries of the archive (list_files).' },
  },
  async read(ctx: ModuleContext, args: Args): Promise<UnarchiveState> {
    checkFileArgs(args);
    const format = formatOf(args.src);
    const base: UnarchiveState = { format, destExists: false, entries: [], missing: [], check: ctx.check };
    if (args.creates) {
      const c = await statPath(ctx, args.creates);
      if (c.exists) return { ...base, skip: `skipped, since ${args.creates} exists`, destExists: true };
    }
    const dest = await statPath(ctx, args.dest, { follow: true });
    if (dest.exists && dest.type !== 'directory') throw new ModuleError(`dest ${args.dest} must be an existing directory`);
    let entries: string[];
    let local: string | undefined;
    if (args.remote_src) {
      const src = await statPath(ctx, args.src, { follow: true });
      if (!src.exists) {
        if (ctx.check) return { ...base, destExists: dest.exists };
        throw new ModuleError(`src ${args.src} does not exist on the host`);
      }
      if (format === 'zip') await requireUnzip(ctx);
      const r = await ctx.run(listCommand(format, args.src));
      if (r.code !== 0) throw new ModuleError(`cannot list ${args.src}: ${trimOutput(r.stderr.toString('utf8'))}`);
      entries = parseListing(format, r.stdout.toString('utf8'));
    } else {
      local = findLocalSource(args.src, ctx.searchPaths.files, 'file');
      try {
        entries = await listLocalArchive(local, format);
      } catch (e) {
        throw new ModuleError(`cannot list ${local}: ${(e as Error).message}`);
      }
    }
    let missing = entries;
    if (dest.exists && entries.length > 0) {
      const paths = entries.map((e) => posix.join(args.dest, e));
      const out = await runChecked(ctx, missingCommand(paths), `checking ${args.dest}`);
      missing = out.split('\n').filter(Boolean).map((i) => entries[Number(i)]!);
    }
    return { ...base, destExists: dest.exists, entries, missing, ...(local ? { local } : {}) };
  },
  plan: (current: UnarchiveState, args: Args) => planUnarchive(current, args),
  async apply(ctx: ModuleContext, plan: Plan, args: Args, current: UnarchiveState) {
    if (current.format === 'zip') await requireUnzip(ctx);
    let archive = args.src;
    let temp: string | undefined;
    if (current.local) {
      temp = (await runChecked(ctx, sh`mktemp`, 'creating a temp file')).trim();
      await ctx.conn.put(temp, readFileSync(current.local), ctx.become ? { become: ctx.become } : {});
      archive = temp;
    }
    try {
      await runChecked(ctx, extractCommand(current.format, archive, args.dest, args.extra_opts ?? []), `unpacking ${args.src}`);
    } finally {
      if (temp) await ctx.run(sh`rm -f -- ${temp}`);
    }
    // owner/group/mode go to what the archive brought (its top-level entries, recursively), not to dest itself
    if (args.owner || args.group || args.mode !== undefined) {
      const tops = [...new Set(current.entries.map((e) => e.split('/')[0]!))];
      for (const top of tops) {
        const path = posix.join(args.dest, top);
        const change = { ...(args.owner ? { owner: args.owner } : {}), ...(args.group ? { group: args.group } : {}), ...(args.mode !== undefined ? { mode: resolveMode(args.mode, 0o644, false) } : {}) };
        for (const cmd of attributeCommands(path, change, { recurse: true, modeSpec: args.mode })) await runChecked(ctx, cmd, `setting attributes of ${path}`);
      }
    }
    return { result: plan.result ?? {} };
  },
});
