import { sh, type Command } from '../../core/sh.js';
import { ModuleError, trimOutput } from '../../core/errors.js';
import type { ModuleContext } from '../../core/registry.js';

export type FileType = 'file' | 'directory' | 'link' | 'other';
export type ChecksumAlgorithm = 'md5' | 'sha1' | 'sha224' | 'sha256' | 'sha384' | 'sha512';
export const CHECKSUM_ALGORITHMS: readonly ChecksumAlgorithm[] = ['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512'];

/** What one path on the host is now; `exists: false` carries nothing else. */
export type FileState =
  | { exists: false }
  | {
      exists: true;
      type: FileType;
      /** Permission bits incl. setuid/setgid/sticky, e.g. 0o644. */
      mode: number;
      uid: number;
      gid: number;
      owner: string;
      group: string;
      size: number;
      mtime: number;
      inode: number;
      device: number;
      /** Hex digest of a regular file's content (when asked for and readable). */
      checksum?: string;
      /** Where a symbolic link points (as written in the link). */
      linkTarget?: string;
    };
export type ExistingFile = Extract<FileState, { exists: true }>;

export interface StatOptions {
  checksum?: ChecksumAlgorithm | false;
  /** Describe what a link points to instead of the link (stat -L). */
  follow?: boolean;
}

const STAT_FORMAT = '%F\t%a\t%u\t%g\t%U\t%G\t%s\t%Y\t%i\t%d\n';

/**
 * One shell command that describes every path, so a folder copy costs one round trip. Records are positional
 * (no path is echoed back), so names with newlines or tabs cannot break the parse:
 * `N` | `E` + stat line + checksum line (may be empty) + base64 link target line (may be empty).
 */
export function statCommand(paths: readonly string[], opts: StatOptions = {}): Command {
  const statFlags = opts.follow ? ['-L'] : [];
  const sum = opts.checksum ? `${opts.checksum}sum` : '';
  return sh`for p in ${paths}; do if [ -e "$p" ] || [ -L "$p" ]; then printf 'E\n'; stat ${statFlags} --printf ${STAT_FORMAT} -- "$p" || printf '?\n'; if [ -n ${sum} ] && [ -f "$p" ] && [ -r "$p" ]; then ${sum} < "$p" | cut -d ' ' -f 1; else printf '\n'; fi; if [ -L "$p" ]; then readlink -- "$p" | base64 -w0; fi; printf '\n'; else printf 'N\n'; fi; done`;
}

function fileType(text: string): FileType {
  if (text === 'regular file' || text === 'regular empty file') return 'file';
  if (text === 'directory') return 'directory';
  if (text === 'symbolic link') return 'link';
  return 'other';
}

/** Pure parser of statCommand's output; one FileState per path, in order. */
export function parseStatOutput(stdout: string, count: number): FileState[] {
  const lines = stdout.split('\n');
  const out: FileState[] = [];
  let i = 0;
  while (out.length < count) {
    const tag = lines[i++];
    if (tag === 'N') {
      out.push({ exists: false });
      continue;
    }
    if (tag !== 'E') throw new Error(`unexpected stat output at line ${i}: ${JSON.stringify(tag)}`);
    const f = (lines[i++] ?? '').split('\t');
    const checksum = lines[i++] ?? '';
    const link = lines[i++] ?? '';
    if (f.length < 10) throw new Error(`cannot read file status: ${f.join(' ')}`);
    const [type, mode, uid, gid, owner, group, size, mtime, inode, device] = f;
    out.push({
      exists: true,
      type: fileType(type!),
      mode: parseInt(mode!, 8),
      uid: Number(uid),
      gid: Number(gid),
      owner: owner!,
      group: group!,
      size: Number(size),
      mtime: Number(mtime),
      inode: Number(inode),
      device: Number(device),
      ...(checksum ? { checksum } : {}),
      ...(link ? { linkTarget: Buffer.from(link, 'base64').toString('utf8').replace(/\n$/, '') } : {}),
    });
  }
  return out;
}

/** Describe several paths on the host in one command. */
export async function statPaths(ctx: ModuleContext, paths: readonly string[], opts: StatOptions = {}): Promise<FileState[]> {
  if (paths.length === 0) return [];
  const r = await ctx.run(statCommand(paths, opts));
  const stderr = r.stderr.toString('utf8');
  try {
    return parseStatOutput(r.stdout.toString('utf8'), paths.length);
  } catch (e) {
    throw new ModuleError(`cannot read the state of ${paths.join(', ')}: ${(e as Error).message}${stderr ? `\n${trimOutput(stderr)}` : ''}`);
  }
}

export async function statPath(ctx: ModuleContext, path: string, opts: StatOptions = {}): Promise<FileState> {
  const [state] = await statPaths(ctx, [path], opts);
  return state!;
}

/** Fail with the command's stderr unless it succeeded; returns stdout as text. */
export async function runChecked(ctx: ModuleContext, cmd: Command, what: string): Promise<string> {
  const r = await ctx.run(cmd);
  if (r.code !== 0) {
    const stderr = trimOutput(r.stderr.toString('utf8') || r.stdout.toString('utf8'));
    throw new ModuleError(`${what} failed (rc ${r.code ?? r.signal}): ${stderr}`, { rc: r.code, stderr: r.stderr.toString('utf8'), cmd: cmd.display });
  }
  return r.stdout.toString('utf8');
}

/** Read a whole file on the host (text modules, diffs). */
export async function readRemoteText(ctx: ModuleContext, path: string): Promise<string> {
  try {
    return (await ctx.conn.get(path, ctx.become ? { become: ctx.become } : {})).toString('utf8');
  } catch (e) {
    throw new ModuleError(`cannot read ${path}: ${(e as Error).message}`);
  }
}
