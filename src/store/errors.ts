/** A unique constraint said no; the domain decides what that means (conflict, retry, …). */
export class UniqueViolation extends Error {
  constructor(readonly constraint: string | undefined, cause: unknown) {
    super(`unique constraint violated${constraint ? `: ${constraint}` : ''}`, { cause });
  }
}

export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  // better-sqlite3 and node-postgres name it differently.
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === '23505';
}

/** Runs a write, turning the driver's unique-violation error into `UniqueViolation`. */
export async function translateUnique<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isUniqueViolation(error)) {
      const constraint = (error as { constraint?: string }).constraint;
      throw new UniqueViolation(constraint, error);
    }
    throw error;
  }
}

/**
 * The database cannot be reached right now (refused, reset, restarting, too many
 * connections). Nothing about the request was wrong; the same request may succeed later.
 */
export class DatabaseUnavailable extends Error {
  constructor(cause: unknown) {
    super(`the database is unavailable: ${(cause as Error | undefined)?.message ?? String(cause)}`, { cause });
  }
}

/** The database did not finish a statement, or answer at all, within the statement timeout. */
export class DatabaseTimeout extends DatabaseUnavailable {}

/**
 * PostgreSQL cancelled a statement: statement_timeout (57014, query_canceled) or
 * lock_timeout (55P03). The work may succeed once whatever held it up is gone.
 */
export function isStatementTimeout(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '57014' || code === '55P03';
}

const CONNECTION_ERROR_CODES = new Set([
  // Node's socket errors, seen when PostgreSQL is down or a connection is cut.
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  // PostgreSQL's: too many connections, shutting down, crashed, starting up.
  '53300',
  '57P01',
  '57P02',
  '57P03',
]);

/** node-postgres reports a lost connection as a plain Error with one of these messages. */
const CONNECTION_ERROR_MESSAGES = [
  'Connection terminated',
  'timeout expired',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error and is not queryable',
  'Client was closed and is not queryable',
  'Connection ended unexpectedly',
];

export function isConnectionError(error: unknown): boolean {
  if (error instanceof DatabaseUnavailable) return true;
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  // Class 08 is PostgreSQL's "connection exception".
  if (typeof code === 'string' && (CONNECTION_ERROR_CODES.has(code) || /^08[0-9A-Z]{3}$/.test(code))) return true;
  if (error instanceof AggregateError) return error.errors.some(isConnectionError);
  return typeof message === 'string' && CONNECTION_ERROR_MESSAGES.some((text) => message.startsWith(text));
}

/**
 * SQLite waited its busy timeout for another connection's write lock and gave up. Like an
 * unreachable PostgreSQL, nothing about the request was wrong: the same request may succeed
 * once the other writer is done.
 */
export function isDatabaseBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}

/**
 * PostgreSQL gave up on a transaction because of another one (serialization failure,
 * deadlock): running it again from the start is the documented remedy.
 */
export function isRetryableTransactionError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '40001' || code === '40P01' || isStalePreparedStatement(error);
}

/**
 * PostgreSQL refuses to run a prepared statement again once a table under it changed its
 * columns (another process migrated). The statement is sent unnamed from then on
 * (store/postgres.ts), so running the work again succeeds.
 */
export function isStalePreparedStatement(error: unknown): boolean {
  const { code, message } = (error as { code?: unknown; message?: unknown } | null) ?? {};
  return code === '0A000' && typeof message === 'string' && message.includes('cached plan must not change result type');
}
