/** Builds the Fastify application: parsers, hooks, one error handler, and a plugin per resource. */
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import secureJson from 'secure-json-parse';
import { BadRequest, NotFound } from '../domain/errors.js';
import type { Realtime } from '../realtime/index.js';
import type { Store } from '../store/index.js';
import { sendError } from './errors.js';
import { registerFaults } from './faults.js';
import { registerJournal } from './journal.js';
import type { Emulator } from '../emulator/index.js';
import type { Journal } from '../emulator/journal.js';
import { emulatorOperations } from './routes/emulator.js';
import { clientErrorHandler, registerLimits } from './limits.js';
import { registerConsole } from './console.js';
import { registerMetrics } from './metrics.js';
import { registerOpenApi } from './openapi.js';
import { DEFAULT_OVERLOAD, registerOverload, type OverloadOptions } from './overload.js';
import { registerRateLimit, type RateLimitOptions } from './rate-limit.js';
import { artifactRoutes } from './routes/artifacts.js';
import { authTokenRoutes } from './routes/auth-tokens.js';
import { chatRoutes } from './routes/chats.js';
import { chatListRoutes } from './routes/chat-list.js';
import { reactionRoutes } from './routes/reactions.js';
import { searchRoutes } from './routes/search.js';
import { devUserRoutes } from './routes/dev-users.js';
import { eventRoutes } from './routes/events.js';
import { typingRoutes } from './routes/typing.js';
import { groupRoutes } from './routes/groups.js';
import { emulatorRoutes, readinessRoutes } from './routes/ops.js';
import { revRoutes } from './routes/rev.js';
import { serviceAccountRoutes } from './routes/service-accounts.js';
import { timelineEntryRoutes } from './routes/timeline-entries.js';
import { webhookRoutes } from './routes/webhooks.js';
import { registerDraining } from './shutdown.js';
import { compileValidator } from './validation.js';

export const BODY_LIMIT_BYTES = 1024 * 1024;
/** From package.json, which sits two levels above both src/http and dist/http. */
export const CONFAB_VERSION = (createRequire(import.meta.url)('../../package.json') as { version: string }).version;

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
}: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: logger,
    bodyLimit: BODY_LIMIT_BYTES,
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

  app.setValidatorCompiler(compileValidator);
  app.setErrorHandler((error, request, reply) => sendError(error, request, reply));
  app.setNotFoundHandler((request, reply) =>
    sendError(new NotFound('route', `${request.method} ${request.url.split('?')[0]}`), request, reply),
  );

  // DevRev's clients always send JSON; so does everyone else who reads the docs. A body
  // with another or no content type is read as JSON too, and an empty body is `{}`.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string', bodyLimit: BODY_LIMIT_BYTES }, (_request, body, done) => {
    const text = (body as string).trim();
    if (text === '') return done(null, {});
    try {
      done(null, secureJson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' }));
    } catch {
      done(new BadRequest('parse_error', 'the request body is not valid JSON'), undefined);
    }
  });

  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  // Logging was ~10% of chats.get's CPU with a line for the request and one for the
  // response; the response's line carries everything the request's did.
  app.addHook('onResponse', (request, reply, done) => {
    request.log.info(
      { req: { method: request.method, url: request.url }, res: { statusCode: reply.statusCode }, responseTime: reply.elapsedTime },
      'request completed',
    );
    done();
  });

  // Before any route, so that the document and the metrics see every one.
  await registerOpenApi(app, CONFAB_VERSION);
  registerMetrics(app, { readiness });
  await registerOverload(app, overload ?? DEFAULT_OVERLOAD);
  registerDraining(app);
  if (rateLimit) await registerRateLimit(app, store, rateLimit);
  if (faults) registerFaults(app, store);
  if (journal) registerJournal(app, store, journal);
  registerLimits(app);
  app.get('/health', async () => ({ status: 'ok' }));
  await registerConsole(app);
  readinessRoutes(app, readiness);
  if (emulator) {
    emulatorRoutes(app, emulator);
    emulatorOperations(app, store, emulator);
  }
  chatRoutes(app, store);
  chatListRoutes(app, store);
  reactionRoutes(app, store);
  searchRoutes(app, store);
  devUserRoutes(app, store);
  timelineEntryRoutes(app, store);
  authTokenRoutes(app, store);
  groupRoutes(app, store);
  serviceAccountRoutes(app, store);
  revRoutes(app, store);
  artifactRoutes(app, store);
  if (realtime) {
    const { settings, dispatcher } = realtime;
    eventRoutes(
      app,
      store,
      dispatcher,
      { heartbeatMs: settings.streamHeartbeatMs, maxBufferBytes: settings.streamMaxBufferBytes },
      realtime.ephemeral,
    );
    typingRoutes(app, store, realtime.ephemeral);
    webhookRoutes(app, store, { allowPrivate: settings.webhookAllowPrivate });
  }
  return app;
}

/** A caller's request id is kept for tracing, if it is a sane one. */
function acceptedRequestId(header: string | string[] | undefined): string | undefined {
  return typeof header === 'string' && /^[A-Za-z0-9._:-]{1,128}$/.test(header) ? header : undefined;
}
