import { CommanderError } from 'commander';
import { OptionsError, SourceError } from '../core/errors.js';
import type { RunEvent } from '../core/events.js';
import { formatProblems } from '../report/problems.js';
import { colorEnabled, createHumanReporter, createJsonReporter, createProfileReporter } from '../report/index.js';
import { loadAll, runPlaybook } from '../run/playbook.js';
import { EXIT } from '../run/options.js';
import { findProjectConfig, loadProjectConfig } from './config.js';
import { findAnsibleCfg, loadAnsibleCfg } from './ansibleCfg.js';
import { listHosts, listTags, listTasks } from './listing.js';
import { playbookProgram, toRunOptions, type CliFlags } from './options.js';
import { promptLine, promptSecret } from './prompt.js';
import { keyNeedsPassphrase } from '../connect/sshAuth.js';

export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdoutTty: boolean;
  columns?: number;
}

/** `run-playbook PLAYBOOK... [flags]`: returns the exit code; never exits the process. */
export async function playbookCommand(argv: string[], version: string, io: Io): Promise<number> {
  const program = playbookProgram(version);
  let flags: CliFlags;
  let playbooks: string[];
  try {
    program.parse(argv, { from: 'user' });
    flags = program.opts<CliFlags>();
    playbooks = program.args;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version') {
        io.stdout(e.code === 'commander.version' ? `${version}\n` : program.helpInformation());
        return EXIT.ok;
      }
      io.stderr(`run-playbook: ${e.message.replace(/^error: /, '')}\n${program.helpInformation().split('\n')[0]}\n`);
      return EXIT.invalid;
    }
    throw e;
  }
  const verbosity = flags.verbose ?? 0;
  const color = colorEnabled({ isTTY: io.stdoutTty }, io.env);
  try {
    const configFile = findProjectConfig(io.cwd);
    // run-playbook.yml wins; an Ansible repository without one is read through its own ansible.cfg
    const ansibleCfg = configFile ? undefined : findAnsibleCfg(io.cwd, io.env);
    const config = configFile ? loadProjectConfig(configFile) : ansibleCfg ? loadAnsibleCfg(ansibleCfg) : undefined;
    const options = toRunOptions(playbooks, flags, config, io.cwd);
    const loaded = await loadAll(options);
    if (flags.syntaxCheck || flags.listHosts || flags.listTasks || flags.listTags) {
      if (flags.listHosts) io.stdout(listHosts(loaded, options, io.cwd));
      if (flags.listTasks) io.stdout(listTasks(loaded, options, io.cwd));
      if (flags.listTags) io.stdout(listTags(loaded, options, io.cwd));
      if (flags.syntaxCheck && !(flags.listHosts || flags.listTasks || flags.listTags)) io.stdout(`\nplaybook: ${playbooks.join(' ')}\n`);
      return EXIT.ok;
    }
    if (flags.askPass) options.password = await promptSecret('SSH password: ');
    // as ssh does for an encrypted --private-key: asked once on a terminal; without one the host's authentication
    // fails with "needs a passphrase" and a hint, never a hang
    if (options.privateKeyFile && process.stdin.isTTY && keyNeedsPassphrase(options.privateKeyFile)) {
      options.privateKeyPassphrase = await promptSecret(`Enter passphrase for key '${options.privateKeyFile}': `);
    }
    if (flags.askBecomePass) options.becomePassword = await promptSecret('BECOME password: ');
    // vars_prompt questions on a terminal; without one a prompt's default is used, or the run refuses up front
    if (process.stdin.isTTY) options.prompt = (question, { secret }) => (secret ? promptSecret(question) : promptLine(question));
    const listeners: Array<{ listener: (e: RunEvent) => void; close(): void; clearStatus?(): void }> = [];
    listeners.push(
      flags.json
        ? createJsonReporter({ write: (line) => io.stdout(line.endsWith('\n') ? line : `${line}\n`) })
        : createHumanReporter({ write: io.stdout, verbosity, color, tty: io.stdoutTty, diff: options.diff ?? false, check: options.check ?? false, ...(io.columns ? { columns: io.columns } : {}) }),
    );
    if (flags.profile) listeners.push(createProfileReporter({ write: flags.json ? io.stderr : io.stdout }));
    const stop = new AbortController();
    const kill = new AbortController();
    const onSigint = (): void => {
      if (!stop.signal.aborted) {
        // The notice goes to the same terminal as the status line: erase that first, or it stays in the scrollback.
        listeners.forEach((l) => l.clearStatus?.());
        io.stderr('\n[interrupted] finishing running commands; press Ctrl-C again to abort them\n');
        stop.abort();
      } else kill.abort();
    };
    process.on('SIGINT', onSigint);
    process.on('SIGTERM', onSigint);
    try {
      const result = await runPlaybook({ ...options, signal: stop.signal, killSignal: kill.signal, onEvent: (e) => listeners.forEach((l) => l.listener(e)) }, loaded);
      return result.exitCode;
    } finally {
      process.off('SIGINT', onSigint);
      process.off('SIGTERM', onSigint);
      listeners.forEach((l) => l.close());
    }
  } catch (e) {
    if (e instanceof SourceError) {
      io.stderr(formatProblems(e.problems, { color: colorEnabled({ isTTY: false }, io.env) && color }));
      io.stderr(`\n${e.problems.length} problem${e.problems.length === 1 ? '' : 's'} found; nothing was run.\n`);
      return EXIT.invalid;
    }
    if (e instanceof OptionsError) {
      io.stderr(`run-playbook: ${e.message}\n`);
      return EXIT.invalid;
    }
    io.stderr(`run-playbook: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
    if (verbosity >= 3 && e instanceof Error && e.stack) io.stderr(`${e.stack}\n`);
    else io.stderr('(run again with -vvv for the stack trace)\n');
    return EXIT.internal;
  }
}
