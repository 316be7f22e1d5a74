import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { AuthClock, CachedTokenStore } from './auth-cache.js';
import { ChangeBus } from './changes.js';
import { RootStore } from './index.js';
import { standardParts, type StoreParts } from './parts.js';
import type { Database } from './schema.js';

/**
 * Opens an SQLite database file (or `:memory:`). WAL with synchronous=NORMAL keeps every
 * committed transaction across a crash of the process, which is the durability we promise.
 */
export function openSqlite(path: string): RootStore {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const database = new BetterSqlite3(path);
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  database.pragma('foreign_keys = ON');
  database.pragma('busy_timeout = 5000');
  // 32 MB of page cache instead of SQLite's 2 MB: random reads across a million chats
  // otherwise go to the OS for most pages (see README "Benchmark").
  database.pragma('cache_size = -32000');
  const dataVersion = database.prepare('PRAGMA data_version').pluck();
  const changes = new ChangeBus();
  const authClock = new AuthClock(() => dataVersion.get() as number, changes);
  cacheStatements(database);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database }) });
  return new RootStore(db, 'sqlite', changes, sqliteParts(authClock));
}

/** The standard parts, with token grants cached in the root store (see auth-cache.ts). */
function sqliteParts(authClock: AuthClock): StoreParts {
  return (db, scope) => {
    const parts = standardParts(db);
    if (scope === 'root') parts.tokens = new CachedTokenStore(parts.tokens, authClock);
    return parts;
  };
}

/**
 * Kysely prepares every query anew; the SQL text of a query is the same each time, so
 * keeping prepared statements by text skips SQLite's parser on the hot path.
 */
function cacheStatements(database: BetterSqlite3.Database): void {
  const prepare = database.prepare.bind(database);
  const cache = new Map<string, BetterSqlite3.Statement>();
  const MAX_CACHED = 500;
  database.prepare = ((source: string) => {
    let statement = cache.get(source);
    if (!statement) {
      statement = prepare(source);
      if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value!);
      cache.set(source, statement);
    }
    return statement;
  }) as typeof database.prepare;
}
