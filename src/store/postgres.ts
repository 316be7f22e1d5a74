import {
  type CompiledQuery,
  type DatabaseConnection,
  type Driver,
  Kysely,
  PostgresDialect,
  type PostgresPool,
  type PostgresPoolClient,
  type PostgresQueryResult,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';
import pg from 'pg';
import { DatabaseTimeout, DatabaseUnavailable, isConnectionError, isStalePreparedStatement, isStatementTimeout } from './errors.js';
import { ChangeBus } from './changes.js';
import { RootStore } from './index.js';
import { GrantCache, POSTGRES_GRANT_TTL_MS, RelayedAuthClock } from './auth-cache.js';
import { cachingParts } from './caching-parts.js';
import { POSTGRES_READ_TTL_MS, ReadCacheClock, ReadCaches } from './read-cache.js';
import type { Database } from './schema.js';

export interface PostgresOptions {
  /** Connections this process keeps open at most. */
  poolSize: number;
  /** Told about connections that broke while idle; they are dropped and replaced. */
  onIdleError?: (error: Error) => void;
  /**
   * The longest one statement may run (PostgreSQL's statement_timeout) and a connection
   * may take to open; past it the request is a 503. Default 5 s.
   */
  statementTimeoutMs?: number;
}

export const DEFAULT_STATEMENT_TIMEOUT_MS = 5_000;

/**
 * How much longer than the statement timeout the client waits for any answer at all. The
 * server cancels a slow statement itself; this is for a server that can no longer say so
 * (a dropped network, a frozen host), after which the connection is thrown away.
 */
const NO_ANSWER_MARGIN_MS = 1_000;

// COUNT(*) and SUM() answer int8 and numeric, which pg hands over as strings by default.
// Every count Confab keeps fits in 2^53, so they become numbers, like SQLite's.
const INT8_OID = 20;
const NUMERIC_OID = 1700;
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID || oid === NUMERIC_OID) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format);
  },
};

/**
 * A pool of connections to PostgreSQL. Every table lives in the connection's
 * `search_path`: a URL with `?options=-c%20search_path%3Dname` puts Confab in a schema.
 * A connection that cannot be made, or a statement that does not finish, within the
 * statement timeout counts as the database being unavailable, so a request fails with 503
 * rather than hanging; a connection that stopped answering is replaced.
 */
export function openPostgres(url: string, options: PostgresOptions): RootStore {
  const timeoutMs = options.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS;
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize,
    connectionTimeoutMillis: timeoutMs,
    idleTimeoutMillis: 30_000,
    keepAlive: true,
    types,
    // Enforced by the server, which cancels the statement and frees its locks.
    statement_timeout: timeoutMs,
    // A client that stalls inside a transaction (its host frozen or cut off) must not hold
    // row locks for everyone else until TCP notices.
    idle_in_transaction_session_timeout: Math.max(10_000, 2 * timeoutMs),
  });
  const onIdleError = options.onIdleError ?? (() => undefined);
  // A connection that dies while idle or between two queries emits 'error'; unheard, that
  // would kill the process. The pool drops such a connection and opens a new one later.
  pool.on('error', onIdleError);
  pool.on('connect', (client) => client.on('error', onIdleError));
  const sessions = new WeakMap<pg.PoolClient, TimedClient>();
  const dialect = new UnavailableTranslatingDialect({ pool: new TimedPool(pool, timeoutMs, sessions, false) });
  // The same connections, for work exempt from the timeout (migrations, startup locks, exports).
  const unbounded = new UnavailableTranslatingDialect({ pool: new TimedPool(pool, timeoutMs, sessions, true) });
  // Grants, users and chats cached only while the change relay hears the other processes
  // (auth-cache.ts, read-cache.ts).
  const changes = new ChangeBus();
  const grants = new GrantCache(new RelayedAuthClock(changes), POSTGRES_GRANT_TTL_MS);
  const reads = new ReadCaches(new ReadCacheClock(changes), changes, POSTGRES_READ_TTL_MS, true);
  const db = new Kysely<Database>({ dialect });
  return new RootStore(db, 'postgres', changes, cachingParts('postgres', { grants, reads }), { unbounded: new Kysely<Database>({ dialect: unbounded }) });
}

