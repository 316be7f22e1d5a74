/** Builds the Fastify application: parsers, hooks, one error handler, and a plugin per resource. */
import { randomUUID } from 'node:crypto';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import secureJson from 'secure-json-parse';
import {
  ARTIFACT_DEFAULTS,
  DEFAULT_HEADERS_TIMEOUT_MS,
  DEFAULT_MAX_CONNECTIONS,
  DEFAULT_REQUEST_TIMEOUT_MS,
  defaultMaxConnectionsPerIp,
  type TrustProxy,
} from '../config.js';
import { BadRequest, NotFound } from '../domain/errors.js';
import type { Realtime } from '../realtime/index.js';
import type { Store } from '../store/index.js';
import { sendError } from './errors.js';
import { registerFaults } from './faults.js';
import { registerJournal } from './journal.js';
import type { Emulator } from '../emulator/index.js';
import type { Journal } from '../emulator/journal.js';
import { emulatorOperations } from './routes/emulator.js';
import { clientErrorHandler, jsonDepthError } from './limits.js';
import { registerConnectionCaps } from './connection-caps.js';
import { registerConsole } from './console.js';
import { registerMetrics } from './metrics.js';
import { registerOpenApi } from './openapi.js';
import { bodyTooLarge, DEFAULT_BODY_DISCARD_LIMIT_BYTES, discardRestOfBody, isBodyTooLarge } from './oversized-bodies.js';
import { DEFAULT_OVERLOAD, registerOverload, type OverloadOptions } from './overload.js';
import { registerRateLimit, type RateLimitOptions } from './rate-limit.js';
import { artifactRoutes } from './routes/artifacts.js';
import { authTokenRoutes } from './routes/auth-tokens.js';
import { chatRoutes } from './routes/chats.js';
import { conversationRoutes } from './routes/conversations.js';
import { chatListRoutes } from './routes/chat-list.js';
import { reactionRoutes } from './routes/reactions.js';
import { searchRoutes } from './routes/search.js';
import { devUserRoutes } from './routes/dev-users.js';
import { eventRoutes } from './routes/events.js';
import { typingRoutes } from './routes/typing.js';
import { presenceRoutes } from './routes/presence.js';
import { groupRoutes } from './routes/groups.js';
import { readinessRoutes } from './routes/ops.js';
import { revRoutes } from './routes/rev.js';
import { serviceAccountRoutes } from './routes/service-accounts.js';
import { timelineEntryRoutes } from './routes/timeline-entries.js';
import { webhookRoutes } from './routes/webhooks.js';
import { lazyCompilersFactory } from './schema-compilers.js';
import { fastifyTrustProxy } from './trust-proxy.js';
import { registerDraining } from './shutdown.js';
import { CONFAB_VERSION } from './version.js';

export const BODY_LIMIT_BYTES = 1024 * 1024;

export interface AppOptions {
  store: Store;
  logger: FastifyBaseLogger;
  /** Off when absent (as in most tests); `confab serve` passes the configured limits. */
  rateLimit?: RateLimitOptions;
  overload?: OverloadOptions;
  faults?: boolean;
  /** Migrations not yet applied; throws when the database is unreachable (`/ready`, `/metrics`). */
  readiness?: () => Promise<string[]>;
  /** Emulator mode: enables `POST /confab.reset` and the other `/confab.*` operations. */
  emulator?: Emulator;
  /** Records every request and serves `/confab.requests.*` (emulator mode, `serve --journal`). */
  journal?: Journal;
  /** The event stream and webhooks; without it the app serves neither. */
  realtime?: Realtime;
  /** Whose X-Forwarded-For gives the client's address (request.ip, per-IP limits); off by default. */
  trustProxy?: TrustProxy;
  /** How much of an oversized body is read and discarded so the client can read the 400. */
  bodyDiscardLimitBytes?: number;
  /** Bytes of uploads one user may hold; 0 = no quota. Defaults to ARTIFACT_DEFAULTS'. */
  artifactQuotaBytesPerUser?: number;
  /** The largest file one upload may carry. Defaults to ARTIFACT_DEFAULTS'. */
  artifactMaxBytes?: number;
  /** Timeouts and the connection caps; unset ones take their defaults. */
  connections?: { requestTimeoutMs?: number; headersTimeoutMs?: number; maxConnections?: number; maxConnectionsPerIp?: number };
}

