/** One typed configuration: flags override environment variables, which override defaults. */
export interface Config {
  port: number;
  host: string;
  databaseUrl: string;
  logLevel: string;
  /** Event stream and webhook settings; unset ones take their defaults. */
  realtime?: Partial<RealtimeConfig>;
}

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
    realtime: loadRealtimeConfig(env),
  };
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