/**
 * Hands Kysely connections that keep to the statement timeout (see TimedClient), or, for
 * the pool of exempt work, the same connections without it. Both pools share the pg pool
 * and one TimedClient per connection, which knows what its session's timeout is now.
 */
class TimedPool implements PostgresPool {
  constructor(
    private readonly pool: pg.Pool,
    private readonly timeoutMs: number,
    private readonly sessions: WeakMap<pg.PoolClient, TimedClient>,
    private readonly exempt: boolean,
  ) {}

  async connect(): Promise<PostgresPoolClient> {
    const client = await this.pool.connect();
    let timed = this.sessions.get(client);
    if (!timed) {
      timed = new TimedClient(client, this.timeoutMs);
      this.sessions.set(client, timed);
    }
    return this.exempt ? timed.exempt : timed;
  }

  /** The pg pool is the bounded pool's to end: Kysely's destroy() reaches it once. */
  end(): Promise<void> {
    return this.exempt ? Promise.resolve() : this.pool.end();
  }
}

/**
 * One pooled connection. Its statements run under the session's statement_timeout, unless
 * they come through `exempt` (migrations, startup locks, exports: RootStore's unbounded
 * database), which switches the session's timeout off and back with a SET between
 * statements, outside any transaction the work opens. If no answer comes at all within the timeout and a margin, the
 * connection is destroyed and released as broken, so the pool opens a fresh one.
 */
class TimedClient implements PostgresPoolClient {
  private unbounded = false;
  private broken = false;
  /** Between the BEGIN and the COMMIT or ROLLBACK Kysely sends. */
  private inTransaction = false;
  /** This connection for work exempt from the timeout. */
  readonly exempt: PostgresPoolClient = {
    query: ((sql: string, parameters?: ReadonlyArray<unknown>) => this.timedQuery(sql, parameters ?? [], true)) as PostgresPoolClient['query'],
    release: (destroy?: boolean) => this.release(destroy),
  };

  constructor(
    private readonly client: pg.PoolClient,
    private readonly timeoutMs: number,
  ) {}

  query<R>(sql: string, parameters: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>>;
  query<R>(cursor: never): never;
  query<R>(sql: string, parameters?: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>> {
    return this.timedQuery<R>(sql, parameters ?? [], false);
  }

  release(destroy?: boolean): void {
    this.client.release(destroy || this.broken ? true : undefined);
  }

  private async timedQuery<R>(sql: string, parameters: ReadonlyArray<unknown>, suspended: boolean): Promise<PostgresQueryResult<R>> {
    if (TRANSACTION_STARTS.test(sql)) this.inTransaction = true;
    else if (TRANSACTION_ENDS.test(sql)) this.inTransaction = false;
    if (suspended !== this.unbounded) {
      await this.answered(`set statement_timeout = ${suspended ? 0 : this.timeoutMs}`, []);
      this.unbounded = suspended;
    }
    if (suspended) return this.client.query(sql, [...parameters]) as unknown as Promise<PostgresQueryResult<R>>;
    return this.answered<R>(sql, parameters);
  }

  private async answered<R>(sql: string, parameters: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>> {
    let timer: NodeJS.Timeout | undefined;
    const silence = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => {
        this.broken = true;
        // Ends the socket: pg fails the query, and the pool drops this client on release.
        (this.client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
        reject(new DatabaseTimeout(new Error(`no answer from the database within ${this.timeoutMs + NO_ANSWER_MARGIN_MS} ms`)));
      }, this.timeoutMs + NO_ANSWER_MARGIN_MS);
    });
    try {
      return (await Promise.race([this.sent(sql, parameters), silence])) as unknown as PostgresQueryResult<R>;
    } finally {
      clearTimeout(timer);
    }
  }

  /** As a named statement where it may be one (preparedNames), so the server parses and plans it once per connection. */
  private async sent(sql: string, parameters: ReadonlyArray<unknown>): Promise<pg.QueryResult> {
    const name = preparedNames.nameOf(sql);
    if (name === undefined) return this.client.query(sql, [...parameters]);
    try {
      return await this.client.query({ name, text: sql, values: [...parameters] });
    } catch (error) {
      // A table changed under a prepared statement (another process migrated): the server
      // refuses to run it again, so this text goes unnamed from now on. Sent again here,
      // unless a transaction is open, which the refusal aborted: Store.transaction runs it again.
      if (!isStalePreparedStatement(error)) throw error;
      preparedNames.forget(sql);
      if (this.inTransaction) throw error;
      return this.client.query(sql, [...parameters]);
    }
  }
}

/**
 * Which statements are sent as named prepared statements, and their names: the same text
 * gets the same name on every connection. Kysely sends the same text for the same query
 * shape, so the hot queries are a few dozen texts; the cap bounds what each connection and
 * the server keep for texts that vary (lists of different lengths), and past it the rest
 * go unnamed. Only plain DML: BEGIN, SET and DDL gain nothing from it.
 */
class PreparedNames {
  private readonly names = new Map<string, string | undefined>();

