// Argument schemas shared by the Redis modules; each module spreads them into its own `as const` schema.

export const portArg = { type: 'integer', minimum: 1, maximum: 65535, default: 6379, description: 'The Redis port on the host (reached through the SSH connection, never opened to the controller).' } as const;
export const passwordArg = { type: 'string', description: 'The password (requirepass) of the Redis on the host; masked in all output.' } as const;
export const sentinelPortArg = { type: 'integer', minimum: 1, maximum: 65535, default: 26379, description: 'The Sentinel port on the host.' } as const;
export const sentinelPasswordArg = { type: 'string', description: 'The Sentinel\'s own password (its requirepass), if it has one; masked in all output.' } as const;
export const masterNameArg = { type: 'string', minLength: 1, default: 'mymaster', description: 'The name of the monitored master group.' } as const;

/** The planned change a read-only Redis module reports under --check when its target is not running yet. */
export function notRunningYet(what: string, port: number): { summary: string } {
  return { summary: `${what} on port ${port} is not running yet (an earlier task only planned it); it would be queried once it runs` };
}
