/**
 * Rate limiting of the sign-in form and the token endpoint per client IP: a fixed one-minute
 * window counted in the database (so that every node counts together). Over the limit the caller
 * answers 429 with Retry-After (RFC 6585 §4). Old windows are deleted now and then.
 */
import type { RateLimitTable } from '@kindred/store';

const WINDOW_MS = 60_000;

export interface RateLimitDecision {
  allowed: boolean;
  /** seconds until the window ends */
  retryAfterSeconds: number;
}

export interface RateLimiter {
  hit(scope: string, ip: string): Promise<RateLimitDecision>;
}

export function createRateLimiter(table: RateLimitTable, limitPerMinute: number, now: () => number = Date.now): RateLimiter {
  let lastPurge = 0;
  return {
    async hit(scope, ip) {
      const at = now();
      const windowStart = at - (at % WINDOW_MS);
      if (at - lastPurge > WINDOW_MS) {
        lastPurge = at;
        await table.purge(windowStart - WINDOW_MS);
      }
      const hits = await table.hit(`${scope}:${ip}`, windowStart);
      return { allowed: hits <= limitPerMinute, retryAfterSeconds: Math.max(1, Math.ceil((windowStart + WINDOW_MS - at) / 1000)) };
    },
  };
}
