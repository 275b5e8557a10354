import type { Effect } from '../core/registry.js';
import { addHost, addHostToGroups } from '../load/inventory.js';
import type { PlayContext } from './context.js';
import { newHostState, type HostState } from './hostState.js';

const warnedRefresh = new WeakSet<PlayContext>();

/** Apply what a module asked of the run. The executor knows effects, never module names. */
export function applyEffects(pc: PlayContext, host: HostState, effects: Effect[]): void {
  const run = pc.run;
  for (const effect of effects) {
    switch (effect.kind) {
      case 'setFacts':
        Object.assign(host.setFacts, effect.facts);
        break;
      case 'includeVars':
        Object.assign(host.includeVars, effect.vars);
        break;
      case 'flushHandlers':
        host.flushRequested = true;
        break;
      case 'endPlay':
        pc.ended = true;
        break;
      case 'endHost':
        host.status = 'ended';
        break;
      case 'endBatch':
        pc.batchEnded = true;
        break;
      case 'clearFacts':
        host.factVars = {};
        host.setFacts = {};
        break;
      case 'refreshInventory':
        // Once per play batch, not once per host: Ansible runs this meta once for the play.
        if (warnedRefresh.has(pc)) break;
        warnedRefresh.add(pc);
        run.emit({ type: 'warning', time: Date.now(), message: 'meta: refresh_inventory has no effect: inventories are static files, read once' });
        break;
      case 'clearHostErrors':
        // As Ansible: every host of the play that failed or was unreachable so far takes part again from the
        // next play on, and its failures so far no longer decide the exit code (the recap still shows them).
        for (const name of pc.playHosts) {
          const state = run.hosts.get(name);
          if (!state || (state.status !== 'failed' && state.status !== 'unreachable')) continue;
          state.errorsCleared = true;
          state.clearedStats = { failed: state.stats.failed, unreachable: state.stats.unreachable };
        }
        break;
      case 'addHost':
        addHost(run.inventory, effect.name, effect.groups, effect.vars);
        pc.inventoryViews = undefined;
        if (!run.hosts.has(effect.name)) run.hosts.set(effect.name, newHostState(effect.name));
        break;
      case 'groupBy':
        addHostToGroups(run.inventory, host.name, effect.groups, effect.parents);
        pc.inventoryViews = undefined;
        break;
    }
  }
}
