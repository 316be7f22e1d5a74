/**
 * Statement timeouts bound every request's database work (a lock held forever, a server
 * that stopped answering). Startup work is exempt: a migration may rightly run for
 * minutes, and processes starting together wait on each other's advisory lock. Work run
 * through `withoutStatementTimeout` runs on connections with no timeout, in this async
 * context only (AsyncLocalStorage), whatever connection the pool hands it.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

const unbounded = new AsyncLocalStorage<true>();

export function withoutStatementTimeout<T>(work: () => Promise<T>): Promise<T> {
  return unbounded.run(true, work);
}

export function statementTimeoutSuspended(): boolean {
  return unbounded.getStore() === true;
}
