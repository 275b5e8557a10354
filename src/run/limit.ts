import pLimit from 'p-limit';

/** One concurrency limiter type for forks and throttle (p-limit). */
export type Limit = <T>(fn: () => Promise<T>) => Promise<T>;

export function createLimit(concurrency: number): Limit {
  const limit = pLimit(Math.max(1, concurrency));
  return (fn) => limit(fn);
}
