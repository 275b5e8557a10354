import { defineModule } from '../core/registry.js';
import { lookupVar } from './system/varPath.js';

const schema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    msg: { description: 'The message to show (rendered with the task variables). Default "Hello world!".' },
    var: { type: 'string', description: 'A variable name or path (`result.stdout`, `hosts[0]`) to show; not used with msg.' },
    verbosity: { type: 'integer', minimum: 0, default: 0, description: 'Show only at this -v level or above (the reporter filters).' },
  },
} as const;

interface Shown {
  key: string;
  value: unknown;
  verbosity: number;
}

export default defineModule<typeof schema, Shown>({
  name: 'debug',
  schema,
  local: true,
  meta: {
    description: 'Shows a message or the value of a variable. Never contacts the host; runs under --check.',
    ansible: 'ansible.builtin.debug',
    example: '- debug:\n    var: redis_status.role',
    returns: { msg: 'The message (with msg).', '<var>': 'The value of the variable, under its own name (with var).', _verbosity: 'The -v level from which it is shown (only when above 0).' },
  },
  async read(ctx, args): Promise<Shown> {
    const verbosity = args.verbosity ?? 0;
    if (args.var !== undefined) {
      const { found, value } = lookupVar(ctx.vars, args.var);
      return { key: args.var, value: found ? value : 'VARIABLE IS NOT DEFINED!', verbosity };
    }
    return { key: 'msg', value: args.msg ?? 'Hello world!', verbosity };
  },
  plan(current) {
    return { changes: [], result: { [current.key]: current.value, ...(current.verbosity > 0 ? { _verbosity: current.verbosity } : {}) } };
  },
});
