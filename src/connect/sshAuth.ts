import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import ssh2, { type AnyAuthMethod, type AuthHandlerMiddleware, type ParsedKey } from 'ssh2';

const { utils } = ssh2; // ssh2 is CommonJS: its named exports are not visible to ESM imports
import type { SshTarget } from './target.js';

function shortPath(path: string): string {
  const home = homedir();
  return path.startsWith(home + '/') ? '~' + path.slice(home.length) : path;
}

/** True when the file is a private key that cannot be read without a passphrase. */
export function keyNeedsPassphrase(file: string): boolean {
  try {
    const parsed = utils.parseKey(readFileSync(file));
    return parsed instanceof Error && /passphrase|encrypted/i.test(parsed.message);
  } catch {
    return false; // unreadable: the connection says so itself
  }
}

/** The methods to offer, in order: key file (explicit, else OpenSSH's default names), agent, password. */
export function authMethods(target: SshTarget): { methods: Array<{ label: string; method: AnyAuthMethod }>; notes: string[] } {
  const methods: Array<{ label: string; method: AnyAuthMethod }> = [];
  const notes: string[] = [];
  const username = target.user;
  const keyFiles = target.privateKeyFile
    ? [target.privateKeyFile]
    : ['id_ed25519', 'id_ecdsa', 'id_rsa'].map((n) => `${homedir()}/.ssh/${n}`).filter((f) => existsSync(f));
  for (const file of keyFiles) {
    let data: Buffer;
    try {
      data = readFileSync(file);
    } catch (err) {
      notes.push(`key ${shortPath(file)} unreadable (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
      continue;
    }
    const parsed = utils.parseKey(data, target.passphrase);
    if (parsed instanceof Error) {
      const why = /passphrase|encrypted/i.test(parsed.message)
        ? target.passphrase ? 'wrong passphrase' : 'needs a passphrase (add it to ssh-agent with ssh-add, or run on a terminal to be asked)'
        : parsed.message;
      notes.push(`key ${shortPath(file)} not usable: ${why}`);
      continue;
    }
    const key = Array.isArray(parsed) ? (parsed[0] as ParsedKey) : parsed;
    methods.push({ label: `key ${shortPath(file)}`, method: { type: 'publickey', username, key } });
  }
  if (target.agentSocket) methods.push({ label: 'agent', method: { type: 'agent', username, agent: target.agentSocket } });
  if (target.password) methods.push({ label: 'password', method: { type: 'password', username, password: target.password.value } });
  return { methods, notes };
}

/** An ssh2 authHandler that offers `methods` in order and records what it tried, for the failure message. */
export function authHandler(methods: Array<{ label: string; method: AnyAuthMethod }>, tried: string[]): AuthHandlerMiddleware {
  let index = 0;
  return (_left, _partial, next) => {
    const m = methods[index++];
    if (!m) return (next as unknown as (stop: false) => void)(false);
    tried.push(m.label);
    next(m.method);
  };
}

export function authFailureMessage(target: SshTarget, tried: string[], notes: string[]): string {
  const what = [...tried, ...notes];
  return (
    `authentication failed for ${target.user}@${target.address}` +
    ` (tried: ${what.length ? what.join(', ') : 'nothing: no key file, no agent (SSH_AUTH_SOCK), no password'})`
  );
}
