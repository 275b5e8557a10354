import { createInterface } from 'node:readline/promises';
import { defineModule } from '../core/registry.js';
import { ModuleError } from '../core/errors.js';
import { sleep } from './system/remote.js';

const schema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    seconds: { type: 'number', minimum: 0, description: 'Wait this long.' },
    minutes: { type: 'number', minimum: 0, description: 'Wait this long (added to seconds).' },
    prompt: { type: 'string', description: 'Ask the person at the terminal and wait for Enter (needs a TTY; without one the task fails).' },
    echo: { type: 'boolean', default: true, description: 'Kept for Ansible compatibility; the answer is always shown as typed.' },
  },
} as const;

interface Paused {
  waitedMs: number;
  userInput?: string;
}

export default defineModule<typeof schema, Paused>({
  name: 'pause',
  schema,
  local: true,
  oncePerBatch: true,
  meta: {
    description: 'Waits a given time, or until the person at the terminal presses Enter. Ctrl-C ends the wait.',
    ansible: 'ansible.builtin.pause',
    example: '- pause:\n    seconds: 10',
    returns: { delta: 'Seconds waited.', user_input: 'What was typed at the prompt.', start: 'ISO start time.', stop: 'ISO end time.' },
  },
  async read(ctx, args): Promise<Paused> {
    const started = Date.now();
    const ms = ((args.minutes ?? 0) * 60 + (args.seconds ?? 0)) * 1000;
    if (ms > 0 || args.prompt === undefined) {
      if (args.prompt !== undefined) ctx.log(args.prompt);
      await sleep(ms, ctx.signal);
      return { waitedMs: Date.now() - started };
    }
    if (!process.stdin.isTTY) {
      throw new ModuleError(`pause: cannot ask "${args.prompt}" without a terminal (stdin is not a TTY)`, {
        hint: 'give seconds/minutes instead, or run from a terminal',
      });
    }
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    try {
      const answer = await rl.question(`${args.prompt}: `, { signal: ctx.signal });
      return { waitedMs: Date.now() - started, userInput: answer };
    } catch {
      throw new ModuleError('pause: the prompt was interrupted');
    } finally {
      rl.close();
    }
  },
  plan(p) {
    const stop = new Date();
    const start = new Date(stop.getTime() - p.waitedMs);
    return {
      changes: [],
      result: {
        delta: Math.round(p.waitedMs / 1000),
        start: start.toISOString(),
        stop: stop.toISOString(),
        ...(p.userInput !== undefined ? { user_input: p.userInput } : {}),
      },
    };
  },
});
