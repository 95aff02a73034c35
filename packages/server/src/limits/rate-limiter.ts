/**
 * Token buckets keyed by client address or account address: each key may spend `capacity`
 * attempts at once and earns them back at `refillPerMinute`. In memory, per process: with several
 * processes behind a balancer, each keeps its own buckets.
 */

export interface RateLimit {
  readonly capacity: number;
  readonly refillPerMinute: number;
}

export type RateDecision =
  { readonly allowed: true } | { readonly allowed: false; readonly retryAfterSeconds: number };

export interface RateLimiter {
  /** Spends `cost` tokens of `key` (default 1) if it has them. */
  readonly take: (key: string, cost?: number) => RateDecision;
  /** Says whether `key` has a token, without spending it. */
  readonly check: (key: string) => RateDecision;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/** Above this many keys, full buckets are forgotten (they carry no information). */
const SWEEP_AT = 10_000;

export const createRateLimiter = (limit: RateLimit, now: () => number = Date.now): RateLimiter => {
  if (!(limit.capacity >= 1) || !(limit.refillPerMinute > 0)) {
    throw new RangeError(
      `expected capacity >= 1 and refillPerMinute > 0, got ${JSON.stringify(limit)}`,
    );
  }
  const buckets = new Map<string, Bucket>();
  const perMs = limit.refillPerMinute / 60_000;
  const refill = (key: string): Bucket => {
    const time = now();
    const bucket = buckets.get(key) ?? { tokens: limit.capacity, updatedAt: time };
    bucket.tokens = Math.min(limit.capacity, bucket.tokens + (time - bucket.updatedAt) * perMs);
    bucket.updatedAt = time;
    if (!buckets.has(key)) {
      if (buckets.size >= SWEEP_AT) sweep();
      buckets.set(key, bucket);
    }
    return bucket;
  };
  const sweep = (): void => {
    const time = now();
    for (const [key, bucket] of buckets) {
      if (bucket.tokens + (time - bucket.updatedAt) * perMs >= limit.capacity) buckets.delete(key);
    }
  };
  const decide = (bucket: Bucket, cost = 1): RateDecision =>
    bucket.tokens >= cost
      ? { allowed: true }
      : {
          allowed: false,
          retryAfterSeconds: Math.max(1, Math.ceil((cost - bucket.tokens) / perMs / 1000)),
        };
  return {
    take: (key, cost = 1) => {
      const bucket = refill(key);
      const decision = decide(bucket, Math.min(cost, limit.capacity));
      if (decision.allowed) bucket.tokens -= Math.min(cost, limit.capacity);
      return decision;
    },
    check: (key) => decide(refill(key)),
  };
};
