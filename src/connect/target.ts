import { homedir, userInfo } from 'node:os';
import { Secret } from '../core/sh.js';
import { OptionsError } from '../core/errors.js';
import type { HostKeyChecking } from './hostKeyCheck.js';
import { parseSshArgs, type SshArgsSettings } from './sshArgs.js';
import { expandTilde, sshConfigFor } from './sshConfig.js';

/** Everything needed to open one SSH connection. */
export interface SshTarget {
  host: string; // inventory name (for messages)
  address: string; // ansible_host or host
  port: number;
  user: string;
  privateKeyFile?: string;
  passphrase?: string;
  password?: Secret;
  agentSocket?: string;
  hostKeyChecking: HostKeyChecking;
  /** The first is where accept-new writes. */
  knownHostsFiles: string[];
  jump?: SshTarget;
  connectTimeoutMs?: number;
  keepaliveIntervalMs?: number;
  commandTimeoutMs?: number;
  sshConfigFile?: string;
  verbose?: (msg: string) => void;
  /** Test hook and escape hatch: never start the persistent shell, one exec channel per command. */
  execChannelPerCommand?: boolean;
  /** Test hook: never use SFTP for put(). */
  disableSftp?: boolean;
}

/** CLI-level settings; per-host variables override them. */
export interface ConnectOptions {
  user?: string;
  privateKeyFile?: string;
  passphrase?: string;
  password?: Secret;
  hostKeyChecking?: HostKeyChecking;
  knownHostsFiles?: string[];
  connectTimeoutMs?: number;
  keepaliveIntervalMs?: number;
  commandTimeoutMs?: number;
  sshConfigFile?: string;
  agentSocket?: string;
  verbose?: (msg: string) => void;
}

function str(vars: Record<string, unknown>, ...names: string[]): string | undefined {
  for (const name of names) {
    const v = vars[name];
    if (v instanceof Secret) return v.value;
    if (typeof v === 'string' && v !== '') return v;
    if (typeof v === 'number') return String(v);
  }
  return undefined;
}

function secret(vars: Record<string, unknown>, ...names: string[]): Secret | undefined {
  for (const name of names) {
    const v = vars[name];
    if (v instanceof Secret) return v;
    if (typeof v === 'string' && v !== '') return new Secret(v);
  }
  return undefined;
}

/** `-J a,b` / `-o ProxyJump=a` / `-oProxyJump a` from ansible_ssh_common_args. */
export function proxyJumpFromArgs(args: string): string | undefined {
  return parseSshArgs(args).proxyJump;
}

function argsOf(host: string, args: string): SshArgsSettings {
  try {
    return parseSshArgs(args);
  } catch (e) {
    throw new OptionsError(`${host}: ansible_ssh_common_args/ansible_ssh_extra_args: ${(e as Error).message}`);
  }
}

/** `[user@]host[:port]` (and the `ssh://` form). */
export function parseJumpSpec(spec: string): { user?: string; host: string; port?: number } {
  const s = spec.replace(/^ssh:\/\//, '');
  const at = s.lastIndexOf('@');
  const user = at >= 0 ? s.slice(0, at) : undefined;
  let rest = at >= 0 ? s.slice(at + 1) : s;
  let port: number | undefined;
  const bracketed = /^\[(.+)\](?::(\d+))?$/.exec(rest);
  if (bracketed) {
    rest = bracketed[1] ?? rest;
    if (bracketed[2]) port = Number(bracketed[2]);
  } else {
    const m = /^([^:]+):(\d+)$/.exec(rest);
    if (m) {
      rest = m[1] ?? rest;
      port = Number(m[2]);
    }
  }
  return { ...(user ? { user } : {}), host: rest, ...(port ? { port } : {}) };
}

function currentUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? 'root';
  }
}

function portOf(value: string | undefined, host: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new OptionsError(`${host}: ansible_port must be a port number, got '${value}'`);
  return n;
}

/**
 * A jump chain `a,b` means: reach b through a, then the target through b. ProxyJump of the jump hosts
 * themselves comes from ~/.ssh/config only when the chain has one element (and never names the hop itself,
 * the usual `Host *.lab` + `ProxyJump gate.lab` slip that would loop).
 */
