import { OcpiError } from './errors.js';

/** A rate: `requestsPerSecond` on average, with bursts of up to `burst` requests (default one second's worth). */
export interface Rate {
  requestsPerSecond: number;
  burst?: number;
}

export interface RateLimitOptions {
  /** Per registered partner, after authentication. */
  perPartner?: Rate;
  /** Per client address (the socket's, never a proxy header), before authentication. */
  perAddress?: Rate;
}

interface Bucket {
  tokens: number;
  updated: number;
}

/** Token buckets per key, kept in this process (each node of a cluster counts its own requests). */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly capacity: number;

  constructor(
    private readonly rate: Rate,
    private readonly now: () => number = Date.now,
  ) {
    if (!(rate.requestsPerSecond > 0)) throw new Error('requestsPerSecond must be positive');
    this.capacity = Math.max(1, rate.burst ?? Math.ceil(rate.requestsPerSecond));
  }

  /** Takes one request from the key's bucket; when empty, the seconds until one is available. */
  take(key: string): { ok: true } | { ok: false; retryAfterSeconds: number } {
    const now = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: this.capacity, updated: now };
    bucket.tokens = Math.min(this.capacity, bucket.tokens + ((now - bucket.updated) / 1000) * this.rate.requestsPerSecond);
    bucket.updated = now;
    if (this.buckets.size > 10_000) this.forgetIdle(now);
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { ok: true };
    }
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / this.rate.requestsPerSecond)) };
  }

  /** Full buckets carry no state worth keeping. */
  private forgetIdle(now: number): void {
    for (const [key, bucket] of this.buckets) {
      if (bucket.tokens + ((now - bucket.updated) / 1000) * this.rate.requestsPerSecond >= this.capacity) this.buckets.delete(key);
    }
  }
}

/** HTTP 429 with `Retry-After` and an OCPI envelope. */
export function rateLimited(retryAfterSeconds: number, who: string): OcpiError {
  return new OcpiError(`Too many requests from ${who}; retry after ${retryAfterSeconds} s`, {
    reason: 'rate_limited',
    headers: { 'retry-after': String(retryAfterSeconds) },
  });
}
