/**
 * Runs once before `npm run test:postgres`: the services must be there. A missing
 * PostgreSQL or Redis stops the run with a clear message instead of skipping tests.
 */
import { Redis } from 'ioredis';
import { admin, requireTestDatabaseUrl } from './postgres.js';

export const DEFAULT_TEST_REDIS_URL = 'redis://127.0.0.1:6379';

export default async function setup(): Promise<void> {
  const url = requireTestDatabaseUrl();
  try {
    await admin(url, 'select 1');
  } catch (error) {
    throw new Error(`PostgreSQL at TEST_DATABASE_URL is not reachable: ${(error as Error).message}`);
  }
  const redis = new Redis(process.env.TEST_REDIS_URL ?? DEFAULT_TEST_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0 });
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    throw new Error(`Redis is not reachable (TEST_REDIS_URL, default ${DEFAULT_TEST_REDIS_URL}): ${(error as Error).message}`);
  } finally {
    redis.disconnect();
  }
}
