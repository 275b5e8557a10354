import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { sh, type Command } from '../../core/sh.js';

export type ArchiveFormat = 'tar.gz' | 'tar.xz' | 'tar.bz2' | 'tar.zst' | 'tar' | 'zip';

/** By name, as the formats tar/unzip need a flag for; unknown names are a clear error upstream. */
export function archiveFormat(name: string): ArchiveFormat | undefined {
  const n = name.toLowerCase();
  if (n.endsWith('.tar.gz') || n.endsWith('.tgz')) return 'tar.gz';
  if (n.endsWith('.tar.xz') || n.endsWith('.txz')) return 'tar.xz';
  if (n.endsWith('.tar.bz2') || n.endsWith('.tbz2') || n.endsWith('.tbz')) return 'tar.bz2';
  if (n.endsWith('.tar.zst')) return 'tar.zst';
  if (n.endsWith('.tar')) return 'tar';
  if (n.endsWith('.zip')) return 'zip';
  return undefined;
}

const TAR_FLAG: Record<Exclude<ArchiveFormat, 'zip'>, string[]> = { 'tar.gz': ['-z'], 'tar.xz': ['-J'], 'tar.bz2': ['-j'], 'tar.zst': ['--zstd'], tar: [] };

export function listCommand(format: ArchiveFormat, archive: string): Command {
  if (format === 'zip') return sh`unzip -Z1 -- ${archive}`;
  // escape (GNU tar's default) keeps one entry per line even for names with newlines; parseListing undoes it
  return sh`tar -t --quoting-style=escape ${TAR_FLAG[format]} -f ${archive}`;
}

const C_ESCAPES: Record<number, number> = { 0x61: 7, 0x62: 8, 0x66: 12, 0x6e: 10, 0x72: 13, 0x74: 9, 0x76: 11, 0x5c: 0x5c };

/** GNU tar lists names in its `escape` quoting style (\n, \\, \ooo for other bytes): back to the real name. */
export function unescapeTarName(line: string): string {
  if (!line.includes('\\')) return line;
  // bytewise: a backslash (0x5c) never occurs inside a UTF-8 multibyte sequence
  const src = Buffer.from(line, 'utf8');
  const out: number[] = [];
  for (let i = 0; i < src.length; i++) {
    const b = src[i]!;
    if (b === 0x5c && i + 1 < src.length) {
      const oct = /^[0-7]{3}/.exec(src.subarray(i + 1, i + 4).toString('latin1'));
      if (oct) {
        out.push(parseInt(oct[0], 8));
        i += 3;
        continue;
      }
      const esc = C_ESCAPES[src[i + 1]!];
      if (esc !== undefined) {
        out.push(esc);
        i += 1;
        continue;
      }
    }
    out.push(b);
  }
  return Buffer.from(out).toString('utf8');
}

/** A listing's output (tar's escaped lines, or unzip's raw names) → entry names. */
export function parseListing(format: ArchiveFormat, stdout: string): string[] {
  const lines = stdout.split('\n');
  return normaliseListing(format === 'zip' ? lines : lines.map(unescapeTarName));
}

export function extractCommand(format: ArchiveFormat, archive: string, dest: string, extra: readonly string[]): Command {
  if (format === 'zip') return sh`unzip -o ${extra} -- ${archive} -d ${dest}`;
  return sh`tar -x ${TAR_FLAG[format]} -f ${archive} -C ${dest} ${extra}`;
}

/** Entry names as the archive lists them, without `./` and trailing `/`; empties dropped. */
export function normaliseListing(lines: readonly string[]): string[] {
  const out = new Set<string>();
  for (const raw of lines) {
    const name = raw.replace(/^(\.\/)+/, '').replace(/\/+$/, '');
    if (name !== '' && name !== '.') out.add(name);
  }
  return [...out];
}

/** Reads a zip's central directory (names only): enough to compare with dest without unzip on the controller. */
export function zipEntryNames(data: Buffer): string[] {
  let eocd = -1;
  for (let i = data.length - 22; i >= Math.max(0, data.length - 65557); i--) {
    if (data.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('not a zip file (no end of central directory)');
  const count = data.readUInt16LE(eocd + 10);
  let p = data.readUInt32LE(eocd + 16);
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    if (data.readUInt32LE(p) !== 0x02014b50) throw new Error('corrupt zip central directory');
    const nameLen = data.readUInt16LE(p + 28);
    const extraLen = data.readUInt16LE(p + 30);
    const commentLen = data.readUInt16LE(p + 32);
    names.push(data.subarray(p + 46, p + 46 + nameLen).toString('utf8'));
    p += 46 + nameLen + extraLen + commentLen;
  }
  return names;
}

/** List a controller-side archive: zip parsed here, tarballs by the controller's tar (it detects compression). */
export async function listLocalArchive(file: string, format: ArchiveFormat): Promise<string[]> {
  if (format === 'zip') return normaliseListing(zipEntryNames(readFileSync(file)));
  const { stdout } = await promisify(execFile)('tar', ['-tf', file], { maxBuffer: 256 * 1024 * 1024 });
  return parseListing(format, stdout);
}

/** Prints the index of every path that does not exist (indexes, not names: names may hold newlines). */
export function missingCommand(paths: readonly string[]): Command {
  return sh`i=0; for p in ${paths}; do if [ ! -e "$p" ] && [ ! -L "$p" ]; then echo "$i"; fi; i=$((i+1)); done`;
}
