/** One typed configuration: flags override environment variables, which override defaults. */
import { isIP } from 'node:net';

export interface Config {
  port: number;
  host: string;
  databaseUrl: string;
  /** PostgreSQL connections per process. */
  databasePoolSize?: number;
  /** SQLite: how long a write waits for another process's lock before a 503 (DATABASE_BUSY_TIMEOUT_MS). */
  databaseBusyTimeoutMs?: number;
  /** PostgreSQL: the longest a statement may run, or a connection take to open, before a 503. */
  databaseStatementTimeoutMs?: number;
  /** Shared counters and fan-out across processes; none means in-process only. */
  redisUrl?: string;
  logLevel: string;
  /**
   * For measuring only (`npm run bench`'s pipeline breakdown): request hooks left out, so
   * that each one's cost shows as the difference (PROFILE_WITHOUT=metrics,request-log,…).
   */
  profileWithout?: ReadonlySet<PipelineHook>;
  /** Requests a minute per token (or IP) for reads and writes; 0 = off. Unset = off (tests). */
  rateLimitRead?: number;
  rateLimitWrite?: number;
  /** Requests a minute per user (or IP) for timeline-entries.search and search.core together; 0 = off. */
  rateLimitSearch?: number;
  /** Switchable faults for testing clients (X-Confab-Fault, /confab.faults.*). */
  faults?: boolean;
  /** How long shutdown waits for in-flight requests before closing anyway. */
  shutdownTimeoutMs?: number;
  /** The request journal (/confab.requests.*); always on in emulator mode. */
  journal?: boolean;
  /** Bounds of the journal's ring buffer (JOURNAL_MAX_ENTRIES, JOURNAL_MAX_BYTES). */
  journalMaxEntries?: number;
  journalMaxBytes?: number;
  /** A request must arrive whole within this; a connection silent this long is closed. Event streams are exempt. */
  requestTimeoutMs?: number;
  /** Open connections per process, event streams included; 0 = no cap. */
  maxConnections?: number;
  /**
   * Open connections per client address (MAX_CONNECTIONS_PER_IP), so that one address
   * cannot take every connection; behind a trusted proxy, requests in flight per forwarded
   * client address instead (see http/connection-caps.ts). 0 = no cap; unset = a quarter of
   * `maxConnections`.
   */
  maxConnectionsPerIp?: number;
  /** Request headers must arrive whole within this (HEADERS_TIMEOUT_MS); 0 = Node's default. */
  headersTimeoutMs?: number;
  /** Event stream and webhook settings; unset ones take their defaults. */
  realtime?: Partial<RealtimeConfig>;
  /**
   * Whose X-Forwarded-For to believe for the client's address (TRUST_PROXY): `true` for any
   * peer, a hop count (`1`: the address the one proxy in front appended), or the proxies'
   * addresses and CIDRs (`127.0.0.1,10.0.0.0/8`). Off by default: a client could
   * otherwise name any address and escape its per-IP limits.
   */
  trustProxy?: TrustProxy;
  /** How much of an oversized request body is read and discarded before the 400 (BODY_DISCARD_LIMIT_BYTES). */
  bodyDiscardLimitBytes?: number;
  /** Upload quota and the sweep of artifacts attached to nothing; unset ones take their defaults. */
  artifacts?: Partial<ArtifactConfig>;
  /**
   * Where the first start writes the new admin's token when stdout is not a terminal
   * (ADMIN_TOKEN_FILE): a log would keep it for whoever reads logs. `confab serve` only.
   */
  adminTokenFile?: string;
  /**
   * How long a customer's session token (Plug's sign-in, `auth-tokens.create` with
   * `rev_info`) lives, and the longest one may ask for (SESSION_TOKEN_LIFETIME_SECONDS).
   */
  sessionTokenLifetimeSeconds?: number;
}

/** As Fastify's `trustProxy` takes it: all peers, a number of hops, or the proxies' addresses. */
export type TrustProxy = boolean | number | string[];

