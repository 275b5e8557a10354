import { defineModule, type FromSchema, type ModuleContext, type Plan } from '../core/registry.js';
import { withRedis, RedisUnreachable, reveal } from './redis/connect.js';
import { redisTarget, notRunningYet, redisLoginArgs, type RedisTarget } from './redis/args.js';
import { ModuleError } from '../core/errors.js';

const schema = {
  type: 'object',
  additionalProperties: false,
  required: ['command'],
  properties: {
    command: {
      description: 'The command: a list of words (safe for arguments with spaces), or a string split on spaces.',
      anyOf: [{ type: 'string', minLength: 1 }, { type: 'array', items: { type: 'string' }, minItems: 1 }],
    },
    ...redisLoginArgs,
    read_only: {
      type: 'boolean',
      description: 'Whether the command only reads: a reading command runs under --check, any other is a change and is skipped under --check. Default: by the command\'s name. Known reading commands: INFO, GET, CONFIG GET, ROLE, SENTINEL MASTER, ….',
    },
  },
} as const;

const READING = new Set([
  'PING', 'ECHO', 'INFO', 'ROLE', 'TIME', 'DBSIZE', 'LASTSAVE', 'EXISTS', 'GET', 'MGET', 'STRLEN', 'GETRANGE', 'TTL', 'PTTL',
  'TYPE', 'KEYS', 'SCAN', 'HGET', 'HMGET', 'HGETALL', 'HLEN', 'HKEYS', 'HVALS', 'HEXISTS', 'LLEN', 'LRANGE', 'LINDEX',
  'SCARD', 'SMEMBERS', 'SISMEMBER', 'ZCARD', 'ZSCORE', 'ZRANGE', 'ZRANK', 'XLEN', 'XRANGE', 'PUBSUB', 'COMMAND', 'WAIT',
  'LOLWUT', 'OBJECT',
]);
const READING_SUB: Record<string, Set<string>> = {
  CONFIG: new Set(['GET']),
  CLIENT: new Set(['LIST', 'INFO', 'GETNAME', 'ID']),
  MEMORY: new Set(['USAGE', 'STATS', 'DOCTOR']),
  SLOWLOG: new Set(['GET', 'LEN']),
  LATENCY: new Set(['LATEST', 'HISTORY', 'DOCTOR']),
  ACL: new Set(['WHOAMI', 'LIST', 'USERS', 'CAT']),
  SENTINEL: new Set(['MASTER', 'MASTERS', 'REPLICAS', 'SLAVES', 'SENTINELS', 'GET-MASTER-ADDR-BY-NAME', 'CKQUORUM', 'MYID', 'INFO-CACHE', 'CONFIG']),
  CLUSTER: new Set(['INFO', 'NODES', 'SLOTS', 'SHARDS', 'MYID']),
};

export function commandWords(command: string | readonly string[]): string[] {
  return typeof command === 'string' ? command.trim().split(/\s+/) : [...command];
}

export function isReadingCommand(words: readonly string[]): boolean {
  const verb = (words[0] ?? '').toUpperCase();
  if (READING.has(verb)) return true;
  const sub = READING_SUB[verb];
  // SENTINEL CONFIG SET changes things; SENTINEL CONFIG GET does not.
  if (verb === 'SENTINEL' && (words[1] ?? '').toUpperCase() === 'CONFIG') return (words[2] ?? '').toUpperCase() === 'GET';
  return sub !== undefined && sub.has((words[1] ?? '').toUpperCase());
}

/** Replies as plain data: Buffers become text, nested arrays stay arrays. */
export function plainReply(reply: unknown): unknown {
  if (Buffer.isBuffer(reply)) return reply.toString('utf8');
  if (Array.isArray(reply)) return reply.map(plainReply);
  return reply;
}

// Defaults may not have been filled in (API callers, tests): every defaulted argument stays optional.
type Args = FromSchema<typeof schema, { keepDefaultedPropertiesOptional: true }>;
type Current = { reading: true; reply: unknown } | { reading: false; words: string[]; live: boolean };

/** The password in a reply (CONFIG GET requirepass, ACL LIST) is masked: it must never reach the output. */
export function maskReply(reply: unknown, password: string | undefined): unknown {
  if (password === undefined || password === '') return reply;
  if (typeof reply === 'string') return reply.split(password).join('********');
  if (Array.isArray(reply)) return reply.map((r) => maskReply(r, password));
  return reply;
}

async function send(ctx: ModuleContext, target: RedisTarget, words: string[]): Promise<unknown> {
  const [verb, ...rest] = words;
  if (!verb) throw new ModuleError('redis_command: the command is empty');
  return withRedis(ctx, target, async (r) => maskReply(plainReply(await r.call(verb, ...rest)), reveal(target.password)));
}

export default defineModule<typeof schema, Current>({
  name: 'redis_command',
  schema,
  secretArgs: ['password', 'login_password'],
  meta: {
    description: 'Sends one command to a Redis on the host and returns the reply; reading commands run under --check, others are changes.',
    example: '- redis_command:\n    command: [CONFIG, GET, maxmemory]\n  register: maxmem',
    returns: { result: 'The reply: a string, a number, a list, or null.' },
  },
  async read(ctx, args): Promise<Current> {
    const words = commandWords(args.command);
    const target = redisTarget(args, 'redis_command');
    const reading = args.read_only ?? isReadingCommand(words);
    if (!reading) return { reading: false, words, live: true };
    try {
      return { reading: true, reply: await send(ctx, target, words) };
    } catch (e) {
      if (ctx.check && e instanceof RedisUnreachable) return { reading: false, words, live: false };
      throw e;
    }
  },
  plan(current, args) {
    if (current.reading) return { changes: [], result: { result: current.reply } };
    if (!current.live) return { changes: [notRunningYet('Redis', args.port ?? args.login_port ?? 6379)] };
    // A writing command cannot be predicted: Ansible's command modules behave the same (skipped under --check).
    return { changes: [{ summary: `send ${current.words[0]} to Redis` }], unpredictable: true };
  },
  async apply(ctx: ModuleContext, _plan: Plan, args: Args, current: Current) {
    if (current.reading) return {};
    return { result: { result: await send(ctx, redisTarget(args, 'redis_command'), current.words) } };
  },
});
