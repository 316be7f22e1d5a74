/**
 * Each request reads and writes through its own view of the store, which counts the
 * statements sent on its behalf (store/statement-count.ts). The view is made by whichever
 * hook first needs the database — the rate limiter or fault injection may authenticate
 * before the route does — and handed on explicitly, never through AsyncLocalStorage.
 */
import type { FastifyRequest } from 'fastify';
import { StatementCounter, type Store } from '../store/index.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** This request's view of the store; see `requestStore`. */
    store?: Store;
    /** Statements sent on behalf of this request so far. */
    statements?: StatementCounter;
  }
}

/** The request's counting view of `root`, made on first use. */
export function requestStore(request: FastifyRequest, root: Store): Store {
  if (request.store) return request.store;
  const statements = new StatementCounter();
  request.statements = statements;
  return (request.store = root.counting(statements));
}
