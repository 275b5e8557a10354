import { randomBytes } from 'node:crypto';
import { posix } from 'node:path';
import { ModuleError } from '../../core/errors.js';
import type { ModuleContext } from '../../core/registry.js';
import { sh, type Command } from '../../core/sh.js';
import { runChecked, type FileState } from './fileState.js';
import { splitWords } from '../../core/shellWords.js';

export interface WriteOptions {
  mode?: number | undefined;
  owner?: string | undefined;
  group?: string | undefined;
  /** A command with %s: run on the uploaded temp file before it replaces dest (`visudo -cf %s`). */
  validate?: string | undefined;
  backup?: boolean | undefined;
}

/** A hidden temp name beside dest, so the final rename stays on one filesystem (atomic). */
export function tempPathFor(dest: string): string {
  return posix.join(posix.dirname(dest), `.${posix.basename(dest)}.${randomBytes(6).toString('hex')}.rp-tmp`);
}

/** The validator as argv: its words quoted one by one, %s replaced by the temp path (never a shell). */
export function validateCommand(validate: string, tempPath: string): Command {
  if (!validate.includes('%s')) throw new ModuleError(`validate must contain %s (the file to check): ${validate}`);
  const words = splitWords(validate).map((w) => w.split('%s').join(tempPath));
  return sh`${words}`;
}

/** Ansible's backup name: `dest.<pid>.<YYYY-MM-DD@HH:MM:SS>~`, stamped with the host's clock. Returns the name. */
export async function backupRemoteFile(ctx: ModuleContext, dest: string): Promise<string> {
  const out = await runChecked(
    ctx,
    sh`b=${dest}.$$.$(date +%Y-%m-%d@%H:%M:%S~) && cp -p -- ${dest} "$b" && printf '%s' "$b"`,
    `backup of ${dest}`,
  );
  return out.trim();
}

/**
 * Replace dest with data atomically. Attributes not asked for are kept from the file being replaced, as Ansible
 * does, so rewriting a 0600 secret never leaves it world-readable for a moment.
 */
export async function writeRemoteFile(
  ctx: ModuleContext,
  dest: string,
  data: Buffer,
  before: FileState,
  opts: WriteOptions,
): Promise<{ backup_file?: string }> {
  const result: { backup_file?: string } = {};
  if (opts.backup && before.exists && before.type === 'file') result.backup_file = await backupRemoteFile(ctx, dest);
  const keep = before.exists && before.type === 'file' ? before : undefined;
  const putOpts = {
    ...(opts.mode !== undefined ? { mode: opts.mode } : keep ? { mode: keep.mode } : {}),
    ...(opts.owner ? { owner: opts.owner } : keep ? { owner: keep.owner } : {}),
    ...(opts.group ? { group: opts.group } : keep ? { group: keep.group } : {}),
    ...(ctx.become ? { become: ctx.become } : {}),
  };
  if (!opts.validate) {
    await putOrFail(ctx, dest, data, putOpts);
    return result;
  }
  const temp = tempPathFor(dest);
  await putOrFail(ctx, temp, data, putOpts);
  const check = await ctx.run(validateCommand(opts.validate, temp));
  if (check.code !== 0) {
    await ctx.run(sh`rm -f -- ${temp}`);
    const err = (check.stderr.toString('utf8') || check.stdout.toString('utf8')).trim();
    throw new ModuleError(`failed to validate ${dest} (rc ${check.code}): ${err}`, { rc: check.code, stderr: err });
  }
  await runChecked(ctx, sh`mv -f -- ${temp} ${dest}`, `moving the validated file to ${dest}`);
  return result;
}

async function putOrFail(ctx: ModuleContext, path: string, data: Buffer, opts: Parameters<ModuleContext['conn']['put']>[2]): Promise<void> {
  try {
    await ctx.conn.put(path, data, opts);
  } catch (e) {
    if (e instanceof ModuleError) throw e;
    throw new ModuleError(`cannot write ${path}: ${(e as Error).message}`);
  }
}
