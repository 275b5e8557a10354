/**
 * PLAY RECAP: per-host counts, and the exit code they imply. Counting follows Ansible: `ok` includes
 * changed results, an ignored failure or ignored unreachable counts as ok + ignored.
 */
import type { HostStats, RunEvent } from '../core/events.js';
import { createPalette, type Palette } from './colors.js';

export const STAT_KEYS = ['ok', 'changed', 'unreachable', 'failed', 'skipped', 'rescued', 'ignored'] as const;

export { EXIT, exitCodeFromStats } from '../core/exitCodes.js';

export function emptyStats(): HostStats {
  return { ok: 0, changed: 0, unreachable: 0, failed: 0, skipped: 0, rescued: 0, ignored: 0 };
}

/**
 * Per-host stats of a run. The run:end event's stats are authoritative (only the executor knows what a
 * rescue absorbed); without one (a run cut short) they are counted from the host results seen so far.
 */
export function recapFromEvents(events: RunEvent[]): Record<string, HostStats> {
  let last: Extract<RunEvent, { type: 'run:end' }> | undefined;
  for (const e of events) if (e.type === 'run:end') last = e;
  if (last) return copyStats(last.stats);
  const stats: Record<string, HostStats> = {};
  const get = (host: string): HostStats => (stats[host] ??= emptyStats());
  for (const e of events) {
    if (e.type === 'play:start') for (const h of e.hosts) get(h);
    if (e.type !== 'host:result') continue;
    const s = get(e.host);
    const r = e.result;
    switch (r.status) {
      case 'ok':
        s.ok++;
        break;
      case 'changed':
        s.ok++;
        s.changed++;
        break;
      case 'skipped':
        s.skipped++;
        break;
      case 'failed':
        if (r.ignored) {
          s.ok++;
          s.ignored++;
          // as the executor (stats.ts countResult): an ignored failure that changed the host counts as changed
          if (r.data.changed === true) s.changed++;
        } else s.failed++;
        break;
      case 'unreachable':
        if (r.ignored) {
          s.ok++;
          s.ignored++;
        } else s.unreachable++;
        break;
    }
  }
  return stats;
}

function copyStats(stats: Record<string, HostStats>): Record<string, HostStats> {
  const out: Record<string, HostStats> = {};
  for (const [host, s] of Object.entries(stats)) out[host] = { ...emptyStats(), ...s };
  return out;
}

/** Adds b into a (hosts present in both are summed: a host that ran in two slices did two runs' work). */
export function addStats(a: Record<string, HostStats>, b: Record<string, HostStats>): Record<string, HostStats> {
  const out = copyStats(a);
  for (const [host, s] of Object.entries(b)) {
    const t = (out[host] ??= emptyStats());
    for (const k of STAT_KEYS) t[k] += s[k] ?? 0;
  }
  return out;
}

/** 99 interrupted, 2 a host failed, 4 a host unreachable and none failed, 0 otherwise. */

/** Banner line as Ansible draws it: the title, a space, then stars to the width (at least 3). */
export function banner(title: string, columns = 80): string {
  return `${title} ${'*'.repeat(Math.max(3, columns - title.length - 1))}`;
}

const HOST_WIDTH = 26;

/** The recap block: banner, one line per host sorted by name, then a blank line. */
export function formatRecap(stats: Record<string, HostStats>, opts: { color?: boolean; columns?: number } = {}): string {
  const p = createPalette(opts.color ?? false);
  const lines = [banner('PLAY RECAP', opts.columns)];
  for (const host of Object.keys(stats).sort(compareHosts)) lines.push(recapLine(host, stats[host]!, p));
  return `${lines.join('\n')}\n\n`;
}

function recapLine(host: string, s: HostStats, p: Palette): string {
  const hostPaint = s.failed > 0 || s.unreachable > 0 ? p.failed : s.changed > 0 ? p.changed : p.ok;
  const cell = (key: (typeof STAT_KEYS)[number], paint: (t: string) => string): string => {
    const text = `${key}=${String(s[key]).padEnd(4)}`;
    return s[key] !== 0 ? paint(text) : text;
  };
  const cells = [
    cell('ok', p.ok), cell('changed', p.changed), cell('unreachable', p.unreachable), cell('failed', p.failed),
    cell('skipped', p.skipped), cell('rescued', p.rescued), cell('ignored', p.ignored),
  ];
  // Pad before painting so colour codes do not disturb the column.
  return `${hostPaint(host.padEnd(HOST_WIDTH))} : ${cells.join(' ')}`.trimEnd();
}

/** Host names sorted as people expect: web2 before web10. */
export function compareHosts(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}
