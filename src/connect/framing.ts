import { randomBytes } from 'node:crypto';
import { quote } from '../core/sh.js';

/**
 * The persistent shell protocol.
 *
 * The server is `sh -c SERVER_LOOP`: it reads a line count with the `read` builtin (which takes one byte at
 * a time from a pipe, never more than the line) and then that many lines of script, with builtins only (an
 * exec costs 1-2 ms on a lab host, a fork 0.35 ms, so none is spent on framing). Because the loop is an
 * argument and not read from stdin, the shell's parser never buffers ahead, so the byte stream stays aligned:
 * after the script come exactly the bytes the script itself consumes (a password line via `read`, then
 * `head -c M` bytes of stdin into a file of the shell's private 0700 folder, then the end marker line). The
 * command itself never reads the protocol stream: its stdin is that file or /dev/null.
 *
 * A command without sudo runs as `( eval "$__rp_c" ) &`: a forked subshell, no exec at all (its text is
 * assigned quoted, so a syntax error in it only fails the subshell, with code 2, as `sh -c` would). With sudo
 * it runs as `setsid sudo … sh -c INNER &` (its own process group). Either way its pid goes to $d/pid with
 * how to kill it: `t` (the subshell: its process tree, frozen then killed) or `g` (the group).
 *
 * The end marker `<RPEND-nonce>` is read by the server only after the command was forked, so it never is in
 * the command's memory (a subshell shares the server's variables); the server prints `<marker>CODE\n` on
 * stdout and on stderr once the command exits. The nonce is 128 random bits, printed by the printf builtin
 * (never in any process's argv), so no output can contain it by accident or design; the output is
 * everything before it, byte for byte.
 *
 * Empty lines between requests are skipped: the controller sends one as a nudge when the first of the two
 * end markers arrives without the second (remoteShell.ts). sshd does not set TCP_NODELAY on exec sessions, so the second marker would otherwise
 * wait in Nagle's buffer for the controller's delayed ACK (~40 ms per command); the nudge carries the ACK.
 */
export const SERVER_LOOP =
  '__rp_d=$(mktemp -d "${TMPDIR:-/tmp}/.rp-sh-XXXXXXXX") || exit 97; ' + // mktemp -d makes it 0700
  `trap 'rm -rf "$__rp_d"' EXIT; trap 'exit 1' HUP PIPE TERM; ` + // a dropped connection still cleans up
  // __rp_w KIND: called right after a command was started with `&`. Defined once, like __rp_r, so that each
  // frame stays short: the loop reads frames one byte per syscall.
  '__rp_w() { echo "$1 $!" > "$__rp_d/pid"; IFS= read -r __rp_m || exit 98; wait "$!"; __rp_rc=$?; unset __rp_pw; : > "$__rp_d/pid"; ' +
  `printf '%s%d\\n' "$__rp_m" "$__rp_rc"; printf '%s%d\\n' "$__rp_m" "$__rp_rc" >&2; __rp_m=; }; ` +
  // __rp_r: the plain case, a subshell of the server running $__rp_c, with the frame's own variables unset in it
  '__rp_r() { ( unset __rp_x __rp_l __rp_n; eval "$__rp_c" ) < "$__rp_i" & __rp_w t; }; ' +
  // READY on both streams: whatever the login shell printed before (a noisy ~/.bashrc) is dropped up to it
  `__rp_s=$(command -v setsid || echo -); printf 'RP-READY\\n' >&2; printf 'RP-READY %s %s\\n' "$__rp_d" "$__rp_s"; ` +
  'while IFS= read -r __rp_n; do [ -n "$__rp_n" ] || continue; __rp_x=; ' +
  'while [ "$__rp_n" -gt 0 ]; do IFS= read -r __rp_l || exit 98; __rp_x="$__rp_x$__rp_l\n"; __rp_n=$((__rp_n - 1)); done; ' +
  'eval "$__rp_x"; done';

export const SERVER_COMMAND = `exec sh -c ${quote(SERVER_LOOP)}`;

export function newMarker(): string {
  return `<RPEND-${randomBytes(16).toString('hex')}>`;
}

export interface FrameRequest {
  /** The launcher text (`sh -c …` or `sudo … sh -c …`); used when `inner` is not given. */
  launch: string;
  /** Shell text to run in a forked subshell of the server (no sudo): no exec, killed as a process tree. */
  inner?: string;
  hasSetsid: boolean;
  password?: string;
  stdin?: Buffer;
  marker: string;
}

