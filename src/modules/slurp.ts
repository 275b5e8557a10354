import { ModuleError, trimOutput } from '../core/errors.js';
import { defineModule, type ModuleContext, type FromSchema, type Plan } from '../core/registry.js';
import { sh } from '../core/sh.js';

const schema = {
  type: 'object',
  properties: {
    src: { type: 'string', description: 'The file on the host to read (alias: path).' },
    path: { type: 'string', description: 'Alias of src.' },
  },
  additionalProperties: false,
} as const;
type Args = FromSchema<typeof schema>;

export interface SlurpState {
  source: string;
  content: string;
  /** --check only: the file is not there now (an earlier, planned-only task may create it). */
  notYet?: boolean;
}

export default defineModule<typeof schema, SlurpState>({
  name: 'slurp',
  schema,
  meta: {
    description: 'Reads a file from the host, base64-encoded (decode with b64decode); changes nothing.',
    ansible: 'ansible.builtin.slurp',
    example: '- name: Read the sentinel config\n  slurp:\n    src: /etc/redis/sentinel.conf\n  register: sentinel_conf',
    returns: { content: 'The file content, base64.', encoding: "Always 'base64'.", source: 'The path read.' },
  },
  async read(ctx: ModuleContext, args: Args): Promise<SlurpState> {
    const source = args.src ?? args.path;
    if (!source) throw new ModuleError('slurp: src is required');
    const r = await ctx.run(sh`base64 -w0 -- ${source}`);
    if (r.code !== 0) {
      const err = trimOutput(r.stderr.toString('utf8'));
      if (ctx.check && /No such file/.test(err)) return { source, content: '', notYet: true };
      throw new ModuleError(/No such file/.test(err) ? `file not found: ${source}` : `cannot read ${source}: ${err}`);
    }
    return { source, content: r.stdout.toString('utf8').trim() };
  },
  plan: (current: SlurpState): Plan => ({
    changes: [],
    result: { content: current.content, encoding: 'base64', source: current.source },
    ...(current.notYet ? { warnings: [`check mode: ${current.source} does not exist yet (a real run fails unless an earlier task creates it)`] } : {}),
  }),
});
