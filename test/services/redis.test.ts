/** REDIS_URL: the server connects at startup when it is set, and refuses to start when it is wrong. */
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { freePort } from '../helpers/process.js';
import { DEFAULT_TEST_REDIS_URL } from '../helpers/services-setup.js';
import { pino } from 'pino';

const redisUrl = process.env.TEST_REDIS_URL ?? DEFAULT_TEST_REDIS_URL;
const quiet = pino({ level: 'silent' });
const started: RunningServer[] = [];

async function start(redis?: string): Promise<RunningServer> {
  const server = await startServer({ port: 0, host: '127.0.0.1', databaseUrl: 'sqlite::memory:', redisUrl: redis, logLevel: 'silent' }, quiet);
  started.push(server);
  return server;
}

afterAll(async () => {
  await Promise.all(started.map((server) => server.close()));
});

describe('REDIS_URL', () => {
  it('is read from the environment, and absent by default', () => {
    expect(loadConfig({}, { REDIS_URL: redisUrl }).redisUrl).toBe(redisUrl);
    expect(loadConfig({}, {}).redisUrl).toBeUndefined();
  });

  it('gives the server a live connection to the Redis that other processes share', async () => {
    const server = await start(redisUrl);
    const key = `confab-test:${process.pid}:${Date.now()}`;
    await server.redis!.set(key, 'from the server', 'EX', 60);
    const other = new Redis(redisUrl);
    try {
      expect(await other.get(key)).toBe('from the server');
    } finally {
      await other.del(key);
      other.disconnect();
    }
  });

  it('leaves the server without Redis when unset', async () => {
    const server = await start();
    expect(server.redis).toBeUndefined();
  });

  it('stops startup with a clear error when Redis cannot be reached', async () => {
    const closedPort = await freePort();
    const started = Date.now();
    await expect(start(`redis://127.0.0.1:${closedPort}`)).rejects.toThrow(`cannot reach Redis at redis://127.0.0.1:${closedPort}`);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
