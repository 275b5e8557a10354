/**
 * The default output, close to Ansible's: PLAY/TASK banners, one line per host result, PLAY RECAP.
 * A listener of run events only; everything it shows passes through redact.ts first.
 */
import type { HostResult, RunEvent, RunListener, TaskRef } from '../core/events.js';
import { createPalette } from './colors.js';
import { banner, formatRecap } from './recap.js';
import { NoLogGate, safeItemLabel, safeResult } from './redact.js';
import { diffText, inlineJson, resultLine } from './resultLines.js';
import { StatusLine } from './status.js';
import { taskTitle } from './taskTitle.js';

export interface ReporterOptions {
  write: (text: string) => void;
  /** 0 default; 1 (-v) result data, batches; 2 (-vv) streamed command output, task paths; 3 (-vvv) host starts, indented data. */
  verbosity: number;
  color: boolean;
  /** Output goes to a terminal: enables the live status line. */
  tty: boolean;
  diff: boolean;
  check: boolean;
  now?: () => number;
  /** Terminal width for banners and the status line; 80 when not given. */
  columns?: number;
}

export interface Reporter {
  listener: RunListener;
  close(): void;
  /** Erases the live status line, for a caller about to write to the same terminal another way (stderr). */
  clearStatus(): void;
}

type OutputEvent = Extract<RunEvent, { type: 'host:output' }>;

