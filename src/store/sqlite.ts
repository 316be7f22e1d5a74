import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { AuthClock } from './auth-cache.js';
import { RootStore } from './index.js';
import type { Database } from './schema.js';

/**
 * Opens an SQLite database file (or `:memory:`). WAL with synchronous=NORMAL keeps every
 * committed transaction across a crash of the process, which is the durability we promise.
 */
export const DEFAULT_BUSY_TIMEOUT_MS = 5_000;

export function openSqlite(path: string, busyTimeoutMs = DEFAULT_BUSY_TIMEOUT_MS): RootStore {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const database = new BetterSqlite3(path);
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  database.pragma('foreign_keys = ON');
  // How long a write waits for another connection's lock before it fails (then a 503). The
  // wait blocks this process's event loop: better-sqlite3 is synchronous.
  database.pragma(`busy_timeout = ${Math.trunc(busyTimeoutMs)}`);
  // 32 MB of page cache instead of SQLite's 2 MB: random reads across a million chats
  // otherwise go to the OS for most pages (see README "Benchmark").
  database.pragma('cache_size = -32000');
  const dataVersion = database.prepare('PRAGMA data_version').pluck();
  const authClock = new AuthClock(() => dataVersion.get() as number);
  cacheStatements(database, authClock);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database }) });
  return new RootStore(db, 'sqlite', undefined, undefined, { authClock });
}

/**
 * Kysely prepares every query anew; the SQL text of a query is the same each time, so
 * keeping prepared statements by text skips SQLite's parser on the hot path. Kysely
 * prepares right before it runs, which makes this the one place that sees every
 * statement: those that may change a token grant advance the auth clock.
 */
function cacheStatements(database: BetterSqlite3.Database, authClock: AuthClock): void {
  const prepare = database.prepare.bind(database);
  const cache = new Map<string, { statement: BetterSqlite3.Statement; writesAuth: boolean }>();
  const MAX_CACHED = 500;
  database.prepare = ((source: string) => {
    let entry = cache.get(source);
    if (!entry) {
      entry = { statement: prepare(source), writesAuth: AuthClock.writesAuth(source) };
      if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value!);
      cache.set(source, entry);
    }
    if (entry.writesAuth) authClock.advance();
    return entry.statement;
  }) as typeof database.prepare;
}