  constructor(private readonly cap: number) {}

  nameOf(sql: string): string | undefined {
    const known = this.names.get(sql);
    if (known !== undefined || this.names.has(sql)) return known;
    const name = this.names.size < this.cap && /^\s*(select|insert|update|delete|with)\b/i.test(sql) ? `confab_${this.names.size + 1}` : undefined;
    this.names.set(sql, name);
    return name;
  }

  forget(sql: string): void {
    this.names.set(sql, undefined);
  }
}

const preparedNames = new PreparedNames(500);
const TRANSACTION_STARTS = /^\s*(begin|start transaction)\b/i;
const TRANSACTION_ENDS = /^\s*(commit|rollback)\s*$/i;

/**
 * The stock dialect, except that losing the database (refused, reset, shut down, timed
 * out) surfaces as one typed `DatabaseUnavailable`, whatever step it happened in.
 */
class UnavailableTranslatingDialect extends PostgresDialect {
  override createDriver(): Driver {
    return new UnavailableTranslatingDriver(super.createDriver());
  }
}

class UnavailableTranslatingDriver implements Driver {
  constructor(private readonly inner: Driver) {}

  init(): Promise<void> {
    return translated(() => this.inner.init());
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const connection = await translated(() => this.inner.acquireConnection());
    return new UnavailableTranslatingConnection(connection);
  }

  beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    return this.inner.beginTransaction(unwrap(connection), settings).catch(rethrowTranslated);
  }

  commitTransaction(connection: DatabaseConnection): Promise<void> {
    return this.inner.commitTransaction(unwrap(connection)).catch(rethrowTranslated);
  }

  rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    return this.inner.rollbackTransaction(unwrap(connection)).catch(rethrowTranslated);
  }

  releaseConnection(connection: DatabaseConnection): Promise<void> {
    return this.inner.releaseConnection(unwrap(connection));
  }

  destroy(): Promise<void> {
    return this.inner.destroy();
  }
}

class UnavailableTranslatingConnection implements DatabaseConnection {
  constructor(readonly inner: DatabaseConnection) {}

  executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    return translated(() => this.inner.executeQuery<R>(query));
  }

  streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    return this.inner.streamQuery<R>(query, chunkSize);
  }
}

function unwrap(connection: DatabaseConnection): DatabaseConnection {
  return connection instanceof UnavailableTranslatingConnection ? connection.inner : connection;
}

async function translated<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    return rethrowTranslated(error);
  }
}

function rethrowTranslated(error: unknown): never {
  if (error instanceof DatabaseUnavailable) throw error;
  if (isStatementTimeout(error)) throw new DatabaseTimeout(error);
  if (isConnectionError(error)) throw new DatabaseUnavailable(error);
  throw error;
}
