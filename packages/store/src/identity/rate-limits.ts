/**
 * The `rate_limit` table: how many requests each key (a client IP on the sign-in or token
 * endpoint) made in a fixed time window. In the database so that every node counts together;
 * one upsert per counted request. Counting only: what the limit is, and what happens when it is
 * passed, is the caller's.
 */
import type { SqlDriver } from '../sql/driver.ts';

export interface RateLimitTable {
  /** counts one hit for `key` in the window starting at `windowStart` (epoch ms); returns the hits so far in it */
  hit(key: string, windowStart: number): Promise<number>;
  /** deletes windows that started before `before` */
  purge(before: number): Promise<number>;
}

export function sqlRateLimitTable(driver: SqlDriver): RateLimitTable {
  return {
    async hit(key, windowStart) {
      const rows = await driver.transaction((tx) => tx.query<{ hits: number | string }>(
        'INSERT INTO rate_limit (key, window_start, hits) VALUES (?, ?, 1) ON CONFLICT (key, window_start) DO UPDATE SET hits = rate_limit.hits + 1 RETURNING hits',
        [key, windowStart],
      ));
      return Number(rows[0]?.hits ?? 1);
    },
    purge: (before) => driver.execute('DELETE FROM rate_limit WHERE window_start < ?', [before]),
  };
}
