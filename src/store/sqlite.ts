import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect, type SqliteDatabase, type SqliteStatement } from 'kysely';
import { AuthClock } from './auth-cache.js';
import { RootStore, type DatabaseImage } from './index.js';
import type { Database } from './schema.js';

/**
 * Opens an SQLite database file (or `:memory:`). WAL with synchronous=NORMAL keeps every
 * committed transaction across a crash of the process, which is the durability we promise.
 *
 * Kysely is handed a stand-in for the better-sqlite3 handle rather than the handle itself:
 * it forwards every statement to the current handle, so an in-memory database can be
 * replaced whole (the emulator's snapshots) under a Kysely instance that never notices.
 */
export function openSqlite(path: string): RootStore {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const handle = new SwappableHandle(configure(new BetterSqlite3(path), path !== ':memory:'));
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: handle }) });
  return new RootStore(db, 'sqlite', undefined, undefined, { authClock: handle.authClock }, path === ':memory:' ? handle : undefined);
}

function configure(database: BetterSqlite3.Database, file: boolean): BetterSqlite3.Database {
  if (file) {
    database.pragma('journal_mode = WAL');
    database.pragma('synchronous = NORMAL');
  }
  database.pragma('foreign_keys = ON');
  database.pragma('busy_timeout = 5000');
  // 32 MB of page cache instead of SQLite's 2 MB: random reads across a million chats
  // otherwise go to the OS for most pages (see README "Benchmark").
  database.pragma('cache_size = -32000');
  return database;
}

/** Far more distinct statements than the store has; bounds the cache all the same. */
const MAX_CACHED = 500;

/**
 * Kysely prepares every query anew; the SQL text of a query is the same each time, so
 * keeping prepared statements by text skips SQLite's parser on the hot path. Kysely
 * prepares right before it runs, which makes this the one place that sees every
 * statement: those that may change a token grant advance the auth clock.
 */
class SwappableHandle implements SqliteDatabase, DatabaseImage {
  readonly authClock: AuthClock;
  private readonly statements = new Map<string, { statement: BetterSqlite3.Statement; writesAuth: boolean }>();
  private dataVersion: BetterSqlite3.Statement;

  constructor(private current: BetterSqlite3.Database) {
    this.dataVersion = current.prepare('PRAGMA data_version').pluck();
    this.authClock = new AuthClock(() => this.dataVersion.get() as number);
  }

  prepare(source: string): SqliteStatement {
    let entry = this.statements.get(source);
    if (!entry) {
      entry = { statement: this.current.prepare(source), writesAuth: AuthClock.writesAuth(source) };
      if (this.statements.size >= MAX_CACHED) this.statements.delete(this.statements.keys().next().value!);
      this.statements.set(source, entry);
    }
    if (entry.writesAuth) this.authClock.advance();
    return entry.statement as unknown as SqliteStatement;
  }

  close(): void {
    this.current.close();
  }

  serialize(): Buffer {
    return this.current.serialize();
  }

  /**
   * Opens a copy of `image` and puts it in place of the current database. The caller holds
   * Kysely's one connection, so no statement or transaction is in flight. Prepared
   * statements belong to the old handle and go with it; cached token grants may describe
   * users and tokens the image does not have, so the auth clock moves.
   */
  replace(image: Buffer): void {
    const next = configure(new BetterSqlite3(image), false);
    const previous = this.current;
    this.current = next;
    this.statements.clear();
    this.dataVersion = next.prepare('PRAGMA data_version').pluck();
    this.authClock.advance();
    previous.close();
  }
}
