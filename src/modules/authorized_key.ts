import { posix } from 'node:path';
import { ModuleError } from '../core/errors.js';
import { defineModule, type Change, type ModuleContext, type FromSchema, type Plan } from '../core/registry.js';
import { sh } from '../core/sh.js';
import { parsePasswd, type PasswdEntry } from './system/accounts.js';
import { splitKeepEnds } from './support/lineEdit.js';
import { readRemoteText, runChecked, statPaths, type FileState } from './support/fileState.js';
import { writeRemoteFile } from './support/writeFile.js';

const schema = {
  type: 'object',
  properties: {
    user: { type: 'string', minLength: 1, description: 'The account whose authorized_keys file is edited; its home comes from the host (getent passwd).' },
    key: { type: 'string', description: 'The public key line(s), e.g. "ssh-ed25519 AAAA… me@laptop"; several lines give several keys (blank and # lines are ignored). URLs are not supported.' },
    state: { type: 'string', enum: ['present', 'absent'], description: 'present (default) or absent.' },
    path: { type: 'string', description: 'The authorized_keys file (default ~user/.ssh/authorized_keys, from the user\'s home on the host).' },
    manage_dir: { type: 'boolean', description: "Create the file's folder with mode 0700 owned by the user when writing (default true); set false with a custom path." },
    exclusive: { type: 'boolean', description: 'With present: remove every other key (and comment line) from the file (default false).' },
    key_options: { type: 'string', description: 'Options put before the key, e.g. \'no-port-forwarding,from="10.0.0.1"\'; replaces those in key.' },
    comment: { type: 'string', description: 'The comment written after the key; replaces the one in key.' },
  },
  required: ['user', 'key'],
  additionalProperties: false,
} as const;
type Args = FromSchema<typeof schema>;

/** The key types Ansible's parsekey recognises (ansible.posix authorized_key.py). */
const KEY_TYPES = new Set([
  'sk-ecdsa-sha2-nistp256@openssh.com', 'sk-ecdsa-sha2-nistp256-cert-v01@openssh.com', 'webauthn-sk-ecdsa-sha2-nistp256@openssh.com',
  'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521', 'sk-ssh-ed25519@openssh.com', 'sk-ssh-ed25519-cert-v01@openssh.com',
  'ssh-ed25519', 'ssh-dss', 'ssh-rsa', 'ssh-xmss@openssh.com', 'ssh-xmss-cert-v01@openssh.com', 'rsa-sha2-256', 'rsa-sha2-512',
  'ssh-rsa-cert-v01@openssh.com', 'rsa-sha2-256-cert-v01@openssh.com', 'rsa-sha2-512-cert-v01@openssh.com', 'ssh-ed25519-cert-v01@openssh.com',
  'ecdsa-sha2-nistp256-cert-v01@openssh.com', 'ecdsa-sha2-nistp384-cert-v01@openssh.com', 'ecdsa-sha2-nistp521-cert-v01@openssh.com',
]);

export interface ParsedKey {
  type: string;
  blob: string;
  /** The options split on commas outside quotes, as parseoptions does. */
  options: string[];
  comment: string;
}

