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
}

export const DEFAULT_RATE_LIMIT_READ = 1200;
export const DEFAULT_RATE_LIMIT_WRITE = 300;
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 10_000;

export const DEFAULT_DATABASE_URL = 'sqlite:./.confab/confab.db';

export interface ConfigFlags {
  port?: string | number;
  host?: string;
  databaseUrl?: string;
  faults?: boolean;
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
  };
}

function nonNegativeInteger(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0) throw new ConfigError(`invalid ${name} '${value}': use a whole number, 0 or more`);
  return number;
}
