import { posix } from 'node:path';
import { ModuleError, trimOutput } from '../core/errors.js';
import { defineModule, type Change, type FromSchema, type ModuleContext, type Plan } from '../core/registry.js';
import { sh, type Command } from '../core/sh.js';
import { attributeChange, type DesiredAttributes } from './support/attributes.js';
import { attributeProperties } from './support/attributeSchema.js';
import { applyFileChanges } from './support/contentFile.js';
import { digest, parseChecksumSpec, parseSumOutput } from './support/checksum.js';
import { chmodOperand, resolveMode } from './support/fileMode.js';
import { runChecked, statPath, type ChecksumAlgorithm, type FileState } from './support/fileState.js';
import { tempPathFor, writeRemoteFile } from './support/writeFile.js';
import { checkFileArgs } from './template.js';

const schema = {
  type: 'object',
  properties: {
    url: { type: 'string', description: 'http(s) or ftp URL to download.' },
    dest: { type: 'string', description: 'Where to save it on the host; an existing folder keeps the URL file name.' },
    checksum: { type: 'string', description: "Expected digest 'sha256:…' (also md5/sha1/sha224/sha384/sha512): verified after download, and a matching existing file is not downloaded again." },
    ...attributeProperties,
    timeout: { type: 'integer', minimum: 1, description: 'Seconds the download may take (default 10).' },
    headers: { type: 'object', additionalProperties: { type: 'string' }, description: 'HTTP request headers.' },
    force: { type: 'boolean', description: 'Download again even when dest exists (default false); without a checksum an existing file is otherwise kept.' },
    validate_certs: { type: 'boolean', description: 'Verify TLS certificates (default true).' },
    via: { type: 'string', enum: ['host', 'controller'], description: 'host (default): curl or wget on the host; controller: download here and upload it (hosts without internet access).' },
  },
  required: ['url', 'dest'],
  additionalProperties: false,
} as const;
type Args = FromSchema<typeof schema>;

export interface GetUrlState {
  dest: string;
  state: FileState;
  algorithm: ChecksumAlgorithm;
  expected?: string;
  /** --check only: the host has neither curl nor wget, so a real download would fail unless a task installs one. */
  noDownloader?: boolean;
}

export function expectedChecksum(args: Args): { algorithm: ChecksumAlgorithm; hex?: string } {
  if (!args.checksum) return { algorithm: 'sha1' };
  const spec = parseChecksumSpec(args.checksum);
  if (typeof spec === 'string') throw new ModuleError(spec);
  return { algorithm: spec.algorithm, hex: spec.hex };
}

export function urlFileName(url: string): string {
  let name = '';
  try {
    name = posix.basename(new URL(url).pathname);
  } catch {
    throw new ModuleError(`get_url: not a valid URL: ${url}`);
  }
  return name || 'index.html';
}

export function planGetUrl(current: GetUrlState, args: Args): Plan {
  const s = current.state;
  const changes: Change[] = [];
  const download = (why: string): Change => ({
    summary: `download ${args.url} to ${current.dest} (${why})`,
    diff: { path: current.dest, before: s.exists ? `(sha1/${current.algorithm} ${s.checksum ?? '?'})\n` : '', after: `(content of ${args.url}${current.expected ? `, ${current.algorithm} ${current.expected}` : ''})\n` },
    detail: { kind: 'download' },
  });
  if (s.exists && s.type === 'directory') throw new ModuleError(`dest ${current.dest} is a directory`);
  if (!s.exists) changes.push(download('missing'));
  else if (current.expected && s.checksum !== current.expected) changes.push(download('checksum differs'));
  else if (!current.expected && args.force) changes.push(download('force'));
  else {
    const attrs = attributeChange(current.dest, s, args);
    if (attrs) changes.push(attrs);
  }
  const downloads = changes.some((c) => (c.detail as { kind: string }).kind === 'download');
  return {
    changes,
    result: { dest: current.dest, url: args.url, ...(current.expected ? { checksum_dest: current.expected } : {}) },
    ...(downloads && current.noDownloader ? { warnings: ['neither curl nor wget is on the host: a real run fails unless an earlier task installs one (or use via: controller)'] } : {}),
  };
}

/** The host-side download: curl if present, else wget; headers one quoted word each; never a shell string. */
export function downloadCommand(tool: 'curl' | 'wget', args: Args, temp: string): Command {
  const timeout = args.timeout ?? 10;
  const headers = Object.entries(args.headers ?? {});
  if (tool === 'curl') {
    const h = headers.flatMap(([k, v]) => ['-H', `${k}: ${v}`]);
    const insecure = args.validate_certs === false ? ['-k'] : [];
    return sh`curl -fsSL --max-time ${timeout} ${insecure} ${h} -o ${temp} -- ${args.url}`;
  }
  const h = headers.map(([k, v]) => `--header=${k}: ${v}`);
  const insecure = args.validate_certs === false ? ['--no-check-certificate'] : [];
  // -nv, not -q: -q also silences the error (404, refused) that the failure message must carry
  return sh`wget -nv -T ${timeout} ${insecure} ${h} -O ${temp} -- ${args.url}`;
}

