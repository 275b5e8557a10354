/**
 * Commands are data: the sh`` template quotes every interpolated value so nothing from a variable is ever
 * read as shell syntax. A Secret is sent as-is to the host but masked wherever a command is shown.
 */
export class Secret {
  constructor(readonly value: string) {}
  toString(): string {
    return '********';
  }
  toJSON(): string {
    return '********';
  }
}

/** A value to splice in unquoted: only for fragments we built ourselves with sh``. */
export class Raw {
  constructor(readonly text: string) {}
}

export interface Command {
  /** The exact text sent to the remote shell (secrets in clear). */
  readonly text: string;
  /** The text for logs and errors, secrets masked. */
  readonly display: string;
}

const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** POSIX single-quote quoting; the empty string becomes ''. */
export function quote(value: string): string {
  if (value !== '' && SAFE.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

type Interpolated = string | number | boolean | Secret | Raw | Command | ReadonlyArray<string | number | Secret>;

function render(value: Interpolated, reveal: boolean): string {
  if (value instanceof Raw) return value.text;
  if (value instanceof Secret) return reveal ? quote(value.value) : '********';
  if (typeof value === 'object' && value !== null && 'text' in value && 'display' in value) {
    return reveal ? value.text : value.display;
  }
  if (Array.isArray(value)) return value.map((v) => render(v as Interpolated, reveal)).join(' ');
  return quote(String(value));
}

/** sh`systemctl is-active ${name}`: every value quoted; arrays become several quoted words; Commands nest. */
export function sh(strings: TemplateStringsArray, ...values: Interpolated[]): Command {
  let text = strings[0] ?? '';
  let display = text;
  values.forEach((value, i) => {
    const tail = strings[i + 1] ?? '';
    text += render(value, true) + tail;
    display += render(value, false) + tail;
  });
  return { text, display };
}

/** A command from text the user wrote as shell (the `shell` module): sent as written. */
export function shellText(text: string): Command {
  return { text, display: text };
}

/** Join commands with a separator such as ' && ' or '; '. */
export function joinCommands(commands: Command[], separator: string): Command {
  return {
    text: commands.map((c) => c.text).join(separator),
    display: commands.map((c) => c.display).join(separator),
  };
}

export const isCommand = (v: unknown): v is Command =>
  typeof v === 'object' && v !== null && typeof (v as Command).text === 'string' && typeof (v as Command).display === 'string';
