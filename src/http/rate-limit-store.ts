/**
 * Token buckets behind @fastify/rate-limit's store interface. A bucket holds `max`
 * tokens and refills at `max` per `timeWindow`; a request takes one. Unlike the plugin's
 * fixed window, a client cannot spend two windows' worth in the second around a boundary.
 *
 * The plugin reads `current` (requests counted against `max`: over `max` means refused)
 * and `ttl` (ms): for a refused request the wait until a token is back, otherwise the
 * time until the bucket is full again (the `x-ratelimit-reset` a client sees).
 */
import type { Redis } from 'ioredis';

export interface BucketResult {
  current: number;
  ttl: number;
}
type Callback = (error: Error | null, result?: BucketResult) => void;

/** The arithmetic shared by both stores; `tokens` is the level before this request. */
export function takeToken(tokens: number, max: number, timeWindow: number): { tokens: number; result: BucketResult } {
  const msPerToken = timeWindow / max;
  if (tokens < 1) {
    return { tokens, result: { current: max + 1, ttl: Math.max(1, Math.ceil((1 - tokens) * msPerToken)) } };
  }
  const left = tokens - 1;
  return { tokens: left, result: { current: max - Math.floor(left), ttl: Math.ceil((max - left) * msPerToken) } };
}

/** One process's buckets. Full buckets are forgotten, so idle clients cost nothing. */
export class LocalBucketStore {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private static readonly MAX_KEYS = 100_000;

  incr(key: string, callback: Callback, timeWindow: number, max: number): void {
    const now = Date.now();
    const bucket = this.buckets.get(key);
    const refilled = bucket ? Math.min(max, bucket.tokens + ((now - bucket.at) * max) / timeWindow) : max;
    const { tokens, result } = takeToken(refilled, max, timeWindow);
    this.buckets.delete(key);
    if (this.buckets.size >= LocalBucketStore.MAX_KEYS) this.evictFull(now, max, timeWindow);
    this.buckets.set(key, { tokens, at: now });
    callback(null, result);
  }

  child(): LocalBucketStore {
    return new LocalBucketStore();
  }

  /** Map order is insertion order, so the first keys are the longest idle. */
  private evictFull(now: number, max: number, timeWindow: number): void {
    for (const [key, bucket] of this.buckets) {
      if (this.buckets.size < LocalBucketStore.MAX_KEYS / 2) break;
      if (bucket.tokens + ((now - bucket.at) * max) / timeWindow >= max || now - bucket.at > timeWindow) this.buckets.delete(key);
      else break;
    }
  }
}

/**
 * The same bucket in Redis, updated atomically by a script on Redis's clock, so every
 * process behind a load balancer draws from one bucket per client.
 */
const TAKE_TOKEN_SCRIPT = `
local max = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = max
if state[1] then
  tokens = math.min(max, tonumber(state[1]) + (now - tonumber(state[2])) * max / window)
end
local msPerToken = window / max
if tokens < 1 then
  redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', now)
  redis.call('PEXPIRE', KEYS[1], window)
  return {max + 1, math.max(1, math.ceil((1 - tokens) * msPerToken))}
end
local left = tokens - 1
redis.call('HSET', KEYS[1], 'tokens', tostring(left), 'at', now)
redis.call('PEXPIRE', KEYS[1], window)
return {max - math.floor(left), math.ceil((max - left) * msPerToken)}
`;

export class RedisBucketStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'confab:rl:',
  ) {}

  incr(key: string, callback: Callback, timeWindow: number, max: number): void {
    this.redis
      .eval(TAKE_TOKEN_SCRIPT, 1, this.prefix + key, max, timeWindow)
      .then((reply) => {
        const [current, ttl] = reply as [number, number];
        callback(null, { current, ttl });
      })
      .catch((error: Error) => callback(error));
  }

  child(): RedisBucketStore {
    return this;
  }
}