export const DEFAULT_RATE_LIMIT_READ = 1200;
export const DEFAULT_RATE_LIMIT_WRITE = 300;
/** A tenth of the reads: a search ranks up to 1,000 matches where a read fetches one page by key. */
export const DEFAULT_RATE_LIMIT_SEARCH = 120;
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 10_000;
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
export const DEFAULT_MAX_CONNECTIONS = 10_000;
/** Short: a client sends its headers at once; waiting longer only helps a slowloris. */
export const DEFAULT_HEADERS_TIMEOUT_MS = 10_000;

/**
 * A quarter of the total: one address (a NAT, an office) may hold many, but three others
 * like it still find room. 0 (no total cap) means no per-address default either.
 */
export function defaultMaxConnectionsPerIp(maxConnections: number): number {
  return maxConnections > 0 ? Math.max(1, Math.floor(maxConnections / 4)) : 0;
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
  /** Concurrent event streams one token may hold open (per process); 0 = no cap. */
  maxStreamsPerToken: number;
  /** Concurrent event streams one user may hold open over all their tokens (per process); 0 = no cap. */
  maxStreamsPerUser: number;
  /**
   * How long after a user's last event stream closes (or their process stops vouching for
   * them) they turn `offline`; a reconnect within it does not flap (PRESENCE_OFFLINE_AFTER_MS).
   */
  presenceOfflineAfterMs: number;
}

export const REALTIME_DEFAULTS: RealtimeConfig = {
  webhookRetryDelaysMs: [0, 30_000, 180_000],
  webhookAllowPrivate: false,
  webhookTimeoutMs: 3_000,
  streamHeartbeatMs: 15_000,
  streamMaxBufferBytes: 1024 * 1024,
  eventPollMs: 500,
  eventRetentionMs: 7 * 24 * 3600_000,
  maxStreamsPerToken: 10,
  maxStreamsPerUser: 20,
  presenceOfflineAfterMs: 30_000,
};

export const DEFAULT_JOURNAL_MAX_ENTRIES = 10_000;
export const DEFAULT_JOURNAL_MAX_BYTES = 64 * 1024 * 1024;
export const DEFAULT_BUSY_TIMEOUT_MS = 5_000;
export const DEFAULT_STATEMENT_TIMEOUT_MS = 5_000;

/** DevRev's session tokens live minutes; an hour here (domain/customer-sessions.ts). */
export const DEFAULT_SESSION_LIFETIME_SECONDS = 3600;

