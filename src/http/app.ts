/** Builds the Fastify application: parsers, hooks, one error handler, and a plugin per resource. */
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import secureJson from 'secure-json-parse';
import { BadRequest, NotFound } from '../domain/errors.js';
import type { Store } from '../store/index.js';
import { sendError } from './errors.js';
import { artifactRoutes } from './routes/artifacts.js';
import { authTokenRoutes } from './routes/auth-tokens.js';
import { chatRoutes } from './routes/chats.js';
import { devUserRoutes } from './routes/dev-users.js';
import { timelineEntryRoutes } from './routes/timeline-entries.js';
import { groupRoutes } from './routes/groups.js';
import { revRoutes } from './routes/rev.js';
import { serviceAccountRoutes } from './routes/service-accounts.js';
import { compileValidator } from './validation.js';

export const BODY_LIMIT_BYTES = 1024 * 1024;

export interface AppOptions {
  store: Store;
  logger: FastifyBaseLogger;
}

export async function buildApp({ store, logger }: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: logger,
    bodyLimit: BODY_LIMIT_BYTES,
    // genReqId reads X-Request-Id itself, so that an unsafe one is replaced, not echoed.
    requestIdHeader: false,
    genReqId: (request) => acceptedRequestId(request.headers['x-request-id']) ?? randomUUID(),
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

  app.get('/health', async () => ({ status: 'ok' }));
  chatRoutes(app, store);
  devUserRoutes(app, store);
  timelineEntryRoutes(app, store);
  authTokenRoutes(app, store);
  groupRoutes(app, store);
  serviceAccountRoutes(app, store);
  revRoutes(app, store);
  artifactRoutes(app, store);
  return app;
}

/** A caller's request id is kept for tracing, if it is a sane one. */
function acceptedRequestId(header: string | string[] | undefined): string | undefined {
  return typeof header === 'string' && /^[A-Za-z0-9._:-]{1,128}$/.test(header) ? header : undefined;
}
