/** Opening the store, building the app and listening: shared by `confab serve` and tests. */
import type { FastifyInstance } from 'fastify';
import { pino, type Logger } from 'pino';
import type { Config } from './config.js';
import { initOrg, type InitResult } from './domain/orgs.js';
import { buildApp } from './http/app.js';
import { startRealtime, type Realtime } from './realtime/index.js';
import type { RootStore } from './store/index.js';
import { openStore } from './store/open.js';

export interface RunningServer {
  app: FastifyInstance;
  store: RootStore;
  url: string;
  /** Set when this start created the first organization (its token is shown once). */
  firstRun?: InitResult;
  close(): Promise<void>;
}

export const FIRST_ORG_NAME = 'Confab';
export const FIRST_ADMIN_EMAIL = 'admin@confab.local';

export async function startServer(config: Config, logger: Logger = pino({ level: config.logLevel })): Promise<RunningServer> {
  const store = await openStore(config.databaseUrl);
  let realtime: Realtime | undefined;
  try {
    await store.migrate();
    const firstRun = (await store.orgs.list()).length === 0 ? await initOrg(store, FIRST_ORG_NAME, FIRST_ADMIN_EMAIL) : undefined;
    realtime = await startRealtime(store, config.realtime, logger);
    const app = await buildApp({ store, logger, realtime });
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
        // Streams first: an open event stream would keep app.close() waiting forever.
        await realtime!.stop();
        await app.close();
        await store.close();
      },
    };
  } catch (error) {
    await realtime?.stop();
    await store.close();
    throw error;
  }
}
