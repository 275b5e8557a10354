import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';

/** The ~/.ssh/config settings we honour for a host. */
export interface SshConfigHost {
  hostName?: string;
  user?: string;
  port?: number;
  identityFile?: string;
  proxyJump?: string;
}

interface Block {
  patterns: string[]; // empty for the settings before the first Host line (they apply to every host)
  settings: Array<[key: string, value: string]>;
}

/** Parse the file into blocks. `Match` blocks are skipped: their conditions are not evaluated. */
export function parseSshConfig(text: string): Block[] {
  const blocks: Block[] = [{ patterns: ['*'], settings: [] }];
  let current: Block | null = blocks[0] ?? null;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^(\S+?)(?:\s*=\s*|\s+)(.*)$/.exec(line);
    if (!m) continue;
    const key = (m[1] ?? '').toLowerCase();
    const value = unquote((m[2] ?? '').trim());
    if (key === 'host') {
      current = { patterns: value.split(/\s+/).filter(Boolean), settings: [] };
      blocks.push(current);
    } else if (key === 'match') {
      current = null;
    } else if (current) {
      current.settings.push([key, value]);
    }
  }
  return blocks;
}

function unquote(value: string): string {
  return value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
}

function patternMatches(pattern: string, name: string): boolean {
  const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 'i').test(name);
}

/** A Host line matches when one pattern matches and no negated (`!`) pattern does. */
export function hostPatternsMatch(patterns: string[], name: string): boolean {
  let matched = false;
  for (const p of patterns) {
    if (p.startsWith('!')) {
      if (patternMatches(p.slice(1), name)) return false;
    } else if (patternMatches(p, name)) matched = true;
  }
  return matched;
}

export function expandTilde(path: string, home = homedir()): string {
  return path === '~' ? home : path.startsWith('~/') ? home + path.slice(1) : path;
}

/** Settings for `name`: for each key the first value found in file order wins (as OpenSSH). */
export function lookupSshConfig(blocks: Block[], name: string, home = homedir()): SshConfigHost {
  const first = new Map<string, string>();
  for (const block of blocks) {
    if (!hostPatternsMatch(block.patterns, name)) continue;
    for (const [key, value] of block.settings) if (!first.has(key)) first.set(key, value);
  }
  const result: SshConfigHost = {};
  const hostName = first.get('hostname');
  if (hostName) result.hostName = hostName.replace(/%h/g, name).replace(/%%/g, '%');
  const user = first.get('user');
  if (user) result.user = user;
  const port = Number(first.get('port'));
  if (Number.isInteger(port) && port > 0) result.port = port;
  const identity = first.get('identityfile');
  if (identity) result.identityFile = expandTilde(identity.replace(/%d/g, home).replace(/%h/g, name).replace(/%%/g, '%'), home);
  const jump = first.get('proxyjump');
  if (jump && jump.toLowerCase() !== 'none') result.proxyJump = jump;
  return result;
}

/** Read and look up; a missing or unreadable file gives no settings. */
export function sshConfigFor(name: string, file = `${homedir()}/.ssh/config`): SshConfigHost {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return {};
  }
  return lookupSshConfig(parseSshConfig(text), name);
}