export async function buildApp({
  store,
  logger,
  rateLimit,
  overload,
  faults,
  readiness = async () => [],
  emulator,
  journal,
  realtime,
  bodyDiscardLimitBytes = DEFAULT_BODY_DISCARD_LIMIT_BYTES,
  artifactQuotaBytesPerUser = ARTIFACT_DEFAULTS.quotaBytesPerUser,
  artifactMaxBytes = ARTIFACT_DEFAULTS.maxBytes,
  trustProxy = false,
  connections = {},
}: AppOptions): Promise<FastifyInstance> {
  const requestTimeoutMs = connections.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const app = Fastify({
    // A request must arrive whole within the timeout (a body trickled in a byte at a time
    // would otherwise hold its socket forever), and a connection silent that long is
    // closed. Event streams switch the second off for their socket (routes/events.ts).
    requestTimeout: requestTimeoutMs,
    connectionTimeout: requestTimeoutMs,
    // Node reads these at construction only: Fastify's later assignment alone never fires.
    http: nodeTimeouts(requestTimeoutMs, connections.headersTimeoutMs ?? DEFAULT_HEADERS_TIMEOUT_MS),
    loggerInstance: logger,
    schemaController: { compilersFactory: lazyCompilersFactory },
    bodyLimit: BODY_LIMIT_BYTES,
    trustProxy: fastifyTrustProxy(trustProxy),
    // false: Fastify would otherwise take the header as is and never call genReqId, which
    // is where a caller's id is checked before it reaches logs and response headers.
    requestIdHeader: false,
    genReqId: (request) => acceptedRequestId(request.headers['x-request-id']) ?? randomUUID(),
    clientErrorHandler,
    // Draining answers with a DevRev 503 (shutdown.ts), not Fastify's own body.
    return503OnClosing: false,
    // One log line per request (onResponse below) instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
  });

  // Past the cap Node closes new connections at once; event streams count like any other.
  const maxConnections = connections.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
  if (maxConnections > 0) app.server.maxConnections = maxConnections;
  registerConnectionCaps(app, connections.maxConnectionsPerIp ?? defaultMaxConnectionsPerIp(maxConnections), trustProxy);

  app.setErrorHandler((error, request, reply) => {
    if (!isBodyTooLarge(error)) return sendError(error, request, reply);
    // Answered once the client has finished sending (see oversized-bodies.ts), then closed.
    const limit = request.routeOptions.bodyLimit ?? BODY_LIMIT_BYTES;
    void discardRestOfBody(request, limit, bodyDiscardLimitBytes).then(() => {
      reply.header('connection', 'close');
      sendError(bodyTooLarge(limit), request, reply);
    });
  });
  app.setNotFoundHandler((request, reply) =>
    sendError(new NotFound('route', `${request.method} ${request.url.split('?')[0]}`), request, reply),
  );

  // DevRev's clients always send JSON; so does everyone else who reads the docs. A body
  // with another or no content type is read as JSON too, and an empty body is `{}`.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string', bodyLimit: BODY_LIMIT_BYTES }, (_request, body, done) => {
    const text = (body as string).trim();
    if (text === '') return done(null, {});
    let parsed: unknown;
    try {
      parsed = secureJson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' });
    } catch {
      return done(new BadRequest('parse_error', 'the request body is not valid JSON'), undefined);
    }
    // Depth is measured here, on parsed JSON only: never on a raw upload's bytes.
    const tooDeep = jsonDepthError(parsed);
    if (tooDeep) return done(tooDeep, undefined);
    done(null, parsed);
  });

  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  // Logging was ~10% of chats.get's CPU with a line for the request and one for the
  // response; the response's line carries everything the request's did.
  app.addHook('onResponse', (request, reply, done) => {
    request.log.info(
      { req: { method: request.method, url: loggableUrl(request.url) }, res: { statusCode: reply.statusCode }, responseTime: reply.elapsedTime },
      'request completed',
    );
    done();
  });

  // Before any route, so that the document and the metrics see every one.
  await registerOpenApi(app, CONFAB_VERSION);
  registerMetrics(app, { readiness, searchCandidates: () => store.timelineEntries.searchStats.candidatesExamined });
  await registerOverload(app, overload ?? DEFAULT_OVERLOAD);
  registerDraining(app);
  if (rateLimit) await registerRateLimit(app, store, rateLimit);
  if (faults) registerFaults(app, store);
  if (journal) registerJournal(app, store, journal);
  app.get('/health', async () => ({ status: 'ok' }));
  await registerConsole(app);
  readinessRoutes(app, readiness);
  if (emulator) {
    emulatorOperations(app, store, emulator);
  }
  chatRoutes(app, store);
  conversationRoutes(app, store);
  chatListRoutes(app, store);
  reactionRoutes(app, store);
  searchRoutes(app, store);
  devUserRoutes(app, store);
  timelineEntryRoutes(app, store);
  authTokenRoutes(app, store);
  groupRoutes(app, store);
  serviceAccountRoutes(app, store);
  revRoutes(app, store);
  artifactRoutes(app, store, { quotaBytesPerUser: artifactQuotaBytesPerUser, maxBytes: artifactMaxBytes }, bodyDiscardLimitBytes);
  if (realtime) {
    const { settings, dispatcher } = realtime;
    eventRoutes(
      app,
      store,
      dispatcher,
      {
        heartbeatMs: settings.streamHeartbeatMs,
        maxBufferBytes: settings.streamMaxBufferBytes,
        maxStreamsPerToken: settings.maxStreamsPerToken,
        maxStreamsPerUser: settings.maxStreamsPerUser,
      },
      realtime.ephemeral,
      realtime.presence,
    );
    typingRoutes(app, store, realtime.ephemeral);
    presenceRoutes(app, store);
    webhookRoutes(app, store, { allowPrivate: settings.webhookAllowPrivate });
  }
  return app;
}

