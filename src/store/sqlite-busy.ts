/**
 * Waiting for another connection's write lock (a backup, `confab import`, a second process)
 * without stopping the server. better-sqlite3 is synchronous: SQLite's own busy timeout
 * waits inside the call, so every request of the process waits with it, and the overload
 * guard then reads the stall as load. So SQLite does not wait at all, and the wait happens
 * here, as pauses on the event loop between attempts, with the one connection free for
 * other work meanwhile.
 *
 * Only a statement that runs outside a transaction is tried again, the transaction's own
 * BEGIN included: it changed nothing, so running it again is safe. A transaction that
 * writes begins IMMEDIATE, taking the write lock before its first statement, so nothing
 * inside it waits for the lock (and a transaction that read first cannot fail on a
 * snapshot another connection moved past: SQLITE_BUSY_SNAPSHOT).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import {
  CompiledQuery,
  SqliteDialect,
  type DatabaseConnection,
  type Driver,
  type QueryResult,
  type SqliteDialectConfig,
  type TransactionSettings,
} from 'kysely';
import { isDatabaseBusy } from './errors.js';

/**
 * SQLite's own busy timeout: none. Even a few milliseconds would add up, with a hundred
 * requests waiting for the lock at once each blocking the loop on every attempt; a failed
 * attempt without it costs microseconds.
 */
export const SQLITE_BUSY_TIMEOUT_MS = 0;
/** The first pause between attempts; each next one doubles, up to the last. */
const FIRST_PAUSE_MS = 1;
const LONGEST_PAUSE_MS = 50;

export interface BusyWait {
  /** How long a statement goes on trying before the busy error reaches the caller (a 503). */
  timeoutMs: number;
  /** Whether the connection is inside a transaction, where a statement must not be tried again. */
  inTransaction(): boolean;
}

export class PatientSqliteDialect extends SqliteDialect {
  constructor(
    config: SqliteDialectConfig,
    private readonly wait: BusyWait,
  ) {
    super(config);
  }

  override createDriver(): Driver {
    return new PatientSqliteDriver(super.createDriver(), this.wait);
  }
}

class PatientSqliteDriver implements Driver {
  /** SQLite has one connection, so one stand-in for it. */
  private patient: DatabaseConnection | undefined;

  constructor(
    private readonly inner: Driver,
    private readonly wait: BusyWait,
  ) {}

  init(): Promise<void> {
    return this.inner.init();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const connection = await this.inner.acquireConnection();
    this.patient ??= {
      executeQuery: (query) => this.executePatiently(connection, query),
      streamQuery: (query, chunkSize) => connection.streamQuery(query, chunkSize),
    };
    return this.patient;
  }

  /** A read-only transaction (an export) takes no write lock: it may run for minutes. */
  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(settings.accessMode === 'read only' ? 'begin' : 'begin immediate'));
  }

  commitTransaction(connection: DatabaseConnection): Promise<void> {
    return this.inner.commitTransaction(connection);
  }

  rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    return this.inner.rollbackTransaction(connection);
  }

  savepoint(...args: Parameters<NonNullable<Driver['savepoint']>>): Promise<void> {
    return this.inner.savepoint!(...args);
  }

  rollbackToSavepoint(...args: Parameters<NonNullable<Driver['rollbackToSavepoint']>>): Promise<void> {
    return this.inner.rollbackToSavepoint!(...args);
  }

  releaseSavepoint(...args: Parameters<NonNullable<Driver['releaseSavepoint']>>): Promise<void> {
    return this.inner.releaseSavepoint!(...args);
  }

  releaseConnection(connection: DatabaseConnection): Promise<void> {
    return this.inner.releaseConnection(connection);
  }

  destroy(): Promise<void> {
    return this.inner.destroy();
  }

  private async executePatiently<R>(connection: DatabaseConnection, query: CompiledQuery): Promise<QueryResult<R>> {
    const deadline = performance.now() + this.wait.timeoutMs;
    for (let pause = FIRST_PAUSE_MS; ; pause = Math.min(2 * pause, LONGEST_PAUSE_MS)) {
      try {
        return await connection.executeQuery<R>(query);
      } catch (error) {
        const remaining = deadline - performance.now();
        if (!isDatabaseBusy(error) || this.wait.inTransaction() || remaining <= 0) throw error;
        // The connection is lent out meanwhile: reads (never blocked by a writer in WAL
        // mode) and other work go on. It is the same one connection when it comes back.
        await this.inner.releaseConnection(connection);
        await sleep(Math.min(pause, remaining));
        await this.inner.acquireConnection();
      }
    }
  }
}
