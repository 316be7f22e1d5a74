/**
 * `GET /openapi.json` and `GET /docs`. The document is generated from the routes'
 * own TypeBox schemas (the ones that validate requests and serialize responses), so it
 * cannot drift from what the server does. Error responses are added here, once, because
 * every DevRev operation can answer with the same error bodies.
 */
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance, FastifySchema } from 'fastify';
import { ErrorBody } from '../schema/errors.js';
import { SEARCH_OPERATIONS } from './rate-limit.js';

const { $id: _errorId, ...errorSchema } = ErrorBody;

/** What each error status means on every authenticated operation (DESIGN.md, "Errors"). */
const OPERATION_ERRORS: Record<string, string> = {
  400: 'Bad request: malformed JSON, a schema violation or a broken rule (`type` says which, `field_name` where)',
  401: 'Unauthenticated: the token is missing, unknown, expired or revoked',
  403: 'Forbidden: authenticated, but not allowed',
  404: 'Not found in the caller\'s organization; a customer (rev user) gets this same answer for anything hidden from them',
  409: 'Conflict: a unique property is already taken',
  429: 'Too many requests (a rate limit; or, behind a trusted proxy, too many requests in flight from one client; or too many open event streams for the token or user): wait `retry_after` seconds (also in the `Retry-After` header)',
  500: 'Internal error: quote `reference_id` when reporting it',
  503: 'Service unavailable: retry after the `Retry-After` header',
};

/** The search operations' 429 comes from a bucket of their own (http/rate-limit.ts). */
const SEARCH_TOO_MANY =
  'Too many requests: searches (`timeline-entries.search` and `search.core` together) have a lower limit of their own, ' +
  '`RATE_LIMIT_SEARCH` a minute per user; wait `retry_after` seconds (also in the `Retry-After` header)';

/** Operational endpoints (health, metrics) can still fail as a whole. */
const SERVER_ERRORS = ['500', '503'];

const CONFAB_LOGO =
  '<svg xmlns="http://www.w3.org/2000/svg" width="150" height="40" viewBox="0 0 150 40"><rect x="1" y="6" width="34" height="26" rx="7" fill="#2f6fde"/><path d="M10 32 L8 39 L17 32 Z" fill="#2f6fde"/><circle cx="11" cy="19" r="3" fill="#fff"/><circle cx="18" cy="19" r="3" fill="#fff"/><circle cx="25" cy="19" r="3" fill="#fff"/><text x="44" y="28" font-family="sans-serif" font-size="22" font-weight="700" fill="#ffffff">Confab</text></svg>';

export const OPENAPI_PATH = '/openapi.json';
export const DOCS_PREFIX = '/docs';

export interface RouteEntry {
  method: string;
  url: string;
  /** Left out of the document on purpose (the document itself and the reference page). */
  hidden: boolean;
}

const routeTables = new WeakMap<FastifyInstance, RouteEntry[]>();

/** Every route the app has, as registered: what the OpenAPI document must cover. */
export function routeTable(app: FastifyInstance): readonly RouteEntry[] {
  return routeTables.get(app) ?? [];
}

export async function registerOpenApi(app: FastifyInstance, version: string): Promise<void> {
  const routes: RouteEntry[] = [];
  routeTables.set(app, routes);
  app.addHook('onRoute', (route) => {
    const hidden = (route.schema as { hide?: boolean } | undefined)?.hide === true;
    for (const method of [route.method].flat()) routes.push({ method, url: route.url, hidden });
  });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Confab API',
        version,
        description:
          "Confab speaks DevRev's REST API for chats: `POST /<resource>.<verb>` with a JSON body; reads also answer `GET` " +
          'with the same fields as query parameters. Authenticate with `Authorization: Bearer <token>`.',
      },
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'An API token (`confab tokens create`).' } },
        schemas: { error: errorSchema as Record<string, unknown> },
      },
    },
    // Shared schemas keep their TypeBox `$id` as their component name (`user-summary`).
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
    transform: ({ schema, url }) => ({ schema: withErrorResponses(schema as FastifySchema | undefined, url), url }),
  });
  await app.register(swaggerUi, {
    routePrefix: DOCS_PREFIX,
    staticCSP: true,
    uiConfig: { docExpansion: 'list' },
    // The reference page is Confab's: its name in the title bar and its mark, not the framework's.
    theme: { title: 'Confab API reference' },
    logo: { type: 'image/svg+xml', content: CONFAB_LOGO, href: '/', target: '_self' },
  });
  app.get(OPENAPI_PATH, { schema: { hide: true } }, async () => app.swagger());
}

/**
 * A route outside the DevRev operations (the signed-link upload) names its own error
 * responses in `errorResponses` (status → description): documentation only, so that they
 * never become a response schema that would serialize, and trim, the error bodies.
 */
export interface DocumentedErrors {
  errorResponses?: Record<string, string>;
}

function withErrorResponses(schema: FastifySchema | undefined, url: string): FastifySchema {
  const { errorResponses = {}, ...base }: FastifySchema & DocumentedErrors = schema ?? {};
  const authenticated = Array.isArray((base as { security?: unknown }).security);
  const codes = authenticated ? OPERATION_ERRORS : Object.fromEntries(SERVER_ERRORS.map((code) => [code, OPERATION_ERRORS[code]!]));
  const response: Record<string, unknown> = { ...((base.response as Record<string, unknown> | undefined) ?? {}) };
  for (const [code, operationDescription] of Object.entries({ ...codes, ...errorResponses })) {
    const description = code === '429' && SEARCH_OPERATIONS.has(url) ? SEARCH_TOO_MANY : operationDescription;
    response[code] ??= { description, content: { 'application/json': { schema: { $ref: '#/components/schemas/error' } } } };
  }
  return { ...base, response };
}
