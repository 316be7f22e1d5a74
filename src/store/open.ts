import { resolve } from 'node:path';
import type { RootStore } from './index.js';
import { openSqlite } from './sqlite.js';

export class UnsupportedDatabaseUrl extends Error {}

export interface OpenOptions {
  /** PostgreSQL connections per process; SQLite has one. */
  poolSize?: number;
  /** Told about pooled PostgreSQL connections that broke while idle. */
  onIdleError?: (error: Error) => void;
  /** SQLite: how long a write waits for another connection's lock. */
  busyTimeoutMs?: number;
  /** SQLite: the page cache, in KiB (default 32 MB, for a server's random reads). */
  sqliteCacheKib?: number;
  /** SQLite: how often a background worker checkpoints the WAL (sqlite-checkpoint.ts). */
  sqliteCheckpointIntervalMs?: number;
  /** PostgreSQL: how long one statement may run, and a connection may take to open. */
  statementTimeoutMs?: number;
}

export const DEFAULT_POOL_SIZE = 10;

/** Opens the store a DATABASE_URL names: `sqlite:<path>`, `sqlite::memory:`, `postgres://…`. */
export async function openStore(url: string, options: OpenOptions = {}): Promise<RootStore> {
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length);
    return openSqlite(path === ':memory:' ? path : resolve(path), options.busyTimeoutMs, options.sqliteCacheKib, options.sqliteCheckpointIntervalMs);
  }
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    // Loaded only for PostgreSQL: an SQLite process never needs the driver.
    const { openPostgres } = await import('./postgres.js');
    return openPostgres(url, {
      poolSize: options.poolSize ?? DEFAULT_POOL_SIZE,
      onIdleError: options.onIdleError,
      statementTimeoutMs: options.statementTimeoutMs,
    });
  }
  throw new UnsupportedDatabaseUrl(
    `unsupported DATABASE_URL '${redactUrl(url)}': use sqlite:<path>, sqlite::memory: or postgres://user@host/database`,
  );
}

/** A URL fit for logs and error messages: no password. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}
