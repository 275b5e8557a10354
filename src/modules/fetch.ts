import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, posix, resolve } from 'node:path';
import { ModuleError } from '../core/errors.js';
import { defineModule, type ModuleContext, type FromSchema, type Plan } from '../core/registry.js';
import { digest } from './support/checksum.js';
import { diffableText } from './support/diff.js';
import { statPath, type FileState } from './support/fileState.js';

const schema = {
  type: 'object',
  properties: {
    src: { type: 'string', description: 'The file on the host.' },
    dest: { type: 'string', description: 'A folder on the controller: the file lands in DEST/HOST/SRC-PATH (or exactly at dest with flat).' },
    flat: { type: 'boolean', description: 'Write to dest itself (or dest/<basename> when dest ends with /) instead of DEST/HOST/SRC-PATH (default false).' },
    validate_checksum: { type: 'boolean', description: 'Check the transferred bytes against the sha1 on the host (default true).' },
    fail_on_missing: { type: 'boolean', description: 'Fail when src does not exist on the host (default true).' },
  },
  required: ['src', 'dest'],
  additionalProperties: false,
} as const;
type Args = FromSchema<typeof schema>;

/** Ansible's layout: dest/<host>/<absolute src path>, so fetching one path from many hosts never collides. */
export function localPathFor(host: string, args: { src: string; dest: string; flat?: boolean | undefined }): string {
  if (args.flat) return args.dest.endsWith('/') ? join(args.dest, posix.basename(args.src)) : args.dest;
  // The host name is one folder under dest. add_host can take a name from host data (a Sentinel's reply), so a
  // name like ../../x must not walk out of dest on the controller.
  if (host === '' || host === '.' || host === '..' || /[/\\\0]/.test(host)) {
    throw new ModuleError(`fetch: the host name ${JSON.stringify(host)} cannot be a folder under dest; use flat: true with a dest of your own`);
  }
  return join(args.dest, host, posix.normalize('/' + args.src));
}

export interface FetchState {
  local: string;
  remote: FileState;
  /** --check: a missing file may be one an earlier task only planned. */
  check?: boolean;
  localChecksum?: string;
  localText?: string;
}

export function planFetch(current: FetchState, args: Args): Plan {
  const r = current.remote;
  if (!r.exists) {
    if (current.check) return { changes: [{ summary: `fetch ${args.src} to ${current.local} (not there yet: assumed to be created by an earlier task)` }], result: { src: args.src, dest: current.local } };
    if (args.fail_on_missing === false) return { changes: [], result: { msg: 'the remote file does not exist, not transferring, ignored', file: args.src } };
    throw new ModuleError(`the remote file does not exist: ${args.src}`);
  }
  if (r.type === 'directory') throw new ModuleError(`remote file is a directory, fetch cannot work on directories: ${args.src}`);
  const result = { src: args.src, dest: current.local, checksum: r.checksum, remote_checksum: r.checksum };
  if (current.localChecksum === r.checksum) return { changes: [], result };
  return {
    changes: [{ summary: `fetch ${args.src} to ${current.local} on the controller`, diff: { path: current.local, before: current.localText ?? '', after: `(${r.size} bytes from ${args.src}, sha1 ${r.checksum ?? '?'})\n` } }],
    result,
  };
}

export default defineModule<typeof schema, FetchState>({
  name: 'fetch',
  schema,
  meta: {
    description: 'Copies a file from the host to the controller; changed only when the local copy differs.',
    ansible: 'ansible.builtin.fetch',
    example: '- name: Collect each Redis config\n  fetch:\n    src: /etc/redis/redis.conf\n    dest: collected/',
    returns: { dest: 'Local path written.', checksum: 'sha1 of the file.', remote_checksum: 'sha1 on the host.', src: 'The path on the host.' },
  },
  async read(ctx: ModuleContext, args: Args): Promise<FetchState> {
    // A relative dest is the playbook's folder's, as Ansible resolves it; the playbook's is the last search path.
    const local = resolve(ctx.searchPaths.files.at(-1) ?? process.cwd(), localPathFor(ctx.host, args));
    const remote = await statPath(ctx, args.src, { checksum: 'sha1', follow: true });
    const state: FetchState = { local, remote, ...(ctx.check ? { check: true } : {}) };
    if (existsSync(local)) {
      const data = readFileSync(local);
      state.localChecksum = digest(data);
      const text = diffableText(data);
      if (text !== undefined) state.localText = text;
    }
    return state;
  },
  plan: (current: FetchState, args: Args) => planFetch(current, args),
  async apply(ctx: ModuleContext, plan: Plan, args: Args, current: FetchState) {
    if (plan.changes.length === 0) return { result: plan.result ?? {} };
    let data: Buffer;
    try {
      data = await ctx.conn.get(args.src, ctx.become ? { become: ctx.become } : {});
    } catch (e) {
      throw new ModuleError(`cannot read ${args.src} on the host: ${(e as Error).message}`);
    }
    const got = digest(data);
    if (args.validate_checksum !== false && current.remote.exists && current.remote.checksum && got !== current.remote.checksum) {
      throw new ModuleError(`checksum mismatch after fetching ${args.src}: host ${current.remote.checksum}, received ${got} (did the file change meanwhile?)`);
    }
    mkdirSync(dirname(current.local), { recursive: true });
    const temp = `${current.local}.rp-tmp-${process.pid}`;
    writeFileSync(temp, data);
    renameSync(temp, current.local);
    return { result: { ...plan.result, checksum: got } };
  },
});