/**
 * Node's request and headers timeouts (0 = off). Headers come first and all at once from
 * an honest client, so their timeout is the shorter: a slowloris holds its socket only that
 * long. Node checks both every `connectionsCheckingInterval`, so that follows the shorter.
 */
function nodeTimeouts(requestTimeoutMs: number, headersTimeoutMs: number) {
  const enabled = [requestTimeoutMs, headersTimeoutMs].filter((ms) => ms > 0);
  if (enabled.length === 0) return {};
  // Node refuses a headers timeout longer than the request timeout.
  const headersTimeout = Math.min(...enabled);
  return {
    requestTimeout: requestTimeoutMs,
    headersTimeout,
    connectionsCheckingInterval: Math.max(50, Math.min(30_000, Math.floor(headersTimeout / 4))),
  };
}

/**
 * A URL as it may be logged: the path, with the signature of a signed upload or download
 * link (valid an hour, and the only permission the link needs) cut, the artifact and
 * expiry kept; and the names of the query parameters without their values, which are
 * search words, emails and ids that a log collector need not keep.
 */
export function loggableUrl(url: string): string {
  const queryAt = url.indexOf('?');
  const path = queryAt < 0 ? url : url.slice(0, queryAt);
  const loggedPath = path.replace(/^(\/artifacts\.(?:upload|download)\/)(.*)$/, (_match, prefix: string, link: string) => {
    const cut = link.lastIndexOf('.');
    return `${prefix}${cut >= 0 ? link.slice(0, cut + 1) : ''}[redacted]`;
  });
  return queryAt < 0 ? loggedPath : `${loggedPath}?${queryParameterNames(url.slice(queryAt + 1)).join('&')}`;
}

/**
 * Each name once, in order of first appearance. A "name" that does not look like one (a
 * value sent without `=`, an encoded email) is a value in disguise and is not kept.
 */
function queryParameterNames(query: string): string[] {
  const names = new Set<string>();
  for (const pair of query.split('&')) {
    const name = pair.split('=', 1)[0]!;
    if (name !== '') names.add(/^[A-Za-z0-9_.[\]-]{1,64}$/.test(name) ? name : '[redacted]');
  }
  return [...names];
}

/** A caller's request id is kept for tracing, if it is a sane one. */
function acceptedRequestId(header: string | string[] | undefined): string | undefined {
  return typeof header === 'string' && /^[A-Za-z0-9._:-]{1,128}$/.test(header) ? header : undefined;
}