export const DEFAULT_DATABASE_URL = 'sqlite:./.confab/confab.db';
export const DEFAULT_ADMIN_TOKEN_FILE = './.confab/admin-token';

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
  const maxConnections = nonNegativeInteger('MAX_CONNECTIONS', env.MAX_CONNECTIONS, DEFAULT_MAX_CONNECTIONS);
  return {
    port,
    host: flags.host ?? env.HOST ?? '127.0.0.1',
    databaseUrl: flags.databaseUrl ?? env.DATABASE_URL ?? DEFAULT_DATABASE_URL,
    databasePoolSize: poolSize,
    databaseBusyTimeoutMs: positiveMilliseconds('DATABASE_BUSY_TIMEOUT_MS', env.DATABASE_BUSY_TIMEOUT_MS, DEFAULT_BUSY_TIMEOUT_MS),
    databaseStatementTimeoutMs: positiveMilliseconds('DATABASE_STATEMENT_TIMEOUT_MS', env.DATABASE_STATEMENT_TIMEOUT_MS, DEFAULT_STATEMENT_TIMEOUT_MS),
    ...(env.REDIS_URL && { redisUrl: env.REDIS_URL }),
    logLevel: env.LOG_LEVEL ?? 'info',
    ...(env.PROFILE_WITHOUT && { profileWithout: parsePipelineHooks(env.PROFILE_WITHOUT) }),
    rateLimitRead: nonNegativeInteger('RATE_LIMIT_READ', env.RATE_LIMIT_READ, DEFAULT_RATE_LIMIT_READ),
    rateLimitWrite: nonNegativeInteger('RATE_LIMIT_WRITE', env.RATE_LIMIT_WRITE, DEFAULT_RATE_LIMIT_WRITE),
    rateLimitSearch: nonNegativeInteger('RATE_LIMIT_SEARCH', env.RATE_LIMIT_SEARCH, DEFAULT_RATE_LIMIT_SEARCH),
    faults: flags.faults === true || env.CONFAB_FAULTS === '1' || env.CONFAB_FAULTS === 'true',
    shutdownTimeoutMs: nonNegativeInteger('SHUTDOWN_TIMEOUT_MS', env.SHUTDOWN_TIMEOUT_MS, DEFAULT_SHUTDOWN_TIMEOUT_MS),
    requestTimeoutMs: nonNegativeInteger('REQUEST_TIMEOUT_MS', env.REQUEST_TIMEOUT_MS, DEFAULT_REQUEST_TIMEOUT_MS),
    maxConnections,
    maxConnectionsPerIp: nonNegativeInteger('MAX_CONNECTIONS_PER_IP', env.MAX_CONNECTIONS_PER_IP, defaultMaxConnectionsPerIp(maxConnections)),
    headersTimeoutMs: nonNegativeInteger('HEADERS_TIMEOUT_MS', env.HEADERS_TIMEOUT_MS, DEFAULT_HEADERS_TIMEOUT_MS),
    realtime: loadRealtimeConfig(env),
    journal: flags.journal === true || env.CONFAB_JOURNAL === '1' || env.CONFAB_JOURNAL === 'true',
    journalMaxEntries: positiveInteger('JOURNAL_MAX_ENTRIES', env.JOURNAL_MAX_ENTRIES, DEFAULT_JOURNAL_MAX_ENTRIES),
    journalMaxBytes: positiveInteger('JOURNAL_MAX_BYTES', env.JOURNAL_MAX_BYTES, DEFAULT_JOURNAL_MAX_BYTES),
    ...(env.TRUST_PROXY !== undefined && { trustProxy: parseTrustProxy(env.TRUST_PROXY) }),
    artifacts: loadArtifactConfig(env),
    ...(env.BODY_DISCARD_LIMIT_BYTES !== undefined && {
      bodyDiscardLimitBytes: nonNegativeInteger('BODY_DISCARD_LIMIT_BYTES', env.BODY_DISCARD_LIMIT_BYTES, 0),
    }),
    adminTokenFile: env.ADMIN_TOKEN_FILE || DEFAULT_ADMIN_TOKEN_FILE,
    sessionTokenLifetimeSeconds: positiveInteger('SESSION_TOKEN_LIFETIME_SECONDS', env.SESSION_TOKEN_LIFETIME_SECONDS, DEFAULT_SESSION_LIFETIME_SECONDS),
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

function positiveMilliseconds(name: string, value: string | undefined, fallback: number): number {
  const number = nonNegativeInteger(name, value, fallback);
  if (number === 0) throw new ConfigError(`invalid ${name} '${value}': use a whole number of milliseconds, 1 or more`);
  return number;
}

/**
 * A bare whole number is a hop count, as Express and Fastify read it: `1` believes the one
 * proxy in front (the last X-Forwarded-For entry is the client). Before hop counts were
 * read, `1` parsed as an address that matched no peer, and per-IP limits silently put
 * every client behind the proxy in one bucket.
 */
export function parseTrustProxy(text: string): TrustProxy {
  const value = text.trim();
  if (value === '' || value === 'false' || value === '0') return false;
  if (value === 'true') return true;
  if (/^\d{1,3}$/.test(value)) return Number(value) || false;
  const addresses = value.split(',').map((part) => part.trim());
  if (!addresses.every(isAddressOrCidr)) {
    throw new ConfigError(
      `invalid TRUST_PROXY '${text}': use true, a hop count like 1 (the proxies in front), or the proxies' addresses and CIDRs like 127.0.0.1,10.0.0.0/8`,
    );
  }
  return addresses;
}

function isAddressOrCidr(text: string): boolean {
  const [address = '', prefix, ...rest] = text.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  return prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128));
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
  if (env.MAX_STREAMS_PER_TOKEN !== undefined) {
    realtime.maxStreamsPerToken = nonNegativeInteger('MAX_STREAMS_PER_TOKEN', env.MAX_STREAMS_PER_TOKEN, REALTIME_DEFAULTS.maxStreamsPerToken);
  }
  if (env.MAX_STREAMS_PER_USER !== undefined) {
    realtime.maxStreamsPerUser = nonNegativeInteger('MAX_STREAMS_PER_USER', env.MAX_STREAMS_PER_USER, REALTIME_DEFAULTS.maxStreamsPerUser);
  }
  const numbers: [keyof RealtimeConfig, string][] = [
    ['streamHeartbeatMs', 'STREAM_HEARTBEAT_MS'],
    ['eventPollMs', 'EVENT_POLL_MS'],
    ['eventRetentionMs', 'EVENT_RETENTION_MS'],
    ['presenceOfflineAfterMs', 'PRESENCE_OFFLINE_AFTER_MS'],
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

export interface ArtifactConfig {
  /** The largest file one upload may carry (ARTIFACT_MAX_BYTES); display pictures keep their own 5 MiB. */
  maxBytes: number;
  /** Bytes of uploads one user may hold, attached or not; 0 = no quota (ARTIFACT_QUOTA_BYTES_PER_USER). */
  quotaBytesPerUser: number;
  /**
   * How long an uploaded artifact attached to nothing (never attached, or a display picture
   * since replaced or cleared) is kept before the sweep removes it (ARTIFACT_UNATTACHED_RETENTION_MS).
   */
  unattachedRetentionMs: number;
}

export const ARTIFACT_DEFAULTS: ArtifactConfig = {
  maxBytes: 25 * 1024 * 1024,
  quotaBytesPerUser: 1024 * 1024 * 1024,
  unattachedRetentionMs: 24 * 3600_000,
};

/** A file size limit: at least one byte, and at most what an export line holds base64-encoded. */
function positiveBytes(name: string, text: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value <= 0 || value > MAX_ARTIFACT_MAX_BYTES) {
    throw new ConfigError(`invalid ${name} '${text}': use a whole number of bytes from 1 to ${MAX_ARTIFACT_MAX_BYTES}`);
  }
  return value;
}

