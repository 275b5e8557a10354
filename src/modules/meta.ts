import { defineModule, type Effect } from '../core/registry.js';

const ACTIONS = [
  'flush_handlers', 'end_play', 'end_host', 'end_batch', 'clear_facts', 'clear_host_errors',
  'refresh_inventory', 'noop', 'reset_connection',
] as const;
type Action = (typeof ACTIONS)[number];

const schema = {
  type: 'object',
  additionalProperties: false,
  required: ['action'],
  properties: {
    action: { type: 'string', enum: ACTIONS, description: 'What to do to the run (written free-form: `meta: flush_handlers`).' },
  },
} as const;

const EFFECTS: Record<Action, Effect[]> = {
  flush_handlers: [{ kind: 'flushHandlers' }],
  end_play: [{ kind: 'endPlay' }],
  end_host: [{ kind: 'endHost' }],
  end_batch: [{ kind: 'endBatch' }],
  clear_facts: [{ kind: 'clearFacts' }],
  refresh_inventory: [{ kind: 'refreshInventory' }],
  clear_host_errors: [{ kind: 'clearHostErrors' }],
  // Nothing to do for these here: connections are re-opened on demand.
  noop: [],
  reset_connection: [],
};

export default defineModule<typeof schema, Action>({
  name: 'meta',
  schema,
  local: true,
  unreported: true,
  freeForm: 'action',
  meta: {
    description: 'Acts on the run: runs notified handlers now, ends the play, the host or the batch, clears facts.',
    ansible: 'ansible.builtin.meta',
    example: '- meta: flush_handlers',
    returns: {},
  },
  async read(_ctx, args) {
    return args.action;
  },
  plan(action) {
    return { changes: [], effects: EFFECTS[action] };
  },
});
