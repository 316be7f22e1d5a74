/**
 * Rate limits per user (per client IP when the request carries no valid token), in three
 * classes: reads, writes and searches, each N requests a minute (0 turns a class off).
 * Searches have their own, lower limit: one costs far more than a read, so a client
 * searching in a loop must not get a read's share of the database. Over the
 * limit is 429 too_many_requests with `retry_after` and `Retry-After`; every limited
 * response carries x-ratelimit-limit, -remaining and -reset.
 */
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { loadRedis } from '../redis.js';
import { DomainError, TooManyRequests } from '../domain/errors.js';
import { authenticate } from '../domain/tokens.js';
import type { Store } from '../store/index.js';
import { LocalBucketStore, RedisBucketStore } from './rate-limit-store.js';
import { requestStore } from './request-store.js';

export interface RateLimitOptions {
  /** Requests a minute per client for reads; 0 = no limit. */
  read: number;
  /** Requests a minute per client for writes; 0 = no limit. */
  write: number;
  /** Requests a minute per client for the search operations (SEARCH_OPERATIONS); 0 = no limit. */
  search: number;
  /** Share the buckets of all processes through this Redis. */
  redisUrl?: string;
  /** Namespace of the Redis keys (tests isolate themselves with it). */
  redisPrefix?: string;
}

const WINDOW_MS = 60_000;

/** DevRev's read verbs; everything else POSTed changes something. */
const READ_VERBS = new Set(['get', 'list', 'self', 'count', 'export', 'info']);

/** Counted apart from reads: they rank full-text matches rather than read a page by key. */
export const SEARCH_OPERATIONS: ReadonlySet<string> = new Set(['/timeline-entries.search', '/search.core']);

type LimitClass = 'read' | 'write' | 'search';

function classOf(request: FastifyRequest): LimitClass {
  // The matched route, not the raw URL: no spelling of the path escapes the class.
  if (SEARCH_OPERATIONS.has(request.routeOptions.url ?? '')) return 'search';
  return isRead(request) ? 'read' : 'write';
}

export function isRead(request: FastifyRequest): boolean {
  if (request.method === 'GET' || request.method === 'HEAD') return true;
  const path = request.url.split('?')[0]!;
  return READ_VERBS.has(path.slice(path.lastIndexOf('.') + 1));
}

export async function registerRateLimit(app: FastifyInstance, store: Store, options: RateLimitOptions): Promise<void> {
  if (options.read <= 0 && options.write <= 0 && options.search <= 0) return;
  const redis = options.redisUrl
    ? new (await loadRedis())(options.redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: true })
    : undefined;
  if (redis) {
    redis.on('error', (error) => app.log.warn({ err: error }, 'rate limit: redis unavailable, requests are not limited'));
    app.addHook('onClose', async () => void (await redis.quit().catch(() => redis.disconnect())));
    // Connected before the first request, which would otherwise go uncounted; a Redis that
    // is down is retried in the background while requests pass unlimited.
    await redis.connect().catch(() => undefined);
  }
  const bucketStore = redis ? new RedisBucketStore(redis, options.redisPrefix) : new LocalBucketStore();
  const limitOf = (request: FastifyRequest) => options[classOf(request)];
  const exempt = (request: FastifyRequest) => limitOf(request) <= 0 || request.url === '/health';

  await app.register(rateLimit, {
    // Registered below as a global onRequest hook so it runs before authentication
    // fails: guessing tokens is limited per IP like any other unauthenticated request.
    global: false,
    store: function () {
      return bucketStore;
    } as never,
    timeWindow: WINDOW_MS,
    max: (request) => limitOf(request),
    allowList: exempt,
    // The plugin asks for the key before the allow list: exempt requests skip the token lookup.
    keyGenerator: async (request) => (exempt(request) ? 'exempt' : `${classOf(request)[0]}:${await clientKey(store, request)}`),
    // A shared store that is down must not take the API down with it.
    skipOnError: true,
    errorResponseBuilder: (_request, context) =>
      new TooManyRequests(`rate limit of ${context.max} requests a minute exceeded; retry in ${context.after}`, retryAfterOf(context.ttl)),
  });
  app.addHook('onRequest', app.rateLimit());
}

/** Whole seconds, at least 1: `retry_after: 0` would invite a client to spin. */
function retryAfterOf(ttlMs: number): number {
  return Math.max(1, Math.ceil(ttlMs / 1000));
}

/**
 * A valid token's user is the client (so minting more tokens buys no extra quota); the
 * principal is kept so the route need not look it up again. An invalid token counts
 * against its IP, so random tokens buy no extra quota either.
 */
async function clientKey(store: Store, request: FastifyRequest): Promise<string> {
  if (request.headers.authorization) {
    try {
      request.principal = await authenticate(requestStore(request, store), request.headers.authorization);
      return `u:${request.principal.user.id}`;
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
    }
  }
  return `ip:${request.ip}`;
}
