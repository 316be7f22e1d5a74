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
}

export const DEFAULT_DATABASE_URL = 'sqlite:./.confab/confab.db';

export interface ConfigFlags {
  port?: string | number;
  host?: string;
  databaseUrl?: string;
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
  };
}
