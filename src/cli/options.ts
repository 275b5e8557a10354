import { Command, Option } from 'commander';
import { readFileSync } from 'node:fs';
import { OptionsError } from '../core/errors.js';
import type { RunPlaybookOptions } from '../run/options.js';
import { parseExtraVars } from '../load/vars.js';
import { parseSlice } from '../load/slice.js';
import type { ProjectConfig } from './config.js';
import type { Vars } from '../core/model.js';
import { connectionKindProblem } from '../connect/connectionKind.js';
import { parseSshArgs } from '../connect/sshArgs.js';

export interface CliFlags {
  inventory?: string[];
  limit?: string;
  extraVars?: string[];
  tags?: string[];
  skipTags?: string[];
  syntaxCheck?: boolean;
  listHosts?: boolean;
  listTasks?: boolean;
  listTags?: boolean;
  check?: boolean;
  diff?: boolean;
  forks?: string;
  user?: string;
  privateKey?: string;
  keyFile?: string;
  askPass?: boolean;
  askBecomePass?: boolean;
  become?: boolean;
  becomeUser?: string;
  becomeMethod?: string;
  connection?: string;
  sshCommonArgs?: string;
  sshExtraArgs?: string;
  step?: boolean;
  askVaultPass?: boolean;
  vaultPasswordFile?: string;
  vaultId?: string;
  hostKeyChecking?: string;
  knownHosts?: string[];
  startAtTask?: string;
  forceHandlers?: boolean;
  slice?: string;
  json?: boolean;
  profile?: boolean;
  verbose?: number;
  timeout?: string;
  commandTimeout?: string;
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];
const commaList = (value: string, previous: string[] = []): string[] => [...previous, ...value.split(',').map((s) => s.trim()).filter(Boolean)];

export function playbookProgram(version: string): Command {
  const program = new Command('run-playbook')
    .usage('PLAYBOOK... [options]  |  lab <up|down|status|inventory>  |  recap-merge FILE...')
    .description('Run Ansible-style YAML playbooks over SSH: typed, validated before any host is touched, fast.')
    .argument('<playbook...>', 'playbook files')
    .option('-i, --inventory <path>', 'inventory file or folder (repeatable; default ./inventory/)', collect)
    .option('-l, --limit <pattern>', 'further limit the hosts with a pattern')
    .option('-e, --extra-vars <vars>', 'k=v pairs, @file.yml or JSON (repeatable; highest precedence)', collect)
    .option('-t, --tags <tags>', 'only run tasks with these tags (comma-separated, repeatable)', commaList)
    .option('--skip-tags <tags>', 'skip tasks with these tags', commaList)
    .option('--syntax-check', 'load and validate everything, touch no host')
    .option('--list-hosts', 'list the hosts each play would run on')
    .option('--list-tasks', 'list the tasks each play would run')
    .option('--list-tags', 'list the tags of each play')
    .option('-C, --check', 'report what would change, change nothing')
    .option('-D, --diff', 'show the differences of changed files')
    .option('-f, --forks <n>', 'hosts worked on at once (default 50)')
    .option('-u, --user <user>', 'SSH user')
    .option('--private-key <file>', 'SSH private key file')
    .option('-k, --ask-pass', 'ask for the SSH password')
    .option('-b, --become', 'become (sudo) for every play that does not say otherwise')
    .option('--become-user <user>', 'the user to become (default root)')
    .option('--become-method <method>', 'sudo, the only one supported')
    .option('-K, --ask-become-pass', 'ask for the sudo password')
    .option('-c, --connection <type>', 'ssh or local, for hosts whose inventory does not say')
    .option('--ssh-common-args <args>', 'ssh options as Ansible takes them (ProxyJump, StrictHostKeyChecking, …)')
    .option('--ssh-extra-args <args>', 'more ssh options, read like --ssh-common-args')
    .addOption(new Option('--host-key-checking <mode>', 'host key checking').choices(['strict', 'accept-new', 'off']))
    .option('--known-hosts <file>', 'extra known_hosts file (repeatable)', collect)
    .option('--start-at-task <name>', 'start at the task with this name')
    .option('--force-handlers', 'run notified handlers even on hosts that failed')
    .option('--slice <i/n>', 'run the i-th of n deterministic shares of the hosts')
    .option('--json', 'one JSON event per line instead of the human output')
    .option('--profile', 'print the slowest tasks at the end')
    .option('-v, --verbose', 'more output (-vv streams command output, -vvv internals)', (_v: string, total: number) => total + 1, 0)
    .option('-T, --timeout <seconds>', 'SSH connect timeout')
    .option('--command-timeout <seconds>', 'per-command timeout')
    .addOption(new Option('--key-file <file>').hideHelp())
    .addOption(new Option('--flush-cache').hideHelp())
    .addOption(new Option('--step').hideHelp())
    .addOption(new Option('-J, --ask-vault-pass').hideHelp())
    .addOption(new Option('--vault-password-file <file>').hideHelp())
    .addOption(new Option('--vault-id <id>').hideHelp())
    .version(version, '--version')
    .helpOption('-h, --help')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({ writeOut: () => undefined, writeErr: () => undefined });
  return program;
}

