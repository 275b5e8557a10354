import type { TaskRef } from '../core/events.js';
import { UnreachableError } from '../core/errors.js';
import type { PlayContext } from './context.js';
import { factVariables, gatherFacts } from './facts.js';
import type { HostState } from './hostState.js';
import { rootScope } from './scope.js';
import { hostVars } from './taskVars.js';
import { resolveBecome } from './task.js';

/** The implicit first task of a play: one round trip per host, reported like any task ("Gathering Facts"). */
export async function gatherPlayFacts(pc: PlayContext, hosts: HostState[]): Promise<void> {
  const run = pc.run;
  const ref: TaskRef = { id: `${pc.index}:gather_facts`, name: 'Gathering Facts', module: 'gather_facts', pos: pc.play.pos, handler: false };
  const targets = hosts.filter((h) => h.status === 'active');
  if (targets.length === 0) return;
  run.emit({ type: 'task:start', time: Date.now(), task: ref, hosts: targets.map((h) => h.name) });
  const started = Date.now();
  await Promise.all(
    targets.map((host) =>
      run.forks(async () => {
        const t0 = Date.now();
        run.emit({ type: 'host:start', time: t0, task: ref, host: host.name });
        try {
          const vars = hostVars(pc, host, rootScope());
          const conn = await run.pool.get(host.name, vars);
          const facts = await gatherFacts(conn, run.killSignal, resolveBecome(pc, rootScope(), vars));
          host.factVars = factVariables(facts);
          host.stats.ok++;
          run.emit({ type: 'host:result', time: Date.now(), task: ref, host: host.name, result: { status: 'ok', data: {}, diffs: [], warnings: [] }, durationMs: Date.now() - t0, noLog: false });
        } catch (e) {
          const msg = e instanceof Error ? e.message : String(e);
          if (e instanceof UnreachableError) {
            host.status = 'unreachable';
            host.stats.unreachable++;
            run.emit({ type: 'host:unreachable', time: Date.now(), host: host.name, msg });
            run.emit({ type: 'host:result', time: Date.now(), task: ref, host: host.name, result: { status: 'unreachable', msg, ignored: false }, durationMs: Date.now() - t0, noLog: false });
          } else {
            host.status = 'failed';
            host.stats.failed++;
            run.emit({ type: 'host:result', time: Date.now(), task: ref, host: host.name, result: { status: 'failed', msg, data: { msg }, ignored: false, diffs: [] }, durationMs: Date.now() - t0, noLog: false });
          }
        }
      }),
    ),
  );
  run.emit({ type: 'task:end', time: Date.now(), task: ref, durationMs: Date.now() - started });
}
