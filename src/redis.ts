/**
 * The optional Redis connection (REDIS_URL): where state that several processes must share
 * goes, such as rate-limit counters and event fan-out. Without it a process works alone.
 */
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';

export type { Redis } from 'ioredis';

/**
 * ioredis, loaded only by a process that has a Redis to talk to: most never do, and
 * loading it is a noticeable part of starting up (README "Benchmark").
 */
export async function loadRedis(): Promise<typeof Redis> {
  return (await import('ioredis')).Redis;
}

/** Connects and checks the server answers, so a wrong REDIS_URL stops startup at once. */
export async function connectRedis(url: string, logger: Logger): Promise<Redis> {
  const Redis = await loadRedis();
  const redis = new Redis(url, {
    lazyConnect: true,
    // A command waits through a short reconnect, not forever: callers decide what to do.
    maxRetriesPerRequest: 2,
    connectTimeout: 5_000,
  });
  // After startup a lost connection is retried in the background; unheard, the 'error'
  // event would end the process.
  redis.on('error', (error) => logger.warn({ err: error }, 'redis connection error; reconnecting'));
  try {
    await redis.connect();
    await redis.ping();
    return redis;
  } catch (error) {
    redis.disconnect();
    throw new Error(`cannot reach Redis at ${url.replace(/\/\/[^@/]*@/, '//***@')}: ${(error as Error).message}`, { cause: error });
  }
}
