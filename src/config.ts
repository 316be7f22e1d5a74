/** One typed configuration: flags override environment variables, which override defaults. */
export interface Config {
  port: number;
  host: string;
  databaseUrl: string;
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
  return {
    port,
    host: flags.host ?? env.HOST ?? '127.0.0.1',
    databaseUrl: flags.databaseUrl ?? env.DATABASE_URL ?? DEFAULT_DATABASE_URL,
    logLevel: env.LOG_LEVEL ?? 'info',
  };
}
