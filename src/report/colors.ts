/**
 * Colour decisions and the palette. Colours follow Ansible's defaults so people who read Ansible output
 * recognise a run at a glance: green ok, yellow changed, cyan skipped, red failed/unreachable.
 */

export type Paint = (text: string) => string;

export interface Palette {
  ok: Paint;
  changed: Paint;
  skipped: Paint;
  failed: Paint;
  unreachable: Paint;
  warning: Paint;
  rescued: Paint;
  ignored: Paint;
  diffAdd: Paint;
  diffRemove: Paint;
  diffHunk: Paint;
  dim: Paint;
}

const sgr =
  (code: string): Paint =>
  (text) =>
    `\x1b[${code}m${text}\x1b[0m`;

const plain: Paint = (text) => text;

export function createPalette(enabled: boolean): Palette {
  if (!enabled) {
    return {
      ok: plain, changed: plain, skipped: plain, failed: plain, unreachable: plain, warning: plain,
      rescued: plain, ignored: plain, diffAdd: plain, diffRemove: plain, diffHunk: plain, dim: plain,
    };
  }
  return {
    ok: sgr('32'),
    changed: sgr('33'),
    skipped: sgr('36'),
    failed: sgr('31'),
    unreachable: sgr('1;31'),
    warning: sgr('1;35'),
    rescued: sgr('35'),
    ignored: sgr('35'),
    diffAdd: sgr('32'),
    diffRemove: sgr('31'),
    diffHunk: sgr('36'),
    dim: sgr('2'),
  };
}

/**
 * Whether to colour a stream: NO_COLOR (any non-empty value, see no-color.org) always wins, then ANSIBLE_NOCOLOR;
 * FORCE_COLOR forces colour unless it is "0" or "false", then ANSIBLE_FORCE_COLOR; otherwise only on a terminal
 * that is not "dumb".
 */
export function colorEnabled(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  // Ansible's own switches, set in many CI pipelines that ran ansible-playbook before: ANSIBLE_NOCOLOR acts as
  // NO_COLOR, ANSIBLE_FORCE_COLOR as FORCE_COLOR (both read as Ansible's booleans).
  if (ansibleBoolean(env.ANSIBLE_NOCOLOR) === true) return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force.toLowerCase() !== 'false';
  const ansibleForce = ansibleBoolean(env.ANSIBLE_FORCE_COLOR);
  if (ansibleForce !== undefined) return ansibleForce;
  if (env.TERM === 'dumb') return false;
  return stream.isTTY === true;
}

/** Ansible's reading of a boolean setting; undefined when unset or empty. */
function ansibleBoolean(value: string | undefined): boolean | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  return ['1', 'true', 'yes', 'on', 'y', 't'].includes(value.trim().toLowerCase());
}

/** Text width without ANSI colour codes, for padding coloured text. */
export function visibleLength(text: string): number {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\[[0-9;]*m/g, '').length;
}