const positiveInt = (name: string, v: string | undefined): number | undefined => {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new OptionsError(`${name} must be a whole number of at least 1 (got "${v}")`);
  return n;
};

/** Ansible flags we understand but do not do: refused by name, so a ported CI job fails with the reason. */
function refuseUnsupported(flags: CliFlags): void {
  if (flags.step) throw new OptionsError('--step is not supported: run-playbook does not ask before each task; use --start-at-task, --tags or --check');
  if (flags.askVaultPass || flags.vaultPasswordFile || flags.vaultId) {
    throw new OptionsError('Ansible Vault is not supported: keep secrets in a file only you can read (vars_files), or pass them with -e @secrets.yml');
  }
  if (flags.becomeMethod !== undefined && flags.becomeMethod !== 'sudo') throw new OptionsError(`--become-method ${flags.becomeMethod} is not supported: run-playbook becomes other users with sudo only`);
  const problem = connectionKindProblem(flags.connection);
  if (problem) throw new OptionsError(`--connection: ${problem}`);
  for (const [flag, value] of [['--ssh-common-args', flags.sshCommonArgs], ['--ssh-extra-args', flags.sshExtraArgs]] as const) {
    if (value === undefined) continue;
    try {
      parseSshArgs(value);
    } catch (e) {
      throw new OptionsError(`${flag}: ${(e as Error).message}`);
    }
  }
}

/** -c and --ssh-*-args as the lowest-precedence connection variables (Ansible's command line loses to the inventory). */
function connectionDefaults(flags: CliFlags): Vars | undefined {
  const vars: Vars = {
    ...(flags.connection ? { ansible_connection: flags.connection } : {}),
    ...(flags.sshCommonArgs ? { ansible_ssh_common_args: flags.sshCommonArgs } : {}),
    ...(flags.sshExtraArgs ? { ansible_ssh_extra_args: flags.sshExtraArgs } : {}),
  };
  return Object.keys(vars).length > 0 ? vars : undefined;
}

/** Flags + project config → the options runPlaybook takes. Flags win over the config file. */
export function toRunOptions(playbooks: string[], flags: CliFlags, config: ProjectConfig | undefined, cwd: string): RunPlaybookOptions {
  refuseUnsupported(flags);
  const connection = connectionDefaults(flags);
  const timeout = positiveInt('--timeout', flags.timeout) ?? config?.timeoutSeconds;
  const commandTimeout = positiveInt('--command-timeout', flags.commandTimeout) ?? config?.commandTimeoutSeconds;
  const user = flags.user ?? config?.remoteUser;
  const key = flags.privateKey ?? flags.keyFile ?? config?.privateKeyFile;
  const hkc = (flags.hostKeyChecking as RunPlaybookOptions['hostKeyChecking']) ?? config?.hostKeyChecking;
  const known = [...(config?.knownHosts ?? []), ...(flags.knownHosts ?? [])];
  if (key) {
    try {
      readFileSync(key);
    } catch {
      throw new OptionsError(`--private-key: cannot read "${key}"`);
    }
  }
  return {
    playbooks,
    cwd,
    ...(flags.inventory ?? config?.inventory ? { inventory: flags.inventory ?? config?.inventory } : {}),
    ...(flags.limit ? { limit: flags.limit } : {}),
    extraVars: parseExtraVars(flags.extraVars ?? [], cwd),
    ...(flags.tags ? { tags: flags.tags } : {}),
    ...(flags.skipTags ? { skipTags: flags.skipTags } : {}),
    check: flags.check ?? false,
    diff: flags.diff ?? false,
    forks: positiveInt('--forks', flags.forks) ?? config?.forks ?? 50,
    ...(user ? { user } : {}),
    ...(flags.become ? { become: true } : {}),
    ...(flags.becomeUser ? { becomeUser: flags.becomeUser } : {}),
    ...(connection ? { connectionDefaults: connection } : {}),
    ...(key ? { privateKeyFile: key } : {}),
    ...(hkc ? { hostKeyChecking: hkc } : {}),
    ...(known.length ? { knownHostsFiles: known } : {}),
    ...(flags.startAtTask ? { startAtTask: flags.startAtTask } : {}),
    forceHandlers: flags.forceHandlers ?? false,
    ...(flags.slice ? { slice: parseSlice(flags.slice) } : {}),
    verbosity: flags.verbose ?? 0,
    ...(config?.rolesPath ? { rolesPath: [...config.rolesPath, ...(process.env.RUN_PLAYBOOK_ROLES_PATH ?? '').split(':').filter(Boolean)] } : {}),
    ...(timeout ? { connectTimeoutMs: timeout * 1000 } : {}),
    ...(commandTimeout ? { commandTimeoutMs: commandTimeout * 1000 } : {}),
  };
}
