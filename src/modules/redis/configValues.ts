/**
 * Redis settings compared by value, not by text: `100mb` and `104857600` are the same maxmemory, `true` is `yes`.
 * Redis itself parses units case-insensitively: 1k = 1000, 1kb = 1024, 1m = 10^6, 1mb = 2^20, 1g = 10^9, 1gb = 2^30.
 */
const UNITS: Record<string, number> = { b: 1, k: 1e3, kb: 1024, m: 1e6, mb: 1024 ** 2, g: 1e9, gb: 1024 ** 3 };

function normaliseToken(token: string): string {
  const lower = token.toLowerCase();
  if (lower === 'yes' || lower === 'true') return 'yes';
  if (lower === 'no' || lower === 'false') return 'no';
  const m = /^(-?\d+)(b|k|kb|m|mb|g|gb)?$/.exec(lower);
  if (m) return String(BigInt(m[1]!) * BigInt(UNITS[m[2] ?? 'b']!));
  return token;
}

export type SettingValue = string | number | boolean;

/** The comparable form of a value as written in a playbook or returned by CONFIG GET. */
export function normaliseSetting(value: SettingValue): string {
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  return String(value).trim().split(/\s+/).filter((t) => t !== '').map(normaliseToken).join(' ');
}

/** The text sent with CONFIG SET: what the user wrote, booleans spelled as Redis spells them. */
export function settingText(value: SettingValue): string {
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  return String(value);
}

/**
 * Settings Redis 7 refuses to change at run time ("can't set immutable config"): they need a restart.
 * From redis/src/config.c (IMMUTABLE_CONFIG); apply() also recognises the error for any it misses.
 */
export const IMMUTABLE_SETTINGS = new Set([
  'daemonize', 'supervised', 'pidfile', 'logfile', 'syslog-enabled', 'syslog-ident', 'syslog-facility', 'databases',
  'io-threads', 'io-threads-do-reads', 'always-show-logo', 'set-proc-title', 'unixsocket', 'unixsocketperm', 'tcp-backlog',
  'cluster-enabled', 'cluster-config-file', 'cluster-port', 'aclfile', 'appendfilename', 'appenddirname',
  'enable-protected-configs', 'enable-debug-command', 'enable-module-command', 'disable-thp',
]);

/** Settings whose values are secrets: never shown in a diff or a result. */
export function isSecretSetting(name: string): boolean {
  return /pass|auth|secret|key$/i.test(name);
}

export function isImmutableError(message: string): boolean {
  return /immutable config/i.test(message);
}