/** The bytes to write to the server for one command: [count line, script, password line?, stdin?, marker line]. */
export function encodeRequest(req: FrameRequest): Buffer[] {
  const lines: string[] = [];
  if (req.password !== undefined) lines.push('IFS= read -r __rp_pw');
  // the stdin file is truncated, not removed, after use: a builtin, no exec of rm
  lines.push(req.stdin ? `__rp_i="$__rp_d/in"; head -c ${req.stdin.length} > "$__rp_i"` : '__rp_i=/dev/null');
  if (req.inner !== undefined) {
    lines.push(`__rp_c=${quote(req.inner)}`, '__rp_r');
  } else {
    const setsid = req.hasSetsid ? '"$__rp_s" ' : '';
    const kind = req.hasSetsid ? 'g' : 't';
    if (req.password !== undefined) lines.push(`{ printf '%s\\n' "$__rp_pw"; cat "$__rp_i"; } | ${setsid}${req.launch} & __rp_w ${kind}`);
    else lines.push(`${setsid}${req.launch} < "$__rp_i" & __rp_w ${kind}`);
  }
  const script = Buffer.from(lines.join('\n') + '\n');
  let lineCount = 0;
  for (let at = script.indexOf(0x0a); at >= 0; at = script.indexOf(0x0a, at + 1)) lineCount++;
  const out: Buffer[] = [Buffer.from(`${lineCount}\n`), script];
  if (req.password !== undefined) {
    if (/[\n\r\0]/.test(req.password)) throw new Error('a become password cannot contain a newline or NUL');
    out.push(Buffer.from(req.password + '\n'));
  }
  if (req.stdin) out.push(req.stdin);
  out.push(Buffer.from(req.marker + '\n'));
  return out;
}

/**
 * The kill request, run on a separate exec channel. `g PID`: the process group PID (sudo kill when it belongs
 * to another user). `t PID`: PID and every descendant; each is stopped before its children are looked up, so
 * nothing forks away between the lookup and the kill (the subshell shares the server's group, which must live).
 */
export function killCommand(dir: string, opts: { sudoPassword?: boolean } = {}): string {
  const pidFile = quote(`${dir}/pid`);
  return (
    `read -r k p < ${pidFile} 2>/dev/null; [ -n "$p" ] || exit 0; ` +
    `if [ "$k" = g ]; then ${killGroupText('"$p"', opts)}; exit 0; fi; ` +
    `all=" $p "; kill -STOP "$p" 2>/dev/null; more=1; ` +
    'while [ -n "$more" ]; do more=; for f in /proc/[0-9]*/stat; do ' +
    '{ read -r s < "$f"; } 2>/dev/null || continue; c=${s%% *}; case $all in *" $c "*) continue;; esac; ' +
    's=${s##*) }; set -- $s; case $all in *" $2 "*) kill -STOP "$c" 2>/dev/null; all="$all$c "; more=1;; esac; ' +
    'done; done; kill -9 $all 2>/dev/null; exit 0'
  );
}

/**
 * Kill a process group that sudo started (`g`): sudo is in it with the login user's real uid, the command as the
 * become user. A plain `kill -- -PGID` by the login user "succeeds" once it reached sudo alone, and the command
 * lives on as an orphan: so sudo does the kill (with the become password on stdin when sudo wants one), and the
 * plain kill is only the fallback for a sudoers that allows no `kill`.
 */
export function killGroupText(pgid: string, opts: { sudoPassword?: boolean } = {}): string {
  const sudo = opts.sudoPassword ? `sudo -k -S -p '' kill -9 -- -${pgid}` : `sudo -n kill -9 -- -${pgid}`;
  return `{ [ "$(id -u)" = 0 ] && kill -9 -- -${pgid}; } 2>/dev/null || ${sudo} 2>/dev/null || kill -9 -- -${pgid} 2>/dev/null || kill -9 ${pgid} 2>/dev/null`;
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
      // Hold back only a tail that could be the marker's beginning: holding a fixed marker length would keep
      // short lines ("building…\n") from streaming until the command ends.
      const keep = partialMarkerAt(buf, this.marker);
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

/** Length of the longest suffix of buf (shorter than the marker) that is a prefix of the marker. */
export function partialMarkerAt(buf: Buffer, marker: Buffer): number {
  for (let n = Math.min(buf.length, marker.length - 1); n > 0; n--) {
    if (buf.compare(marker, 0, n, buf.length - n, buf.length) === 0) return n;
  }
  return 0;
}
