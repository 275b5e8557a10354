import { randomBytes } from 'node:crypto';
import { quote } from '../core/sh.js';

/**
 * The persistent shell protocol.
 *
 * The server is `sh -c SERVER_LOOP`: it reads a line count with the `read` builtin (which takes one byte at
 * a time from a pipe, never more than the line) and then that many lines of script, with builtins only (an
 * exec costs ~2 ms here, so none is spent on framing). Because the loop is an argument and not read from stdin,
 * the shell's parser never buffers ahead, so the byte stream stays aligned: after the script come exactly the
 * bytes the script itself consumes (a password line via `read`, then `head -c M` bytes of stdin into a file
 * of the shell's private 0700 folder). The command itself never reads the protocol stream: its stdin is that
 * file or /dev/null.
 *
 * Each command runs as `setsid sh -c INNER &` (its own process group, its pid kept in $d/pid for a kill) and
 * after it exits the shell prints `<RPEND-nonce>CODE\n` on stdout and on stderr. The nonce is 128 random
 * bits that only the server shell sees (it is printed by the printf builtin, never in any process's argv),
 * so no output can contain it by accident or design; the output is everything before it, byte for byte.
 *
 * Empty lines between requests are skipped: the controller sends one as a nudge when the first of the two
 * end markers arrives. sshd does not set TCP_NODELAY on exec sessions, so the second marker would otherwise
 * wait in Nagle's buffer for the controller's delayed ACK (~40 ms per command); the nudge carries the ACK.
 */
export const SERVER_LOOP =
  '__rp_d=$(mktemp -d "${TMPDIR:-/tmp}/.rp-sh-XXXXXXXX") || exit 97; ' + // mktemp -d makes it 0700
  `trap 'rm -rf "$__rp_d"' EXIT; trap 'exit 1' HUP PIPE TERM; ` + // a dropped connection still cleans up
  `__rp_s=$(command -v setsid || echo -); printf 'RP-READY %s %s\\n' "$__rp_d" "$__rp_s"; ` +
  'while IFS= read -r __rp_n; do [ -n "$__rp_n" ] || continue; __rp_x=; ' +
  'while [ "$__rp_n" -gt 0 ]; do IFS= read -r __rp_l || exit 98; __rp_x="$__rp_x$__rp_l\n"; __rp_n=$((__rp_n - 1)); done; ' +
  'eval "$__rp_x"; done';

export const SERVER_COMMAND = `exec sh -c ${quote(SERVER_LOOP)}`;

export function newMarker(): string {
  return `<RPEND-${randomBytes(16).toString('hex')}>`;
}

export interface FrameRequest {
  /** The launcher text (`sh -c …` or `sudo … sh -c …`). */
  launch: string;
  hasSetsid: boolean;
  password?: string;
  stdin?: Buffer;
  marker: string;
}

/** The bytes to write to the server for one command. */
export function encodeRequest(req: FrameRequest): Buffer[] {
  const lines: string[] = ['__rp_i=/dev/null'];
  if (req.password !== undefined) lines.push('IFS= read -r __rp_pw');
  if (req.stdin) lines.push(`head -c ${req.stdin.length} > "$__rp_d/in"; __rp_i="$__rp_d/in"`);
  const setsid = req.hasSetsid ? '"$__rp_s" ' : '';
  if (req.password !== undefined) {
    lines.push(`{ printf '%s\\n' "$__rp_pw"; cat "$__rp_i"; } | ${setsid}${req.launch} &`);
  } else {
    lines.push(`${setsid}${req.launch} < "$__rp_i" &`);
  }
  lines.push(
    '__rp_p=$!; echo "$__rp_p" > "$__rp_d/pid"; wait "$__rp_p"; __rp_rc=$?; unset __rp_pw; : > "$__rp_d/pid"',
    ...(req.stdin ? [': > "$__rp_d/in"'] : []), // builtins only: truncating costs no exec, unlike rm
    `printf '%s%d\\n' '${req.marker}' "$__rp_rc"; printf '%s%d\\n' '${req.marker}' "$__rp_rc" >&2`,
  );
  const script = Buffer.from(lines.join('\n') + '\n');
  const lineCount = script.toString('latin1').split('\n').length - 1;
  const out: Buffer[] = [Buffer.from(`${lineCount}\n`), script];
  if (req.password !== undefined) {
    if (/[\n\r\0]/.test(req.password)) throw new Error('a become password cannot contain a newline or NUL');
    out.push(Buffer.from(req.password + '\n'));
  }
  if (req.stdin) out.push(req.stdin);
  return out;
}

/** The kill request, run on a separate exec channel: the whole group of the running command. */
export function killCommand(dir: string): string {
  const pidFile = quote(`${dir}/pid`);
  return `p=$(cat ${pidFile} 2>/dev/null) && [ -n "$p" ] && { kill -9 -- -"$p" 2>/dev/null || kill -9 "$p" 2>/dev/null || sudo -n kill -9 -- -"$p"; }`;
}

/**
 * Splits one stream (stdout or stderr) at the end marker. Output bytes are passed on as they come, except
 * the last few that could be the start of a marker split across chunks.
 */
export class FrameReader {
  private pending: Buffer = Buffer.alloc(0);
  private readonly marker: Buffer;
  code: number | null = null;

  constructor(
    marker: string,
    private readonly onData: (chunk: Buffer) => void,
  ) {
    this.marker = Buffer.from(marker);
  }

  get done(): boolean {
    return this.code !== null;
  }

  /** Feed a chunk; returns true once the marker and its code line are complete. Bytes after it are dropped. */
  push(chunk: Buffer): boolean {
    if (this.done) return true;
    const buf = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    const at = buf.indexOf(this.marker);
    if (at < 0) {
      const keep = Math.min(buf.length, this.marker.length - 1);
      if (buf.length > keep) this.onData(buf.subarray(0, buf.length - keep));
      this.pending = Buffer.from(buf.subarray(buf.length - keep));
      return false;
    }
    if (at > 0) this.onData(buf.subarray(0, at));
    const nl = buf.indexOf(0x0a, at + this.marker.length);
    if (nl < 0) {
      this.pending = Buffer.from(buf.subarray(at));
      return false;
    }
    this.code = Number(buf.subarray(at + this.marker.length, nl).toString('latin1'));
    this.pending = Buffer.alloc(0);
    return true;
  }
}
