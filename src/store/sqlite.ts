import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, type SqliteDatabase, type SqliteStatement } from 'kysely';
import { AuthClock, GrantCache } from './auth-cache.js';
import { cachingParts } from './caching-parts.js';
import { ReadCacheClock, ReadCaches } from './read-cache.js';
import { ChangeBus } from './changes.js';
import { GroupCommit } from './group-commit.js';
import { readMemoryTemplate } from './memory-template.js';
import { RootStore, type DatabaseImage } from './index.js';
import { PatientSqliteDialect, SQLITE_BUSY_TIMEOUT_MS } from './sqlite-busy.js';
import { BackgroundCheckpointer, DEFAULT_CHECKPOINT_INTERVAL_MS, JOURNAL_SIZE_LIMIT_BYTES, type CheckpointTarget } from './sqlite-checkpoint.js';
import type { Database } from './schema.js';

/**
 * Opens an SQLite database file (or `:memory:`). WAL with synchronous=NORMAL keeps every
 * committed transaction across a crash of the process, which is the durability we promise.
 *
 * Kysely is handed a stand-in for the better-sqlite3 handle rather than the handle itself:
 * it forwards every statement to the current handle, so an in-memory database can be
 * replaced whole (the emulator's snapshots) under a Kysely instance that never notices.
 *
 * `busyTimeoutMs` is how long a statement waits for another connection's write lock
 * before it fails (then a 503); it waits on the event loop (sqlite-busy.ts).
 */
export const DEFAULT_BUSY_TIMEOUT_MS = 5_000;
/**
 * 32 MB of page cache instead of SQLite's 2 MB: random reads across a million chats
 * otherwise go to the OS for most pages (see README "Benchmark").
 */
export const DEFAULT_CACHE_KIB = 32_000;

export function openSqlite(
  path: string,
  busyTimeoutMs = DEFAULT_BUSY_TIMEOUT_MS,
  cacheKib = DEFAULT_CACHE_KIB,
  checkpointIntervalMs = DEFAULT_CHECKPOINT_INTERVAL_MS,
): RootStore {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const template = path === ':memory:' ? readMemoryTemplate() : undefined;
  const database = new BetterSqlite3(template ?? path);
  const handle = new SwappableHandle(configure(database, path !== ':memory:', cacheKib), cacheKib);
  const changes = new ChangeBus();
  const dataVersion = () => handle.dataVersion();
  const caches = { grants: new GrantCache(new AuthClock(dataVersion, changes)), reads: new ReadCaches(new ReadCacheClock(changes, dataVersion), changes) };
  const inTransaction = () => handle.inTransaction;
  const dialect = new PatientSqliteDialect({ database: handle }, { timeoutMs: busyTimeoutMs, inTransaction });
  const db = new Kysely<Database>({ dialect });
  const checkpointer = path === ':memory:' ? undefined : new BackgroundCheckpointer(path, handle, checkpointIntervalMs);
  // A throwaway in-memory database (the emulator) numbers one at a time: its snapshots and
  // resets keep the counters exact, so numbering restarts where the fixtures left it.
  return new RootStore(db, 'sqlite', changes, cachingParts('sqlite', caches, path === ':memory:' ? 1 : undefined), {
    image: path === ':memory:' ? handle : undefined,
    transactions: new GroupCommit(db, inTransaction),
    beforeClose: async () => checkpointer?.stop(),
  });
}

function configure(database: BetterSqlite3.Database, file: boolean, cacheKib: number): BetterSqlite3.Database {
  if (file) {
    database.pragma('journal_mode = WAL');
    database.pragma('synchronous = NORMAL');
    database.pragma(`journal_size_limit = ${JOURNAL_SIZE_LIMIT_BYTES}`);
  }
  database.pragma('foreign_keys = ON');
  // SQLite's wait for another connection's lock would block the event loop (better-sqlite3
  // is synchronous); the wait is pauses on the loop between attempts (sqlite-busy.ts).
  database.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
  database.pragma(`cache_size = -${Math.trunc(cacheKib)}`);
  return database;
}

/** Far more distinct statements than the store has; bounds the cache all the same. */
const MAX_CACHED = 500;
/**
 * Longer statements are bulk writes and long IN lists (imports, seeding), nearly each one
 * of a different length: cached, they would hold hundreds of large compiled programs (tens
 * of MB in a million-message import) that are never run again.
 */
const MAX_CACHED_SOURCE_LENGTH = 4096;

/**
 * The better-sqlite3 handle Kysely talks to, which can be replaced whole. Kysely prepares
 * every query anew; the SQL text of a query is the same each time, so keeping prepared
 * statements by text skips SQLite's parser on the hot path.
 */
class SwappableHandle implements SqliteDatabase, DatabaseImage, CheckpointTarget {
  private readonly statements = new Map<string, BetterSqlite3.Statement>();
  private dataVersionStatement: BetterSqlite3.Statement;

  constructor(
    private current: BetterSqlite3.Database,
    private readonly cacheKib: number,
  ) {
    this.dataVersionStatement = current.prepare('PRAGMA data_version').pluck();
  }

  /** `data_version` as read in this turn of the event loop, if it was. */
  private dataVersionThisTurn: number | undefined;

  /**
   * SQLite's PRAGMA data_version: it moves when another connection commits. Read at most
   * once per turn of the event loop: every request asks (the grant cache's clock), and a
   * commit elsewhere within the turn is indistinguishable from one just after it.
   */
  dataVersion(): number {
    if (this.dataVersionThisTurn === undefined) {
      this.dataVersionThisTurn = this.dataVersionStatement.get() as number;
      setImmediate(() => (this.dataVersionThisTurn = undefined));
    }
    return this.dataVersionThisTurn;
  }

  autoCheckpoint(pages: number): void {
    this.current.pragma(`wal_autocheckpoint = ${pages}`);
  }

  /** Whether a transaction is open on the current handle (a failed statement must not be retried then). */
  get inTransaction(): boolean {
    return this.current.inTransaction;
  }

  prepare(source: string): SqliteStatement {
    let statement = this.statements.get(source);
    if (!statement) {
      statement = this.current.prepare(source);
      if (source.length > MAX_CACHED_SOURCE_LENGTH) return statement as unknown as SqliteStatement;
      if (this.statements.size >= MAX_CACHED) this.statements.delete(this.statements.keys().next().value!);
      this.statements.set(source, statement);
    }
    return statement as unknown as SqliteStatement;
  }

  close(): void {
    this.current.close();
  }

  serialize(): Buffer {
    return this.current.serialize();
  }

  /**
   * Opens a copy of `image` and puts it in place of the current database. The caller holds
   * Kysely's one connection, so no statement or transaction is in flight, and tells the
   * change bus afterwards. Prepared statements belong to the old handle and go with it.
   */
  replace(image: Buffer): void {
    const next = configure(new BetterSqlite3(image), false, this.cacheKib);
    const previous = this.current;
    this.current = next;
    this.statements.clear();
    this.dataVersionStatement = next.prepare('PRAGMA data_version').pluck();
    this.dataVersionThisTurn = undefined;
    previous.close();
  }
}
