import { ModuleError, trimOutput } from '../core/errors.js';
import { defineModule, type ModuleContext, type FromSchema, type Plan } from '../core/registry.js';
import { sh, type Command } from '../core/sh.js';

const schema = {
  type: 'object',
  properties: {
    host: { type: 'string', description: 'Host to probe, from the managed host (default 127.0.0.1).' },
    port: { type: 'integer', minimum: 1, maximum: 65535, description: 'TCP port to wait for.' },
    path: { type: 'string', description: 'File to wait for (instead of a port).' },
    state: { type: 'string', enum: ['started', 'stopped', 'present', 'absent', 'drained'], description: 'started (default) or present: until it is there; stopped or absent: until it is gone; drained: until a local port has no established connections.' },
    search_regex: { type: 'string', description: 'With path: wait until the file contains a match (grep -E syntax). With port: until the banner the port sends matches.' },
    timeout: { type: 'integer', minimum: 0, description: 'Seconds before failing (default 300).' },
    delay: { type: 'integer', minimum: 0, description: 'Seconds to wait before the first check (default 0).' },
    sleep: { type: 'integer', minimum: 1, description: 'Seconds between checks (default 1).' },
    connect_timeout: { type: 'integer', minimum: 1, description: 'Seconds a single connection attempt may take (default 5).' },
    msg: { type: 'string', description: 'The failure message instead of the default.' },
  },
  additionalProperties: false,
} as const;
type Args = FromSchema<typeof schema>;

/**
 * The probe runs on the host as one small sh loop. A TCP connect needs bash's /dev/tcp (present on Debian,
 * even minimal); without bash, a local port is checked in /proc/net/tcp{,6} (listening = state 0A).
 * Prints `ok <seconds>` on success; exits 3 on timeout.
 */
export function waitCommand(args: Args, once: boolean): Command {
  const state = args.state ?? (args.path !== undefined || args.port !== undefined ? 'started' : 'started');
  // drained's probe succeeds when no connection is established: it waits for the probe, like started.
  const positive = state === 'started' || state === 'present' || state === 'drained';
  const mode = args.path !== undefined ? 'path' : args.port !== undefined ? (state === 'drained' ? 'drained' : 'port') : 'sleep';
  const vars = sh`h=${args.host ?? '127.0.0.1'}; p=${args.port ?? 0}; f=${args.path ?? ''}; re=${args.search_regex ?? ''}; ct=${args.connect_timeout ?? 5}; to=${args.timeout ?? 300}; dl=${once ? 0 : (args.delay ?? 0)}; sl=${args.sleep ?? 1}; mode=${mode}; want=${positive ? 'yes' : 'no'}; once=${once ? 'yes' : 'no'}`;
  const body = sh`
hex=$(printf '%04X' "$p")
listening() { grep -Eq "^ *[0-9]+: [0-9A-F]+:$hex [0-9A-F]+:[0-9A-F]+ 0A " /proc/net/tcp /proc/net/tcp6 2>/dev/null; }
established() { grep -Eq "^ *[0-9]+: [0-9A-F]+:$hex [0-9A-F]+:[0-9A-F]+ 01 " /proc/net/tcp /proc/net/tcp6 2>/dev/null; }
probe() {
  case $mode in
    path) [ -e "$f" ] || return 1; [ -z "$re" ] || grep -Eq -- "$re" "$f" ;;
    drained) ! established ;;
    port)
      if command -v bash >/dev/null 2>&1; then
        if [ -z "$re" ]; then timeout "$ct" bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$h" "$p" 2>/dev/null
        else timeout "$ct" bash -c 'exec 3<>"/dev/tcp/$0/$1"; timeout 2 cat <&3' "$h" "$p" 2>/dev/null | grep -Eq -- "$re"; fi
      else
        case $h in 127.*|localhost|::1|0.0.0.0) listening ;; *) echo "wait_for: bash is needed to probe $h:$p" >&2; exit 4 ;; esac
      fi ;;
    sleep) return 1 ;;
  esac
}
start=$(date +%s); sleep "$dl"
while :; do
  if [ "$mode" != sleep ]; then
    if probe; then r=yes; else r=no; fi
    if [ "$r" = "$want" ]; then echo "ok $(( $(date +%s) - start ))"; exit 0; fi
  fi
  [ "$once" = yes ] && exit 3
  if [ $(( $(date +%s) - start )) -ge "$to" ]; then [ "$mode" = sleep ] && { echo "ok $to"; exit 0; }; exit 3; fi
  sleep "$sl"
done`;
  return sh`${vars}; ${body}`;
}

export interface WaitState {
  elapsed: number;
  /** --check only: the condition is not true now (a real run would wait for an earlier task's effect). */
  notYet?: boolean;
}

function describe(args: Args): string {
  const state = args.state ?? 'started';
  if (args.path !== undefined) return `${args.path} to be ${state}${args.search_regex ? ` and match /${args.search_regex}/` : ''}`;
  if (args.port !== undefined) return `${args.host ?? '127.0.0.1'}:${args.port} to be ${state}`;
  return `${args.timeout ?? 300} seconds`;
}

export default defineModule<typeof schema, WaitState>({
  name: 'wait_for',
  schema,
  meta: {
    description: 'Waits on the host until a port is open/closed/drained or a file is there/gone/contains text; changes nothing.',
    ansible: 'ansible.builtin.wait_for',
    example: '- name: Wait for Redis\n  wait_for:\n    port: 6379\n    timeout: 60',
    returns: { elapsed: 'Seconds waited.', state: 'The state waited for.', port: 'The port.', path: 'The path.' },
  },
  async read(ctx: ModuleContext, args: Args): Promise<WaitState> {
    if (args.path !== undefined && args.port !== undefined) throw new ModuleError('wait_for: give port or path, not both');
    // Under --check, what we wait for may be what an earlier (planned-only) task would start: look once, never wait.
    const once = ctx.check;
    const timeoutMs = ((args.timeout ?? 300) + (args.delay ?? 0) + 30) * 1000;
    const r = await ctx.run(waitCommand(args, once), { timeoutMs });
    const out = r.stdout.toString('utf8');
    if (r.code === 0) return { elapsed: Number(/ok (\d+)/.exec(out)?.[1] ?? 0) };
    if (r.code === 3) {
      if (once) return { elapsed: 0, notYet: true };
      throw new ModuleError(args.msg ?? `Timeout when waiting for ${describe(args)} (after ${args.timeout ?? 300}s)`, { elapsed: args.timeout ?? 300 });
    }
    throw new ModuleError(`wait_for failed (rc ${r.code}): ${trimOutput(r.stderr.toString('utf8'))}`);
  },
  plan(current: WaitState, args: Args): Plan {
    const result = { elapsed: current.elapsed, state: args.state ?? 'started', ...(args.port !== undefined ? { port: args.port } : {}), ...(args.path !== undefined ? { path: args.path } : {}) };
    return current.notYet ? { changes: [], result, warnings: [`check mode: would wait for ${describe(args)} (not true now)`] } : { changes: [], result };
  },
});
