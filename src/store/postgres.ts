import {
  type CompiledQuery,
  type DatabaseConnection,
  type Driver,
  Kysely,
  PostgresDialect,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';
import pg from 'pg';
import { DatabaseUnavailable, isConnectionError } from './errors.js';
import { ChangeBus } from './changes.js';
import { RootStore } from './index.js';
import { standardParts, type EntityStores } from './parts.js';
import type { Database } from './schema.js';

export interface PostgresOptions {
  /** Connections this process keeps open at most. */
  poolSize: number;
  /** Told about connections that broke while idle; they are dropped and replaced. */
  onIdleError?: (error: Error) => void;
}

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
 * A connection that cannot be made within five seconds counts as the database being down,
 * so a request fails with 503 rather than hanging.
 */
export function openPostgres(url: string, options: PostgresOptions): RootStore {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    keepAlive: true,
    types,
  });
  const onIdleError = options.onIdleError ?? (() => undefined);
  // A connection that dies while idle or between two queries emits 'error'; unheard, that
  // would kill the process. The pool drops such a connection and opens a new one later.
  pool.on('error', onIdleError);
  pool.on('connect', (client) => client.on('error', onIdleError));
  const dialect = new UnavailableTranslatingDialect({ pool });
  return new RootStore(new Kysely<Database>({ dialect }), 'postgres', new ChangeBus(), postgresParts);
}

/** The standard parts: no process-local caches, since other processes' writes are not heard here. */
function postgresParts(db: Kysely<Database>): EntityStores {
  return standardParts(db);
}

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
  if (isConnectionError(error)) throw new DatabaseUnavailable(error);
  throw error;
}
