/** Stopping the lab's background processes by the pid the state recorded, checking it is still the same program. */
import { existsSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) Z /.test(stat);
  } catch {
    return false;
  }
}

/** The program a pid runs now (argv joined), so a recycled pid is never signalled by mistake. */
export function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return '';
  }
}

/** SIGTERM, then SIGKILL after graceMs; only when the pid still runs something matching `expect`. */
export async function stopProcess(pid: number | undefined, expect: string, graceMs = 5000): Promise<string | undefined> {
  if (pid === undefined || !isAlive(pid)) return undefined;
  if (!commandLine(pid).includes(expect)) return undefined;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return undefined;
  }
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return undefined;
    await sleep(50);
  }
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    /* gone meanwhile */
  }
  await sleep(100);
  return isAlive(pid) ? `process ${pid} (${expect}) did not stop` : undefined;
}

/** Direct children of a pid, from /proc (no ps parsing). */
export function childrenOf(pid: number): number[] {
  try {
    const tasks = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8');
    return tasks.split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/**
 * Waits until stopped processes have been reaped by their parent, so `ps` shows no `<defunct>` lab entries after
 * `down`. The CLI's children are reparented to PID 1, and some PID 1s (a container's, this VM's) reap only now and then.
 */
export async function waitReaped(pids: readonly number[], timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && pids.some((pid) => existsSync(`/proc/${pid}`))) await sleep(100);
}