function jumpTarget(chain: string, base: Omit<SshTarget, 'host' | 'address' | 'port' | 'user'>, fallbackUser: string, depth: number): SshTarget {
  if (depth > 8) throw new OptionsError(`ProxyJump chain too long (loop?): ${chain}`);
  const hops = chain.split(',').map((h) => h.trim()).filter(Boolean);
  let outer: SshTarget | undefined;
  for (const hop of hops) {
    const spec = parseJumpSpec(hop);
    const cfg = sshConfigFor(spec.host, base.sshConfigFile ?? `${homedir()}/.ssh/config`);
    const t: SshTarget = {
      ...base,
      host: spec.host,
      address: cfg.hostName ?? spec.host,
      port: spec.port ?? cfg.port ?? 22,
      user: spec.user ?? cfg.user ?? fallbackUser,
      ...(cfg.identityFile && !base.privateKeyFile ? { privateKeyFile: cfg.identityFile } : {}),
    };
    delete t.jump;
    if (outer) t.jump = outer;
    else if (hops.length === 1 && cfg.proxyJump && parseJumpSpec(cfg.proxyJump).host !== spec.host) t.jump = jumpTarget(cfg.proxyJump, base, fallbackUser, depth + 1);
    outer = t;
  }
  if (!outer) throw new OptionsError(`empty ProxyJump: '${chain}'`);
  return outer;
}

/**
 * Explicit variables win over CLI options, which win over ~/.ssh/config (looked up by ansible_host, as
 * Ansible hands that name to ssh), which wins over defaults.
 */
export function targetFromVars(host: string, vars: Record<string, unknown>, defaults: ConnectOptions = {}): SshTarget {
  const lookupName = str(vars, 'ansible_host', 'ansible_ssh_host') ?? host;
  const cfg = sshConfigFor(lookupName, defaults.sshConfigFile ?? `${homedir()}/.ssh/config`);
  // Ansible passes both to ssh, common first, after its own -o User/Port/IdentityFile; ssh keeps the first value.
  const sshArgs = [str(vars, 'ansible_ssh_common_args'), str(vars, 'ansible_ssh_extra_args')].filter((a): a is string => a !== undefined).join(' ');
  const argOpts = argsOf(host, sshArgs);
  const user = str(vars, 'ansible_user', 'ansible_ssh_user') ?? defaults.user ?? argOpts.user ?? cfg.user ?? currentUser();
  const keyFile = str(vars, 'ansible_ssh_private_key_file', 'ansible_private_key_file') ?? defaults.privateKeyFile ?? argOpts.identityFile ?? cfg.identityFile;
  const password = secret(vars, 'ansible_password', 'ansible_ssh_pass', 'ansible_ssh_password') ?? defaults.password;
  const extraKnown = str(vars, 'run_playbook_known_hosts');
  // the lab names its file twice (UserKnownHostsFile and run_playbook_known_hosts): read once, cited once
  const knownHostsFiles = [...new Set([...(defaults.knownHostsFiles ?? argOpts.knownHostsFiles ?? [`${homedir()}/.ssh/known_hosts`]), ...(extraKnown ? [expandTilde(extraKnown)] : [])])];
  // As in Ansible: host_key_checking off (here --host-key-checking=off) comes before the inventory's ssh args and
  // wins; otherwise the inventory's StrictHostKeyChecking decides.
  const fromArgs = defaults.hostKeyChecking === 'off' ? undefined : argOpts.hostKeyChecking;
  const checking = (str(vars, 'run_playbook_host_key_checking') as SshTarget['hostKeyChecking'] | undefined) ?? fromArgs ?? defaults.hostKeyChecking ?? 'strict';
  const agentSocket = defaults.agentSocket ?? process.env.SSH_AUTH_SOCK;
  const base: Omit<SshTarget, 'host' | 'address' | 'port' | 'user'> = {
    hostKeyChecking: checking,
    knownHostsFiles,
    ...(keyFile ? { privateKeyFile: expandTilde(keyFile) } : {}),
    ...(defaults.passphrase ? { passphrase: defaults.passphrase } : {}),
    ...(password ? { password } : {}),
    ...(agentSocket ? { agentSocket } : {}),
    ...((defaults.connectTimeoutMs ?? argOpts.connectTimeoutMs) ? { connectTimeoutMs: defaults.connectTimeoutMs ?? argOpts.connectTimeoutMs } : {}),
    ...(defaults.keepaliveIntervalMs ? { keepaliveIntervalMs: defaults.keepaliveIntervalMs } : {}),
    ...(defaults.commandTimeoutMs ? { commandTimeoutMs: defaults.commandTimeoutMs } : {}),
    ...(defaults.sshConfigFile ? { sshConfigFile: defaults.sshConfigFile } : {}),
    ...(defaults.verbose ? { verbose: defaults.verbose } : {}),
  };
  const jumpSpec = str(vars, 'jump_host') ?? argOpts.proxyJump ?? cfg.proxyJump;
  const target: SshTarget = {
    ...base,
    host,
    address: cfg.hostName ?? lookupName, // ssh maps the name it is given through HostName
    port: portOf(str(vars, 'ansible_port', 'ansible_ssh_port'), host) ?? argOpts.port ?? cfg.port ?? 22,
    user,
  };
  if (jumpSpec) target.jump = jumpTarget(jumpSpec, base, user, 0);
  return target;
}
