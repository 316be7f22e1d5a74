import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { RootStore } from './index.js';
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
  cacheStatements(database);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database }) });
  return new RootStore(db, 'sqlite');
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
