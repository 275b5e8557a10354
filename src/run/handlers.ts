import type { Task } from '../core/model.js';
import type { PlayContext } from './context.js';
import type { HostState } from './hostState.js';
import { rootScope } from './scope.js';
import { runTask } from './task.js';

/**
 * Handlers run in the order they are defined (not notified), once per flush, only on hosts that notified them;
 * a failed host runs none unless --force-handlers. A handler may notify a later one in the same flush.
 */
export async function flushHandlers(pc: PlayContext, hosts: HostState[]): Promise<void> {
  const force = pc.run.options.forceHandlers === true || pc.play.forceHandlers === true;
  // --force-handlers revives hosts that failed in the tasks before this flush; a host whose handler fails
  // here runs no further handler, as in Ansible.
  const forced = new Set(force ? hosts.filter((h) => h.status === 'failed') : []);
  for (let pass = 0; pass < 10; pass++) {
    let ran = false;
    for (const handler of pc.handlers) {
      const names = handlerNames(handler);
      const targets = hosts.filter((h) => (h.status === 'active' || forced.has(h)) && names.some((n) => h.notified.has(n)));
      if (targets.length === 0) continue;
      for (const h of targets) for (const n of names) h.notified.delete(n);
      const revived = targets.filter((h) => h.status === 'failed');
      for (const h of revived) h.status = 'active';
      await runTask(pc, handler, { ...rootScope(true), ...(handler.role ? { role: handler.role } : {}) }, targets);
      for (const h of revived) {
        if (h.status === 'active') h.status = 'failed';
        else forced.delete(h);
      }
      // A host whose handler failed drops its other notifications: a later flush (post_tasks, --force-handlers)
      // does not run them either.
      for (const h of targets) if (h.status !== 'active' && !forced.has(h)) h.notified.clear();
      ran = true;
    }
    if (!ran) return;
  }
}

function handlerNames(handler: Task): string[] {
  const names = [...handler.listen];
  if (handler.name) {
    names.push(handler.name);
    if (handler.role) names.push(`${handler.role.name} : ${handler.name}`);
  }
  return names;
}
