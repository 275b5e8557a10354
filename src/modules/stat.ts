import { defineModule, type ModuleContext, type FromSchema, type Plan } from '../core/registry.js';
import { CHECKSUM_ALGORITHMS, statPath, type ChecksumAlgorithm, type FileState } from './support/fileState.js';
import { formatMode } from './support/fileMode.js';

const schema = {
  type: 'object',
  properties: {
    path: { type: 'string', description: 'The path to describe (aliases: dest, name).' },
    dest: { type: 'string', description: 'Alias of path.' },
    name: { type: 'string', description: 'Alias of path.' },
    follow: { type: 'boolean', description: 'Describe what a link points to instead of the link (default false).' },
    get_checksum: { type: 'boolean', description: 'Include the checksum of a regular file (default true).' },
    checksum_algorithm: { type: 'string', enum: CHECKSUM_ALGORITHMS, description: 'md5, sha1 (default), sha224, sha256, sha384 or sha512.' },
  },
  additionalProperties: false,
} as const;
type Args = FromSchema<typeof schema>;

export interface StatState {
  path: string;
  state: FileState;
}

/** Ansible's stat result shape, from the parsed file state (pure). */
export function statResult(path: string, s: FileState): Record<string, unknown> {
  if (!s.exists) return { exists: false };
  return {
    exists: true,
    path,
    mode: formatMode(s.mode),
    isreg: s.type === 'file',
    isdir: s.type === 'directory',
    islnk: s.type === 'link',
    uid: s.uid,
    gid: s.gid,
    pw_name: s.owner,
    gr_name: s.group,
    size: s.size,
    mtime: s.mtime,
    inode: s.inode,
    dev: s.device,
    executable: (s.mode & 0o111) !== 0,
    ...(s.checksum ? { checksum: s.checksum } : {}),
    ...(s.linkTarget !== undefined ? { lnk_target: s.linkTarget } : {}),
  };
}

export default defineModule<typeof schema, StatState>({
  name: 'stat',
  schema,
  meta: {
    description: 'Describes a path on the host (exists, type, mode, owner, size, checksum); changes nothing and runs under --check.',
    ansible: 'ansible.builtin.stat',
    example: '- name: Is Redis built?\n  stat:\n    path: /usr/local/bin/redis-server\n  register: redis_bin',
    returns: { stat: 'exists, path, mode, isreg, isdir, islnk, uid, gid, pw_name, gr_name, size, mtime, inode, dev, executable, checksum, lnk_target.' },
  },
  async read(ctx: ModuleContext, args: Args): Promise<StatState> {
    const path = args.path ?? args.dest ?? args.name ?? '';
    const algorithm: ChecksumAlgorithm | false = args.get_checksum === false ? false : (args.checksum_algorithm ?? 'sha1');
    return { path, state: await statPath(ctx, path, { checksum: algorithm, follow: args.follow === true }) };
  },
  plan: (current: StatState): Plan => ({ changes: [], result: { stat: statResult(current.path, current.state) } }),
});