export function createHumanReporter(opts: ReporterOptions): Reporter {
  const palette = createPalette(opts.color);
  const columns = Math.max(opts.columns ?? 80, 20);
  const status = opts.tty ? new StatusLine({ write: opts.write, now: opts.now ?? Date.now, columns }) : undefined;
  let wrote = false;
  const out = (text: string): void => {
    if (text === '') return;
    status?.clear();
    opts.write(text);
    wrote = true;
  };

  let check = opts.check;
  /** task.id + host pairs whose loop items were shown: their summary result line is then redundant. */
  const itemsShown = new Set<string>();
  /** Partial lines of streamed output, per task, host and stream, until their newline arrives. */
  const partial = new Map<string, string>();
  /**
   * The executor may report a lost host both as host:unreachable and as the task's unreachable result;
   * the same message is shown once. Messages from host:unreachable wait for the matching result; those
   * from a result only matter within the task.
   */
  const unreachableByEvent = new Map<string, string>();
  const unreachableByResult = new Map<string, string>();

  const key = (task: TaskRef, host: string): string => `${task.id}\u0000${host}`;

  /**
   * The task whose banner was printed last. Under `strategy: free` hosts are on different tasks at once: as
   * Ansible's default callback, a result of another task prints that task's banner again first, and a task
   * started by several hosts at once gets one banner. (A task that starts again after it ended — an include
   * loop's next round — gets a new one.)
   */
  let lastBanner: string | undefined;
  const bannerKey = (task: TaskRef): string => `${task.handler ? 'h' : 't'}\u0000${task.id}`;
  const taskBanner = (task: TaskRef): void => {
    lastBanner = bannerKey(task);
    const head = task.handler ? 'RUNNING HANDLER' : 'TASK';
    let text = `\n${banner(`${head} [${taskTitle(task)}]`, columns)}\n`;
    if (opts.verbosity >= 2) text += `task path: ${task.pos.file}:${task.pos.line}:${task.pos.col}\n`;
    out(text);
  };
  const running = new Map<string, number>();
  /**
   * `included:` lines of a task, held until it ends: as Ansible, one line per included file names all its
   * hosts (`included: tasks/x.yml for web1, web2`).
   */
  const heldIncludes = new Map<string, { task: TaskRef; hostsByFile: Map<string, string[]> }>();
  const flushIncludes = (k: string): void => {
    const held = heldIncludes.get(k);
    if (!held) return;
    heldIncludes.delete(k);
    bannerFor(held.task);
    for (const [file, hosts] of held.hostsByFile) out(palette.skipped(`included: ${file} for ${hosts.join(', ')}`) + '\n');
  };
  const bannerFor = (task: TaskRef): void => {
    // Only to switch from one task's banner to another's: results fed without any task:start print as they are.
    if (lastBanner !== undefined && lastBanner !== bannerKey(task)) taskBanner(task);
  };

  const showResult = (
    task: TaskRef,
    host: string,
    raw: HostResult,
    noLog: boolean,
    extra: { item?: string; delegatedTo?: string },
  ): void => {
    const r = safeResult(raw, noLog);
    let text = '';
    if (opts.diff && !noLog && (r.status === 'ok' || r.status === 'changed' || r.status === 'failed')) {
      text += diffText(r.diffs, palette);
    }
    text += `${resultLine(r, {
      host,
      ...(extra.delegatedTo ? { delegatedTo: extra.delegatedTo } : {}),
      ...(extra.item !== undefined ? { item: extra.item } : {}),
      verbosity: opts.verbosity,
      alwaysShowData: task.module === 'debug' && !noLog,
      palette,
    })}\n`;
    if ((r.status === 'failed' || r.status === 'unreachable') && r.ignored) text += palette.skipped('...ignoring') + '\n';
    if (r.status === 'ok' || r.status === 'changed') for (const w of r.warnings) text += warningLine(w);
    out(text);
  };

  const warningLine = (message: string, host?: string): string =>
    palette.warning(`[WARNING]: ${host ? `[${host}] ` : ''}${message}`) + '\n';

  const streamOutput = (e: OutputEvent): void => {
    const k = `${key(e.task, e.host)}\u0000${e.stream}`;
    const lines = ((partial.get(k) ?? '') + e.chunk).split('\n');
    partial.set(k, lines.pop() ?? '');
    out(lines.map((l) => palette.dim(`[${e.host}] ${l.replace(/\r$/, '')}`) + '\n').join(''));
  };

  const flushOutput = (task: TaskRef, host: string, show: boolean): void => {
    for (const stream of ['stdout', 'stderr']) {
      const k = `${key(task, host)}\u0000${stream}`;
      const rest = partial.get(k);
      partial.delete(k);
      if (show && rest) out(palette.dim(`[${host}] ${rest}`) + '\n');
    }
  };

  const render = (e: RunEvent, noLog: boolean): void => {
    switch (e.type) {
      case 'run:start':
        check = check || e.check;
        if (opts.verbosity >= 1) out(`\n${banner(`PLAYBOOK: ${e.playbook}`, columns)}\n`);
        return;
      case 'play:start': {
        lastBanner = undefined;
        const name = e.name.trim() !== '' ? e.name : e.hosts.join(',');
        out(`\n${banner(`PLAY [${name}]${check ? ' (check mode)' : ''}`, columns)}\n`);
        return;
      }
      case 'batch:start':
        if (opts.verbosity >= 1 && e.count > 1) out(`\nBATCH ${e.index + 1}/${e.count}: ${e.hosts.join(', ')}\n`);
        return;
      case 'task:start': {
        unreachableByResult.clear();
        const k = bannerKey(e.task);
        const open = running.get(k) ?? 0;
        running.set(k, open + 1);
        if (open > 0) bannerFor(e.task);
        else taskBanner(e.task);
        return;
      }
      case 'host:start':
        if (opts.verbosity >= 3) out(`<${e.host}> start: ${taskTitle(e.task)}\n`);
        return;
      case 'host:output':
        if (opts.verbosity >= 2 && !noLog) streamOutput(e);
        return;
      case 'host:log':
        // Messages a module or the executor chose to show (retries, prompts, streamed progress), as Ansible
        // shows "FAILED - RETRYING" without -v.
        if (!noLog) out(e.message.split('\n').map((l) => `[${e.host}] ${l}\n`).join(''));
        return;
      case 'host:item':
        bannerFor(e.task);
        itemsShown.add(key(e.task, e.host));
        showResult(e.task, e.host, e.result, noLog, { item: safeItemLabel(e.item, noLog) });
        return;
      case 'host:result': {
        flushOutput(e.task, e.host, opts.verbosity >= 2 && !noLog);
        const k = key(e.task, e.host);
        const hadItems = itemsShown.delete(k);
        // With a loop, the items were the output; Ansible prints a summary only when the loop failed or every
        // item was skipped (`skipping: [host]`).
        if (hadItems && (e.result.status === 'ok' || e.result.status === 'changed')) return;
        const included = e.result.status === 'ok' && !noLog ? e.result.data._included : undefined;
        if (!hadItems && typeof included === 'string' && running.has(bannerKey(e.task))) {
          const k = bannerKey(e.task);
          const held = heldIncludes.get(k) ?? { task: e.task, hostsByFile: new Map<string, string[]>() };
          heldIncludes.set(k, held);
          held.hostsByFile.set(included, [...(held.hostsByFile.get(included) ?? []), e.host]);
          return;
        }
        bannerFor(e.task);
        // The items were shown one by one: as Ansible, the summary does not list them all again (below -vvv).
        const summary = hadItems && opts.verbosity < 3 ? withoutItemResults(e.result) : e.result;
        if (e.result.status === 'unreachable') {
          if (unreachableByEvent.get(e.host) === e.result.msg) {
            unreachableByEvent.delete(e.host);
            if (e.result.ignored) out(palette.skipped('...ignoring') + '\n');
            return;
          }
          unreachableByResult.set(e.host, e.result.msg);
        }
        showResult(e.task, e.host, summary, noLog, e.delegatedTo ? { delegatedTo: e.delegatedTo } : {});
        return;
      }
      case 'host:unreachable':
        if (unreachableByResult.get(e.host) === e.msg) return void unreachableByResult.delete(e.host);
        unreachableByEvent.set(e.host, e.msg);
        out(palette.unreachable(`fatal: [${e.host}]: UNREACHABLE! => ${inlineJson({ msg: e.msg })}`) + '\n');
        return;
      case 'task:end': {
        const k = bannerKey(e.task);
        const open = (running.get(k) ?? 1) - 1;
        if (open > 0) running.set(k, open);
        else {
          running.delete(k);
          flushIncludes(k);
        }
        return;
      }
      case 'play:end':
        return;
      case 'warning':
        out(warningLine(e.message, e.host));
        return;
      case 'run:end':
        for (const k of [...heldIncludes.keys()]) flushIncludes(k);
        out(`\n${formatRecap(e.stats, { color: opts.color, columns })}`);
        if (e.interrupted) out(palette.failed('[ERROR]: interrupted: no new task was started after the stop request') + '\n');
        return;
    }
  };

  const gate = new NoLogGate(render);
  return {
    listener: (e) => {
      wrote = false;
      gate.push(e);
      status?.observe(e);
      // Output just cleared the status line; bring it back if the task is still slow.
      if (wrote && e.type !== 'run:end') status?.tick();
    },
    close: () => {
      gate.flush();
      for (const k of [...heldIncludes.keys()]) flushIncludes(k);
      status?.stop();
    },
    clearStatus: () => status?.clear(),
  };
}

function withoutItemResults(r: HostResult): HostResult {
  if (r.status === 'unreachable' || !('results' in r.data)) return r;
  const { results: _items, ...data } = r.data;
  return { ...r, data };
}
