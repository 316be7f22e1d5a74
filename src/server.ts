/** Opening the store, building the app and listening: shared by `confab serve` and tests. */
import type { FastifyInstance } from 'fastify';
import { pino, type Logger } from 'pino';
import type { Config } from './config.js';
import { initOrg, type InitResult } from './domain/orgs.js';
import { connectRedis, type Redis } from './redis.js';
import { buildApp } from './http/app.js';
import type { RootStore } from './store/index.js';
import { openStore } from './store/open.js';

export interface RunningServer {
  app: FastifyInstance;
  store: RootStore;
  /** Set when REDIS_URL is: shared counters and fan-out across processes. */
  redis?: Redis;
  url: string;
  /** Set when this start created the first organization (its token is shown once). */
  firstRun?: InitResult;
  close(): Promise<void>;
}

export const FIRST_ORG_NAME = 'Confab';
export const FIRST_ADMIN_EMAIL = 'admin@confab.local';

export async function startServer(config: Config, logger: Logger = pino({ level: config.logLevel })): Promise<RunningServer> {
  const store = await openStore(config.databaseUrl, {
    poolSize: config.databasePoolSize,
    onIdleError: (error) => logger.warn({ err: error }, 'a pooled database connection broke; it will be replaced'),
  });
  let redis: Redis | undefined;
  try {
    if (config.redisUrl) redis = await connectRedis(config.redisUrl, logger);
    await store.migrate();
    // Several processes may start at once on one empty PostgreSQL: only one creates the org.
    const firstRun = await store.exclusively('first-run', async (locked) =>
      (await locked.orgs.list()).length === 0 ? initOrg(locked, FIRST_ORG_NAME, FIRST_ADMIN_EMAIL) : undefined,
    );
    const app = await buildApp({ store, logger });
    await app.listen({ port: config.port, host: config.host });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const host = config.host.includes(':') ? `[${config.host}]` : config.host;
    return {
      app,
      store,
      ...(redis && { redis }),
      url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`,
      firstRun,
      async close() {
        await app.close();
        await store.close();
        await redis?.quit();
      },
    };
  } catch (error) {
    await store.close();
    redis?.disconnect();
    throw error;
  }
}
