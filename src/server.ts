/** Opening the store, building the app and listening: shared by `confab serve` and tests. */
import type { FastifyInstance } from 'fastify';
import { pino, type Logger } from 'pino';
import type { Config } from './config.js';
import { initOrg, type InitResult } from './domain/orgs.js';
import { requireMemoryDatabase, startEmulator, type Emulator, type Fixtures, type Progress } from './emulator/index.js';
import { buildApp } from './http/app.js';
import type { RootStore } from './store/index.js';
import { openStore } from './store/open.js';

export interface RunningServer {
  app: FastifyInstance;
  store: RootStore;
  url: string;
  /** Set when this start created the first organization (its token is shown once). */
  firstRun?: InitResult;
  /** Set in emulator mode (started with fixtures). */
  emulator?: Emulator;
  close(): Promise<void>;
}

export const FIRST_ORG_NAME = 'Confab';
export const FIRST_ADMIN_EMAIL = 'admin@confab.local';

export interface StartOptions {
  /** Emulator mode: load these into the (in-memory) database instead of a first organization. */
  fixtures?: Fixtures;
  onFixtureProgress?: Progress;
}

export async function startServer(
  config: Config,
  logger: Logger = pino({ level: config.logLevel }),
  options: StartOptions = {},
): Promise<RunningServer> {
  if (options.fixtures) requireMemoryDatabase(config.databaseUrl);
  const store = await openStore(config.databaseUrl);
  try {
    await store.migrate();
    const emulator = options.fixtures ? await startEmulator(store, options.fixtures, options.onFixtureProgress) : undefined;
    const firstRun =
      !emulator && (await store.orgs.list()).length === 0 ? await initOrg(store, FIRST_ORG_NAME, FIRST_ADMIN_EMAIL) : undefined;
    const app = await buildApp({ store, logger, emulator, readiness: () => store.pendingMigrations() });
    await app.listen({ port: config.port, host: config.host });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const host = config.host.includes(':') ? `[${config.host}]` : config.host;
    return {
      app,
      store,
      url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`,
      firstRun,
      emulator,
      async close() {
        await app.close();
        await store.close();
      },
    };
  } catch (error) {
    await store.close();
    throw error;
  }
}
