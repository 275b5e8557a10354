/**
 * What `ansible_ssh_common_args` / `ansible_ssh_extra_args` mean to us. Ansible hands them to the ssh binary; we
 * have no ssh binary, so the options that change where and how we connect are read here, with OpenSSH's rules
 * (first value wins, option names case-insensitive). Options about the ssh process itself (ControlMaster,
 * ControlPersist, ServerAliveInterval…) have no meaning for one long-lived connection and are ignored.
 */
import { OptionsError } from '../core/errors.js';
import { splitWords } from '../core/shellWords.js';
import type { HostKeyChecking } from './hostKeyCheck.js';
import { expandTilde } from './sshConfig.js';

export interface SshArgsSettings {
  /** `[user@]host[:port]`, or a comma-separated chain, as ProxyJump takes it. */
  proxyJump?: string;
  hostKeyChecking?: HostKeyChecking;
  knownHostsFiles?: string[];
  identityFile?: string;
  port?: number;
  user?: string;
  connectTimeoutMs?: number;
}

/** ssh's own flags that take a value (from ssh(1)); needed to tell a flag's value from the destination. */
const SSH_FLAGS_WITH_VALUE = new Set('BbcDEeFIiJLlmOoPpQRSWw'.split(''));

/** Split a command line as a POSIX shell would (quotes and backslashes), without expanding anything. */
export function splitShellWords(text: string): string[] {
  try {
    return splitWords(text);
  } catch (e) {
    const quote = /unterminated (.)/.exec((e as Error).message)?.[1] ?? '"';
    throw new OptionsError(`unbalanced ${quote} quote in ssh arguments: ${text}`);
  }
}

interface Parsed {
  options: Array<[string, string]>;
  flags: Array<[string, string]>;
  positionals: string[];
}

/** ssh-style argv: `-o Key=Value`, `-oKey=Value`, `-o "Key Value"`, `-J x`, `-Jx`, bundled boolean flags. */
function parseArgv(words: string[]): Parsed {
  const out: Parsed = { options: [], flags: [], positionals: [] };
  for (let i = 0; i < words.length; i++) {
    const w = words[i] as string;
    if (!w.startsWith('-') || w === '-') {
      out.positionals.push(w);
      continue;
    }
    // -46Aq… may bundle boolean flags; the first flag that takes a value consumes the rest or the next word
    for (let j = 1; j < w.length; j++) {
      const flag = w[j] as string;
      if (!SSH_FLAGS_WITH_VALUE.has(flag)) continue;
      const value = j + 1 < w.length ? w.slice(j + 1) : (words[++i] ?? '');
      if (flag === 'o') {
        const m = /^\s*([A-Za-z]+)\s*(?:=\s*|\s+)(.*)$/s.exec(value);
        if (m) out.options.push([(m[1] as string).toLowerCase(), (m[2] as string).trim()]);
      } else out.flags.push([flag, value]);
      break;
    }
  }
  return out;
}

function first<T>(pairs: Array<[string, T]>, key: string): T | undefined {
  return pairs.find(([k]) => k === key)?.[1];
}

function hostKeyCheckingOf(value: string): HostKeyChecking {
  switch (value.toLowerCase()) {
    case 'no':
    case 'off':
      return 'off';
    case 'accept-new':
      return 'accept-new';
    case 'yes':
    case 'ask':
      return 'strict';
    default:
      throw new OptionsError(`StrictHostKeyChecking=${value}: expected yes, accept-new, no or off`);
  }
}

function portOf(value: string, what: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new OptionsError(`${what}: '${value}' is not a port number`);
  return n;
}

/**
 * The ProxyCommands in common use are ssh itself as a pipe to the target: `ssh -W %h:%p [opts] [user@]bastion`
 * or `ssh [opts] bastion nc %h %p`. Both are a ProxyJump through that bastion; anything else needs a program we
 * do not run.
 */
export function jumpFromProxyCommand(command: string): string | undefined {
  if (command.trim().toLowerCase() === 'none') return undefined;
  const words = splitShellWords(command);
  const program = (words[0] ?? '').split('/').pop();
  if (program === 'ssh') {
    const argv = parseArgv(words.slice(1));
    const forward = first(argv.flags, 'W');
    const [dest, ...rest] = argv.positionals;
    const ncForm = rest.length === 3 && /^(nc|netcat|ncat)$/.test(rest[0]?.split('/').pop() ?? '') && rest[1] === '%h' && rest[2] === '%p';
    const ncQuoted = rest.length === 1 && /^(nc|netcat|ncat)\s+%h\s+%p$/.test(rest[0] ?? '');
    const wForm = forward !== undefined && /^(%h|\[%h\]):%p$/.test(forward) && rest.length === 0;
    if (dest && (wForm || ((ncForm || ncQuoted) && forward === undefined))) {
      const user = first(argv.flags, 'l') ?? first(argv.options, 'user');
      const port = first(argv.flags, 'p') ?? first(argv.options, 'port');
      const host = user && !dest.includes('@') ? `${user}@${dest}` : dest;
      return port ? `${host}:${portOf(port, 'ProxyCommand port')}` : host;
    }
  }
  throw new OptionsError(
    `ProxyCommand "${command}" is not supported: run-playbook opens SSH connections itself, without the ssh program. ` +
      `Use ProxyJump (-J user@bastion), or a ProxyCommand of the form 'ssh -W %h:%p user@bastion'`,
  );
}

export function parseSshArgs(args: string): SshArgsSettings {
  const argv = parseArgv(splitShellWords(args));
  const settings: SshArgsSettings = {};
  const jump = first(argv.flags, 'J') ?? first(argv.options, 'proxyjump');
  const proxyCommand = first(argv.options, 'proxycommand');
  if (jump && jump.toLowerCase() !== 'none') settings.proxyJump = jump;
  else if (proxyCommand) {
    const viaCommand = jumpFromProxyCommand(proxyCommand);
    if (viaCommand) settings.proxyJump = viaCommand;
  }
  const checking = first(argv.options, 'stricthostkeychecking');
  if (checking) settings.hostKeyChecking = hostKeyCheckingOf(checking);
  const known = first(argv.options, 'userknownhostsfile');
  if (known) settings.knownHostsFiles = splitShellWords(known).map((p) => expandTilde(p));
  const identity = first(argv.flags, 'i') ?? first(argv.options, 'identityfile');
  if (identity) settings.identityFile = expandTilde(identity);
  const port = first(argv.flags, 'p') ?? first(argv.options, 'port');
  if (port) settings.port = portOf(port, 'ssh -p');
  const user = first(argv.flags, 'l') ?? first(argv.options, 'user');
  if (user) settings.user = user;
  const timeout = first(argv.options, 'connecttimeout');
  if (timeout) {
    const seconds = Number(timeout);
    if (!(seconds > 0)) throw new OptionsError(`ConnectTimeout=${timeout}: expected a number of seconds`);
    settings.connectTimeoutMs = seconds * 1000;
  }
  return settings;
}