/** Commas inside quotes belong to the option (from="a,b"). */
const splitOptions = (text: string): string[] => (text.match(/(?:[^,"']|"[^"]*"|'[^']*')+/g) ?? []).filter((p) => p.trim() !== '');

/** Ansible's parsekey: words split on whitespace, the first known key type, the blob after it, the rest a comment. */
export function parseKey(line: string): ParsedKey | undefined {
  const words = line.replace(/\\#/g, '#').trim().split(/\s+/).filter(Boolean);
  if (words.length === 0 || words[0]!.startsWith('#')) return undefined;
  const i = words.findIndex((w) => KEY_TYPES.has(w));
  if (i < 0 || i + 1 >= words.length) return undefined;
  return { type: words[i]!, blob: words[i + 1]!, options: splitOptions(words.slice(0, i).join(' ')), comment: words.slice(i + 2).join(' ') };
}

export const keyLine = (k: ParsedKey): string => `${k.options.length ? `${k.options.join(',')} ` : ''}${k.type} ${k.blob}${k.comment ? ` ${k.comment}` : ''}\n`;

/** The keys a task asks for, with key_options/comment applied; a line that is no key fails, as in Ansible. */
export function wantedKeys(args: Pick<Args, 'key' | 'key_options' | 'comment'>): ParsedKey[] {
  if (/^\s*https?:\/\//i.test(args.key)) throw new ModuleError('authorized_key: a key URL is not supported (fetch it with get_url or a lookup first and pass the key text)');
  const lines = args.key.split(/\r?\n/).filter((l) => l.trim() !== '' && !l.trimStart().startsWith('#'));
  if (lines.length === 0) throw new ModuleError('authorized_key: key is empty');
  return lines.map((line) => {
    const k = parseKey(line);
    if (!k) throw new ModuleError(`invalid key specified: ${line}`);
    return { ...k, ...(args.key_options !== undefined ? { options: splitOptions(args.key_options) } : {}), ...(args.comment !== undefined ? { comment: args.comment } : {}) };
  });
}

const same = (a: ParsedKey, b: ParsedKey): boolean => a.type === b.type && a.comment === b.comment && a.options.join(',') === b.options.join(',');

/**
 * Pure: the file after the task. Keys are identified by their blob (the same key under another comment or with
 * other options is not added twice, and absent removes it whatever its comment); with present a key whose type,
 * options or comment differ is rewritten at the end, as Ansible does. Other lines are kept as they are.
 */
export function editAuthorizedKeys(content: string, keys: ParsedKey[], opts: { state?: 'present' | 'absent' | undefined; exclusive?: boolean | undefined }): { content: string; changed: boolean } {
  let lines = splitKeepEnds(content).map((raw) => ({ raw, key: parseKey(raw) }));
  const before = lines.map((l) => l.raw).join('');
  const blobs = new Set(keys.map((k) => k.blob));
  if ((opts.state ?? 'present') === 'absent') {
    lines = lines.filter((l) => !l.key || !blobs.has(l.key.blob));
  } else {
    if (opts.exclusive) lines = lines.filter((l) => l.key && blobs.has(l.key.blob));
    for (const want of keys) {
      const found = lines.filter((l) => l.key?.blob === want.blob);
      if (found.length === 1 && same(found[0]!.key!, want)) continue;
      lines = lines.filter((l) => l.key?.blob !== want.blob);
      lines.push({ raw: keyLine(want), key: want });
    }
  }
  const last = lines.length - 1;
  // a last line without its newline would run into an appended key
  const after = lines.map((l, i) => (i < last && !l.raw.endsWith('\n') ? `${l.raw}\n` : l.raw)).join('');
  return { content: after, changed: after !== before };
}

export interface AuthorizedKeyState {
  user?: PasswdEntry;
  keyfile: string;
  dir: FileState;
  file: FileState;
  content: string;
  check: boolean;
}

export function keyfileOf(args: Pick<Args, 'path'>, user: PasswdEntry | undefined, name: string): string {
  if (args.path) return args.path;
  return posix.join(user?.home ?? `~${name}`, '.ssh', 'authorized_keys');
}

interface WriteDetail {
  kind: 'authorized_keys';
  data: string;
}

export function planAuthorizedKey(current: AuthorizedKeyState, args: Args): Plan {
  const keys = wantedKeys(args);
  const state = args.state ?? 'present';
  const result = { user: args.user, keyfile: current.keyfile, state, exclusive: args.exclusive ?? false, manage_dir: args.manage_dir ?? true, ...(args.key_options !== undefined ? { key_options: args.key_options } : {}), ...(args.comment !== undefined ? { comment: args.comment } : {}) };
  if (!current.user) {
    if (!current.check) throw new ModuleError(`Failed to lookup user ${args.user}: getpwnam(): name not found: '${args.user}'`);
    if (state === 'absent') return { changes: [], result };
    return { changes: [{ summary: `add ${keys.length} key(s) for ${args.user} (user not there yet: assumed to be created by an earlier task)` }], result };
  }
  if (current.file.exists && current.file.type === 'directory') throw new ModuleError(`${current.keyfile} is a directory`);
  const out = editAuthorizedKeys(current.content, keys, { state, exclusive: args.exclusive });
  if (!out.changed) return { changes: [], result };
  const change: Change = {
    summary: `${state === 'absent' ? 'remove keys from' : 'add keys to'} ${current.keyfile}`,
    diff: { path: current.keyfile, before: current.content, after: out.content },
    detail: { kind: 'authorized_keys', data: out.content } satisfies WriteDetail,
  };
  return { changes: [change], result };
}

export default defineModule<typeof schema, AuthorizedKeyState>({
  name: 'authorized_key',
  schema,
  meta: {
    description: "Adds or removes SSH public keys in a user's authorized_keys file; keys are compared by type and key data, the file is written 0600 owned by the user.",
    ansible: 'ansible.posix.authorized_key',
    example: '- name: Let the deploy key in\n  authorized_key:\n    user: deploy\n    key: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDeploy deploy@ci"\n    key_options: \'from="10.0.0.0/8"\'',
    returns: { keyfile: 'The authorized_keys file edited.', user: 'The user.', state: 'present or absent.' },
  },
  async read(ctx: ModuleContext, args: Args): Promise<AuthorizedKeyState> {
    wantedKeys(args);
    const r = await ctx.run(sh`getent passwd -- ${args.user}`);
    const user = r.code === 0 ? parsePasswd(r.stdout.toString('utf8').split('\n')[0] ?? '') : undefined;
    if (r.code !== 0 && r.code !== 2) throw new ModuleError(`getent passwd ${args.user} failed (rc ${r.code}): ${r.stderr.toString('utf8').trim()}`);
    const keyfile = keyfileOf(args, user, args.user);
    const none: FileState = { exists: false };
    if (!user && !args.path) return { keyfile, dir: none, file: none, content: '', check: ctx.check };
    const [dir, file] = await statPaths(ctx, [posix.dirname(keyfile), keyfile], { follow: true });
    const content = file!.exists && file!.type === 'file' ? await readRemoteText(ctx, keyfile) : '';
    return { ...(user ? { user } : {}), keyfile, dir: dir!, file: file!, content, check: ctx.check };
  },
  plan: (current: AuthorizedKeyState, args: Args) => planAuthorizedKey(current, args),
  async apply(ctx: ModuleContext, plan: Plan, args: Args, current: AuthorizedKeyState) {
    const detail = plan.changes[0]?.detail as WriteDetail | undefined;
    const user = current.user;
    if (!detail || !user) return;
    const dir = posix.dirname(current.keyfile);
    const owner = `${user.uid}:${user.gid}`;
    // as Ansible's keyfile(): the folder is (re)made the user's and 0700 whenever the file is written
    if (args.manage_dir ?? true) await runChecked(ctx, sh`mkdir -p -m 0700 -- ${dir} && chown -- ${owner} ${dir} && chmod 0700 -- ${dir}`, `preparing ${dir}`);
    else if (!current.dir.exists) await runChecked(ctx, sh`mkdir -p -- ${dir}`, `creating ${dir}`);
    await writeRemoteFile(ctx, current.keyfile, Buffer.from(detail.data, 'utf8'), current.file, { mode: 0o600, owner: String(user.uid), group: String(user.gid) });
  },
});
