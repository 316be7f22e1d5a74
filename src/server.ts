/** Opening the store, building the app and listening: shared by `confab serve` and tests. */
import type { FastifyInstance } from 'fastify';
import { pino, type Logger } from 'pino';
import { DEFAULT_SHUTDOWN_TIMEOUT_MS, type Config } from './config.js';
import { initOrg, type InitResult } from './domain/orgs.js';
import { buildApp, type AppOptions } from './http/app.js';
import { closeGracefully } from './http/shutdown.js';
import type { RootStore } from './store/index.js';
import { openStore } from './store/open.js';

/** Knobs that are not configuration, for tests: thresholds and key namespaces. */
export interface ServerTuning {
  overload?: AppOptions['overload'];
  redisPrefix?: string;
}

export interface RunningServer {
  app: FastifyInstance;
  store: RootStore;
  url: string;
  /** Set when this start created the first organization (its token is shown once). */
  firstRun?: InitResult;
  /** Drains (see http/shutdown.ts), then closes the database; false if the deadline cut requests off. */
  close(): Promise<boolean>;
}

export const FIRST_ORG_NAME = 'Confab';
export const FIRST_ADMIN_EMAIL = 'admin@confab.local';

export async function startServer(
  config: Config,
  logger: Logger = pino({ level: config.logLevel }),
  tuning: ServerTuning = {},
): Promise<RunningServer> {
  const store = await openStore(config.databaseUrl);
  try {
    await store.migrate();
    const firstRun = (await store.orgs.list()).length === 0 ? await initOrg(store, FIRST_ORG_NAME, FIRST_ADMIN_EMAIL) : undefined;
    const app = await buildApp({
      store,
      logger,
      overload: tuning.overload,
      faults: config.faults,
      rateLimit:
        config.rateLimitRead !== undefined || config.rateLimitWrite !== undefined
          ? { read: config.rateLimitRead ?? 0, write: config.rateLimitWrite ?? 0, redisUrl: config.redisUrl, redisPrefix: tuning.redisPrefix }
          : undefined,
    });
    await app.listen({ port: config.port, host: config.host });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const host = config.host.includes(':') ? `[${config.host}]` : config.host;
    return {
      app,
      store,
      url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`,
      firstRun,
      async close() {
        const finished = await closeGracefully(app, config.shutdownTimeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS);
        await store.close();
        return finished;
      },
    };
  } catch (error) {
    await store.close();
    throw error;
  }
}