/**
 * 100 MiB: a file is held in memory while it is uploaded, served and exported (one JSONL
 * line, base64-encoded: portability/format.ts MAX_LINE_BYTES is sized from this).
 */
export const MAX_ARTIFACT_MAX_BYTES = 100 * 1024 * 1024;

function loadArtifactConfig(env: NodeJS.ProcessEnv): Partial<ArtifactConfig> {
  return {
    ...(env.ARTIFACT_MAX_BYTES !== undefined && { maxBytes: positiveBytes('ARTIFACT_MAX_BYTES', env.ARTIFACT_MAX_BYTES) }),
    ...(env.ARTIFACT_QUOTA_BYTES_PER_USER !== undefined && {
      quotaBytesPerUser: nonNegativeInteger('ARTIFACT_QUOTA_BYTES_PER_USER', env.ARTIFACT_QUOTA_BYTES_PER_USER, ARTIFACT_DEFAULTS.quotaBytesPerUser),
    }),
    ...(env.ARTIFACT_UNATTACHED_RETENTION_MS !== undefined && {
      unattachedRetentionMs: positiveMilliseconds(
        'ARTIFACT_UNATTACHED_RETENTION_MS',
        env.ARTIFACT_UNATTACHED_RETENTION_MS,
        ARTIFACT_DEFAULTS.unattachedRetentionMs,
      ),
    }),
  };
}

/** The request hooks `PROFILE_WITHOUT` may leave out. */
export const PIPELINE_HOOKS = ['metrics', 'request-log', 'request-id', 'rate-limit', 'overload'] as const;
export type PipelineHook = (typeof PIPELINE_HOOKS)[number];

function parsePipelineHooks(value: string): ReadonlySet<PipelineHook> {
  const hooks = value.split(',').map((hook) => hook.trim());
  const unknown = hooks.filter((hook) => !(PIPELINE_HOOKS as readonly string[]).includes(hook));
  if (unknown.length > 0) throw new ConfigError(`invalid PROFILE_WITHOUT '${value}': name hooks among ${PIPELINE_HOOKS.join(', ')}, separated by commas`);
  return new Set(hooks as PipelineHook[]);
}
