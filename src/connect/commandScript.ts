import type { Become } from '../core/connection.js';
import { ModuleError } from '../core/errors.js';
import { quote, type Command } from '../core/sh.js';
import { BecomeError } from './errors.js';

/**
 * The shell text that runs one command: `cd` and `export` first, then the command, all inside one `sh -c`
 * so that with become they happen as the target user (sudo resets the environment, so env must be inside).
 */
export function innerScript(cmd: Command, opts: { cwd?: string; env?: Record<string, string> }): Command {
  const head: string[] = [];
  if (opts.cwd !== undefined) head.push(`cd -- ${quote(opts.cwd)} || exit 1`);
  for (const [key, value] of Object.entries(opts.env ?? {})) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) throw new ModuleError(`invalid environment variable name '${key}'`);
    head.push(`export ${key}=${quote(value)}`);
  }
  const prefix = head.map((l) => l + '\n').join('');
  return { text: prefix + cmd.text, display: prefix + cmd.display };
}

/**
 * How a command is started for a become user:
 * - direct: no sudo (no become, or already that user);
 * - nopasswd: `sudo -n`, never reads stdin, the command's stdin is its own;
 * - password: `sudo -k -S -p ''` reads exactly one line (the password) from stdin, the rest is the command's.
 *   `-k` makes sudo ignore cached credentials so it always consumes that line and never hands the
 *   password on to the command.
 */
export type BecomeMode = { kind: 'direct' } | { kind: 'nopasswd'; user: string } | { kind: 'password'; user: string; password: string };

/** The argv-level launcher text for `sh -c INNER` under the mode (no redirections). */
export function launchText(inner: string, mode: BecomeMode): string {
  const shc = `sh -c ${quote(inner)}`;
  switch (mode.kind) {
    case 'direct':
      return shc;
    case 'nopasswd':
      return `sudo -n -u ${quote(mode.user)} -- ${shc}`;
    case 'password':
      return `sudo -k -S -p '' -u ${quote(mode.user)} -- ${shc}`;
  }
}

/** The probe whose success means sudo to this user needs no password (cached credentials ignored). */
export function sudoProbe(user: string): string {
  return `sudo -k -n -u ${quote(user)} -- true`;
}

export function chooseBecomeMode(become: Become | undefined, loginUser: string, probeSucceeded: () => Promise<boolean>): Promise<BecomeMode> {
  if (!become || become.user === loginUser) return Promise.resolve({ kind: 'direct' });
  const user = become.user;
  // root needs no password for sudo; everyone else is probed once per user and connection
  if (loginUser === 'root') return Promise.resolve({ kind: 'nopasswd', user });
  return probeSucceeded().then((ok): BecomeMode => {
    if (ok) return { kind: 'nopasswd', user };
    if (become.password) return { kind: 'password', user, password: become.password.value };
    return { kind: 'nopasswd', user }; // sudo -n fails with "a password is required", turned into BecomeError
  });
}

/**
 * How to become each user: whether sudo needs a password is found out once per connection and user (the probe
 * costs a round trip); the password itself is always the one this call brings, never one an earlier task gave.
 */
export class BecomeModes {
  private readonly needsNoPassword = new Map<string, Promise<boolean>>();
  constructor(private readonly loginUser: string, private readonly probe: (command: string) => Promise<boolean>) {}

  for(become: Become | undefined): Promise<BecomeMode> {
    return chooseBecomeMode(become, this.loginUser, () => this.probeOnce(become?.user ?? ''));
  }

  private probeOnce(user: string): Promise<boolean> {
    let known = this.needsNoPassword.get(user);
    if (!known) {
      known = this.probe(sudoProbe(user));
      this.needsNoPassword.set(user, known);
      known.catch(() => this.needsNoPassword.delete(user));
    }
    return known;
  }
}

const PASSWORD_REQUIRED = /^sudo: (a password is required|a terminal is required|no password was provided|no tty present)/m;
const WRONG_PASSWORD = /^sudo: \d+ incorrect password attempts?|^Sorry, try again\./m;
/** sudo's wording differs by version: "X is not in the sudoers file.", older "X is not in the sudoers file.  This incident…". */
const NOT_IN_SUDOERS = /^(?:sudo: )?\S+ is not in the sudoers file/m;
const NOT_ALLOWED = /^(?:sudo: )?Sorry, user \S+ (?:is not allowed to execute|may not run sudo)/m;
const UNKNOWN_USER = /^sudo: unknown user/m;
/** `sudo` missing on the host: the shell's "sh: 1: sudo: not found" (dash) or "sudo: command not found" (bash). */
const NO_SUDO = /\bsudo: (?:command )?not found/;

/** sudo's own refusals, told apart from the command's failures by sudo's fixed messages and exit code 1. */
export function becomeFailure(code: number | null, stderr: Buffer, mode: BecomeMode, loginUser: string, host: string): BecomeError | null {
  if (mode.kind === 'direct' || stderr.length > 4096) return null;
  const text = stderr.toString('utf8');
  if (code === 127 && NO_SUDO.test(text)) {
    return new BecomeError(`become needs sudo, which is not installed on ${host} (to become ${mode.user} as ${loginUser})`);
  }
  if (code !== 1) return null;
  if (WRONG_PASSWORD.test(text)) {
    return new BecomeError(`sudo: incorrect become password for ${loginUser}@${host} (to become ${mode.user}); check ansible_become_password or --ask-become-pass`);
  }
  if (PASSWORD_REQUIRED.test(text)) {
    return new BecomeError(`sudo: a password is required for ${loginUser}@${host} to become ${mode.user}; set ansible_become_password or --ask-become-pass`);
  }
  if (NOT_IN_SUDOERS.test(text)) return new BecomeError(`sudo: ${loginUser} is not in the sudoers file on ${host}, so it cannot become ${mode.user}; log in as a user with sudo rights (ansible_user)`);
  if (NOT_ALLOWED.test(text)) return new BecomeError(`sudo: ${loginUser}@${host} is not allowed to run commands as ${mode.user} (sudoers); check become_user or the host's sudoers`);
  if (UNKNOWN_USER.test(text)) return new BecomeError(`sudo: become_user '${mode.user}' does not exist on ${host}`);
  return null;
}