async function downloadOnHost(ctx: ModuleContext, args: Args, current: GetUrlState): Promise<string> {
  const which = (await ctx.run(sh`command -v curl || command -v wget`)).stdout.toString('utf8');
  const tool = /curl\s*$/m.test(which) ? 'curl' : /wget\s*$/m.test(which) ? 'wget' : undefined;
  if (!tool) throw new ModuleError('neither curl nor wget on host; install one or use via: controller');
  const temp = tempPathFor(current.dest);
  const r = await ctx.run(downloadCommand(tool, args, temp), { timeoutMs: ((args.timeout ?? 10) + 30) * 1000 });
  if (r.code !== 0) {
    await ctx.run(sh`rm -f -- ${temp}`);
    throw new ModuleError(`download of ${args.url} failed (${tool} rc ${r.code}): ${trimOutput(r.stderr.toString('utf8'))}`);
  }
  const sum = parseSumOutput(await runChecked(ctx, sh`${`${current.algorithm}sum`} -- ${temp}`, 'checksum of the download'));
  if (current.expected && sum !== current.expected) {
    await ctx.run(sh`rm -f -- ${temp}`);
    throw new ModuleError(`The checksum for ${args.url} did not match ${current.expected}; it was ${sum}`);
  }
  const keep = current.state.exists ? current.state : undefined;
  const mode = args.mode !== undefined ? resolveMode(args.mode, keep?.mode ?? 0o644, false) : keep?.mode ?? 0o644;
  await runChecked(ctx, sh`chmod -- ${chmodOperand(mode)} ${temp}`, `chmod ${current.dest}`);
  const owner = args.owner ?? keep?.owner;
  const group = args.group ?? keep?.group;
  if (owner || group) await runChecked(ctx, sh`chown -- ${`${owner ?? ''}${group ? `:${group}` : ''}`} ${temp}`, `chown ${current.dest}`);
  await runChecked(ctx, sh`mv -f -- ${temp} ${current.dest}`, `moving the download to ${current.dest}`);
  return sum ?? '';
}

async function downloadOnController(ctx: ModuleContext, args: Args, current: GetUrlState): Promise<string> {
  let data: Buffer;
  try {
    const res = await fetch(args.url, { headers: args.headers ?? {}, signal: AbortSignal.timeout((args.timeout ?? 10) * 1000) });
    if (!res.ok) throw new Error(`HTTP ${res.status} ${res.statusText}`);
    data = Buffer.from(await res.arrayBuffer());
  } catch (e) {
    throw new ModuleError(`download of ${args.url} on the controller failed: ${(e as Error).message}`);
  }
  const sum = digest(data, current.algorithm);
  if (current.expected && sum !== current.expected) throw new ModuleError(`The checksum for ${args.url} did not match ${current.expected}; it was ${sum}`);
  const want: DesiredAttributes = args;
  await writeRemoteFile(ctx, current.dest, data, current.state, { mode: args.mode !== undefined ? resolveMode(args.mode, current.state.exists ? current.state.mode : 0o644, false) : undefined, owner: want.owner, group: want.group });
  return sum;
}

export default defineModule<typeof schema, GetUrlState>({
  name: 'get_url',
  schema,
  meta: {
    description: 'Downloads a URL to the host (curl/wget there, or via the controller), verified by checksum; a file that is already there (and matches) is left alone.',
    ansible: 'ansible.builtin.get_url',
    example: '- name: Download Redis\n  get_url:\n    url: https://download.redis.io/releases/redis-7.2.5.tar.gz\n    dest: /usr/local/src/redis-7.2.5.tar.gz\n    checksum: "sha256:{{ redis_sha256 }}"',
    returns: { dest: 'Path on the host.', url: 'The URL.', checksum_dest: 'Digest of the file (algorithm of `checksum`, else sha1).' },
  },
  async read(ctx: ModuleContext, args: Args): Promise<GetUrlState> {
    checkFileArgs(args);
    const { algorithm, hex } = expectedChecksum(args);
    let dest = args.dest;
    let state = await statPath(ctx, dest, { checksum: algorithm, follow: true });
    if (dest.endsWith('/') || (state.exists && state.type === 'directory')) {
      dest = posix.join(dest, urlFileName(args.url));
      state = await statPath(ctx, dest, { checksum: algorithm, follow: true });
    }
    // A dry run should not pass where the real one fails: say so when there is nothing to download with.
    const noDownloader = ctx.check && args.via !== 'controller' && (await ctx.run(sh`command -v curl || command -v wget`)).code !== 0;
    return { dest, state, algorithm, ...(hex ? { expected: hex } : {}), ...(noDownloader ? { noDownloader } : {}) };
  },
  plan: (current: GetUrlState, args: Args) => planGetUrl(current, args),
  async apply(ctx: ModuleContext, plan: Plan, args: Args, current: GetUrlState) {
    let sum: string | undefined;
    for (const change of plan.changes) {
      if ((change.detail as { kind: string }).kind === 'download') {
        sum = args.via === 'controller' ? await downloadOnController(ctx, args, current) : await downloadOnHost(ctx, args, current);
      } else await applyFileChanges(ctx, [change], current.state, args);
    }
    return { result: { ...plan.result, ...(sum ? { checksum_dest: sum } : {}) } };
  },
});
