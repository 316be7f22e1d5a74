/** One typed configuration: flags override environment variables, which override defaults. */
export interface Config {
  port: number;
  host: string;
  databaseUrl: string;
  /** PostgreSQL connections per process. */
  databasePoolSize?: number;
  /** Shared counters and fan-out across processes; none means in-process only. */
  redisUrl?: string;
  logLevel: string;
  /** Requests a minute per token (or IP) for reads and writes; 0 = off. Unset = off (tests). */
  rateLimitRead?: number;
  rateLimitWrite?: number;
  /** Switchable faults for testing clients (X-Confab-Fault, /confab.faults.*). */
  faults?: boolean;
  /** How long shutdown waits for in-flight requests before closing anyway. */
  shutdownTimeoutMs?: number;
  /** The request journal (/confab.requests.*); always on in emulator mode. */
  journal?: boolean;
  /** Bounds of the journal's ring buffer (JOURNAL_MAX_ENTRIES, JOURNAL_MAX_BYTES). */
  journalMaxEntries?: number;
  journalMaxBytes?: number;
  /** Event stream and webhook settings; unset ones take their defaults. */
  realtime?: Partial<RealtimeConfig>;
}

export const DEFAULT_RATE_LIMIT_READ = 1200;
export const DEFAULT_RATE_LIMIT_WRITE = 300;
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 10_000;

export interface RealtimeConfig {
  /** Delay before each webhook attempt: DevRev's default is at once, after 30 s, after 3 min. */
  webhookRetryDelaysMs: number[];
  /** Lets webhooks reach loopback and private addresses (tests and local use only). */
  webhookAllowPrivate: boolean;
  webhookTimeoutMs: number;
  streamHeartbeatMs: number;
  /** A stream whose unsent bytes pass this is disconnected: it reconnects with Last-Event-ID. */
  streamMaxBufferBytes: number;
  /** How often the outbox is read for other processes' writes (local ones wake it at once). */
  eventPollMs: number;
  eventRetentionMs: number;
}

export const REALTIME_DEFAULTS: RealtimeConfig = {
  webhookRetryDelaysMs: [0, 30_000, 180_000],
  webhookAllowPrivate: false,
  webhookTimeoutMs: 3_000,
  streamHeartbeatMs: 15_000,
  streamMaxBufferBytes: 1024 * 1024,
  eventPollMs: 500,
  eventRetentionMs: 7 * 24 * 3600_000,
};

export const DEFAULT_JOURNAL_MAX_ENTRIES = 10_000;
export const DEFAULT_JOURNAL_MAX_BYTES = 64 * 1024 * 1024;

export const DEFAULT_DATABASE_URL = 'sqlite:./.confab/confab.db';

export interface ConfigFlags {
  port?: string | number;
  host?: string;
  databaseUrl?: string;
  faults?: boolean;
  journal?: boolean;
}

export class ConfigError extends Error {}

export function loadConfig(flags: ConfigFlags = {}, env: NodeJS.ProcessEnv = process.env): Config {
  const port = Number(flags.port ?? env.PORT ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(`invalid port '${flags.port ?? env.PORT}': use a number from 0 to 65535 (--port or PORT)`);
  }
  const poolSize = Number(env.DATABASE_POOL_SIZE ?? 10);
  if (!Number.isInteger(poolSize) || poolSize < 1 || poolSize > 1000) {
    throw new ConfigError(`invalid DATABASE_POOL_SIZE '${env.DATABASE_POOL_SIZE}': use a number from 1 to 1000`);
  }
  return {
    port,
    host: flags.host ?? env.HOST ?? '127.0.0.1',
    databaseUrl: flags.databaseUrl ?? env.DATABASE_URL ?? DEFAULT_DATABASE_URL,
    databasePoolSize: poolSize,
    ...(env.REDIS_URL && { redisUrl: env.REDIS_URL }),
    logLevel: env.LOG_LEVEL ?? 'info',
    rateLimitRead: nonNegativeInteger('RATE_LIMIT_READ', env.RATE_LIMIT_READ, DEFAULT_RATE_LIMIT_READ),
    rateLimitWrite: nonNegativeInteger('RATE_LIMIT_WRITE', env.RATE_LIMIT_WRITE, DEFAULT_RATE_LIMIT_WRITE),
    faults: flags.faults === true || env.CONFAB_FAULTS === '1' || env.CONFAB_FAULTS === 'true',
    shutdownTimeoutMs: nonNegativeInteger('SHUTDOWN_TIMEOUT_MS', env.SHUTDOWN_TIMEOUT_MS, DEFAULT_SHUTDOWN_TIMEOUT_MS),
    realtime: loadRealtimeConfig(env),
    journal: flags.journal === true || env.CONFAB_JOURNAL === '1' || env.CONFAB_JOURNAL === 'true',
    journalMaxEntries: positiveInteger('JOURNAL_MAX_ENTRIES', env.JOURNAL_MAX_ENTRIES, DEFAULT_JOURNAL_MAX_ENTRIES),
    journalMaxBytes: positiveInteger('JOURNAL_MAX_BYTES', env.JOURNAL_MAX_BYTES, DEFAULT_JOURNAL_MAX_BYTES),
  };
}

function nonNegativeInteger(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0) throw new ConfigError(`invalid ${name} '${value}': use a whole number, 0 or more`);
  return number;
}

function positiveInteger(name: string, value: string | undefined, fallback: number): number {
  const number = nonNegativeInteger(name, value, fallback);
  if (number === 0) throw new ConfigError(`invalid ${name} '${value}': use a whole number, 1 or more`);
  return number;
}

function loadRealtimeConfig(env: NodeJS.ProcessEnv): Partial<RealtimeConfig> {
  const realtime: Partial<RealtimeConfig> = {};
  if (env.WEBHOOK_RETRY_DELAYS_MS !== undefined) {
    const delays = env.WEBHOOK_RETRY_DELAYS_MS.split(',').map((part) => Number(part.trim()));
    if (delays.length === 0 || delays.some((delay) => !Number.isInteger(delay) || delay < 0)) {
      throw new ConfigError(`invalid WEBHOOK_RETRY_DELAYS_MS '${env.WEBHOOK_RETRY_DELAYS_MS}': use milliseconds like 0,30000,180000`);
    }
    realtime.webhookRetryDelaysMs = delays;
  }
  if (env.WEBHOOK_ALLOW_PRIVATE !== undefined) realtime.webhookAllowPrivate = env.WEBHOOK_ALLOW_PRIVATE === '1';
  const numbers: [keyof RealtimeConfig, string][] = [
    ['streamHeartbeatMs', 'STREAM_HEARTBEAT_MS'],
    ['eventPollMs', 'EVENT_POLL_MS'],
    ['eventRetentionMs', 'EVENT_RETENTION_MS'],
  ];
  for (const [key, name] of numbers) {
    const text = env[name];
    if (text === undefined) continue;
    const value = Number(text);
    if (!Number.isInteger(value) || value <= 0) throw new ConfigError(`invalid ${name} '${text}': use a positive number of milliseconds`);
    (realtime as Record<string, number>)[key] = value;
  }
  return realtime;
}
