/** Opening the store, building the app and listening: shared by `confab serve` and tests. */
import type { FastifyInstance } from 'fastify';
import { pino, type Logger } from 'pino';
import { ARTIFACT_DEFAULTS, DEFAULT_JOURNAL_MAX_BYTES, DEFAULT_JOURNAL_MAX_ENTRIES, DEFAULT_SHUTDOWN_TIMEOUT_MS, type Config } from './config.js';
import { initOrg, type InitResult } from './domain/orgs.js';
import {
  loadFixtures,
  requireMemoryDatabase,
  startEmulator,
  type Emulator,
  type Fixtures,
  type Progress,
} from './emulator/index.js';
import { Journal } from './emulator/journal.js';
import { buildApp, type AppOptions } from './http/app.js';
import { closeGracefully } from './http/shutdown.js';
import { startRealtime, type Realtime } from './realtime/index.js';
import { startArtifactSweep } from './realtime/artifact-sweep.js';
import { connectRedis, type Redis } from './redis.js';
import type { RootStore } from './store/index.js';
import { openStore } from './store/open.js';

/** How to start beyond configuration: emulator fixtures, and knobs for tests. */
export interface ServerTuning {
  /** Emulator mode: load these into the (in-memory) database instead of a first organization. */
  fixtures?: Fixtures;
  onFixtureProgress?: Progress;
  /** With fixtures, also create the first organization and its admin (`startConfab`'s admin). */
  adminOrg?: boolean;
  /** Overload thresholds and Redis key namespaces, for tests. */
  overload?: AppOptions['overload'];
  redisPrefix?: string;
}

export type StartOptions = ServerTuning;

export interface RunningServer {
  app: FastifyInstance;
  store: RootStore;
  /** Set when REDIS_URL is: shared counters and fan-out across processes. */
  redis?: Redis;
  url: string;
  /** Set when this start created the first organization (its token is shown once). */
  firstRun?: InitResult;
  /** Set in emulator mode (an in-memory database, with or without fixtures). */
  emulator?: Emulator;
  /** Set in emulator mode (an in-memory database) and with `serve --journal`. */
  journal?: Journal;
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
  if (tuning.fixtures) requireMemoryDatabase(config.databaseUrl);
  const store = await openStore(config.databaseUrl, {
    poolSize: config.databasePoolSize,
    busyTimeoutMs: config.databaseBusyTimeoutMs,
    statementTimeoutMs: config.databaseStatementTimeoutMs,
    onIdleError: (error) => logger.warn({ err: error }, 'a pooled database connection broke; it will be replaced'),
  });
  let redis: Redis | undefined;
  let realtime: Realtime | undefined;
  const artifacts = { ...ARTIFACT_DEFAULTS, ...config.artifacts };
  let stopArtifactSweep: (() => void) | undefined;
  try {
    if (config.redisUrl) redis = await connectRedis(config.redisUrl, logger);
    await store.migrate();
    const loaded = tuning.fixtures ? await loadFixtures(store, tuning.fixtures, tuning.onFixtureProgress) : undefined;
    // Several processes may start at once on one empty PostgreSQL: only one creates the org.
    const firstRun = loaded
      ? tuning.adminOrg
        ? await initOrg(store, FIRST_ORG_NAME, FIRST_ADMIN_EMAIL)
        : undefined
      : await store.exclusively('first-run', async (locked) =>
          (await locked.orgs.list()).length === 0 ? initOrg(locked, FIRST_ORG_NAME, FIRST_ADMIN_EMAIL) : undefined,
        );
    // Emulator mode is an in-memory database: its reset and snapshots restore whole images.
    const emulator = store.hasImage ? await startEmulator(store, loaded ?? []) : undefined;
    realtime = await startRealtime(store, config.realtime, logger, { databaseUrl: config.databaseUrl, redisUrl: config.redisUrl });
    stopArtifactSweep = startArtifactSweep(store, artifacts.unattachedRetentionMs, logger);
    const journal =
      config.journal || emulator
        ? new Journal({
            maxEntries: config.journalMaxEntries ?? DEFAULT_JOURNAL_MAX_ENTRIES,
            maxBytes: config.journalMaxBytes ?? DEFAULT_JOURNAL_MAX_BYTES,
          })
        : undefined;
    if (emulator) {
      const started = realtime;
      emulator.onRestore(() => started.restored());
      if (journal) emulator.onReset(() => void journal.clear());
    }
    const app = await buildApp({
      store,
      logger,
      emulator,
      journal,
      realtime,
      readiness: () => store.pendingMigrations(),
      overload: tuning.overload,
      profileWithout: config.profileWithout,
      faults: config.faults,
      artifactQuotaBytesPerUser: artifacts.quotaBytesPerUser,
      artifactMaxBytes: artifacts.maxBytes,
      sessionTokenLifetimeSeconds: config.sessionTokenLifetimeSeconds,
      bodyDiscardLimitBytes: config.bodyDiscardLimitBytes,
      trustProxy: config.trustProxy,
      connections: {
        requestTimeoutMs: config.requestTimeoutMs,
        headersTimeoutMs: config.headersTimeoutMs,
        maxConnections: config.maxConnections,
        maxConnectionsPerIp: config.maxConnectionsPerIp,
      },
      rateLimit:
        config.rateLimitRead !== undefined || config.rateLimitWrite !== undefined || config.rateLimitSearch !== undefined
          ? {
              read: config.rateLimitRead ?? 0,
              write: config.rateLimitWrite ?? 0,
              search: config.rateLimitSearch ?? 0,
              redisUrl: config.redisUrl,
              redisPrefix: tuning.redisPrefix,
            }
          : undefined,
    });
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
      emulator,
      journal,
      async close() {
        // Streams first: an open event stream would keep the drain waiting until its deadline.
        await realtime!.stop();
        stopArtifactSweep!();
        const finished = await closeGracefully(app, config.shutdownTimeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS);
        await emulator?.close();
        await store.close();
        await redis?.quit();
        return finished;
      },
    };
  } catch (error) {
    stopArtifactSweep?.();
    await realtime?.stop();
    await store.close();
    redis?.disconnect();
    throw error;
  }
}
