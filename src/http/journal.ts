/**
 * The request journal over HTTP: hooks that record every API request made with a valid
 * token, its secrets redacted (see emulator/journal.ts and emulator/redact.ts), and `/confab.requests.list|count|clear` for the caller's
 * organization's admins. On in emulator mode, or with `serve --journal`; otherwise the
 * hooks are not installed and the operations do not exist (404).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { openPosition, cursorSecret, sealPosition } from '../domain/cursors.js';
import { readBeyond } from '../domain/paging.js';
import { requireAdmin } from '../domain/policy/access.js';
import { BadRequest } from '../domain/errors.js';
import { formatDisplayId, formatDon, parseRef } from '../domain/ids.js';
import { capBody, type CappedBody, type Journal, type JournalEntry, type JournalFilter, type NewJournalEntry } from '../emulator/journal.js';
import { redactSecrets, redactSecretsInJson } from '../emulator/redact.js';
import { eventDon } from '../present/events.js';
import { publicIds, type PublicIds } from '../domain/public-ids.js';
import { DEFAULT_JOURNAL_PAGE, RequestsListRequest, type JournalEntry as WireEntry } from '../schema/journal.js';
import type { Principal } from '../model/index.js';
import type { Store } from '../store/index.js';
import { operation } from './operation.js';

declare module 'fastify' {
  interface FastifyRequest {
    journalEvents?: number[];
    journalResponse?: string;
  }
}

/**
 * Not API calls: probes, docs, and the journal's own reads (which would crowd it out); nor
 * a reset, which empties the journal: a test's `beforeEach(reset)` leaves it empty.
 */
const UNRECORDED = /^\/(health|ready|metrics|openapi\.json|docs)(\/|$)|^\/confab\.requests\.|^\/confab\.reset$/;

export function registerJournal(app: FastifyInstance, store: Store, journal: Journal): void {
  // After the caller is known (authenticating made the request's store), before the
  // handler: the events its statements append are noted on this request (statement-count.ts).
  app.addHook('preHandler', (request, _reply, done) => {
    if (recorded(request) && request.statements) request.journalEvents = request.statements.appendedEvents = [];
    done();
  });
  app.addHook('onSend', async (request, reply, payload) => {
    if (typeof payload === 'string' && String(reply.getHeader('content-type') ?? '').includes('json')) {
      request.journalResponse = payload;
    }
    return payload;
  });
  app.addHook('onResponse', (request, reply, done) => {
    if (recorded(request)) journal.record(entryOf(request, request.principal!, reply.statusCode, reply.elapsedTime));
    done();
  });

  operation(app, store, {
    name: 'confab.requests.list',
    async handle({ principal }, body) {
      requireAdmin(principal, 'read or clear the request journal');
      const scope = `journal:${principal.org.id}`;
      const secret = await cursorSecret(store);
      const filter = toFilter(body);
      if (body.cursor) filter.beforeSeq = openPosition(secret, body.cursor, scope);
      const limit = body.limit ?? DEFAULT_JOURNAL_PAGE;
      const ids = await publicIds(store);
      const { rows: page, more } = await readBeyond(limit, async (size) => journal.select(principal.org.id, filter, size));
      return {
        requests: page.map((entry) => present(entry, ids)),
        ...(more && { next_cursor: sealPosition(secret, scope, page.at(-1)!.seq) }),
      };
    },
  });
  operation(app, store, {
    name: 'confab.requests.count',
    async handle({ principal }, body) {
      requireAdmin(principal, 'read or clear the request journal');
      return { count: journal.count(principal.org.id, toFilter(body)) };
    },
  });
  operation(app, store, {
    name: 'confab.requests.clear',
    async handle({ principal }) {
      requireAdmin(principal, 'read or clear the request journal');
      return { cleared: journal.clear(principal.org.id) };
    },
  });
}

/**
 * Only requests made with a valid token: an unauthenticated one belongs to no organization
 * (and an upload or download carries its permission in its signed link).
 */
function recorded(request: FastifyRequest): boolean {
  return request.principal !== undefined && !UNRECORDED.test(pathOf(request));
}

function pathOf(request: FastifyRequest): string {
  return request.url.split('?')[0]!;
}

function entryOf(request: FastifyRequest, principal: Principal, status: number, durationMs: number): NewJournalEntry {
  const route = request.routeOptions.url;
  const operation = route !== undefined && route.startsWith('/') && route.length > 1 ? route.slice(1) : undefined;
  return {
    orgId: principal.org.id,
    org: principal.org,
    requestId: String(request.id),
    time: new Date(Date.now() - durationMs).toISOString(),
    ...(operation !== undefined && { operation }),
    method: request.method,
    path: pathOf(request),
    status,
    durationMs: Math.round(durationMs * 1000) / 1000,
    caller: {
      id: formatDon(principal.user.type, principal.org.slug, principal.user.number),
      displayId: formatDisplayId(principal.user.type, principal.user.number),
      tokenId: principal.tokenNumber === undefined ? '' : formatDon('token', principal.org.slug, principal.tokenNumber),
    },
    request: requestBody(request, operation),
    response: request.journalResponse === undefined ? undefined : capBody(redactSecretsInJson(request.journalResponse, operation)),
    eventIds: request.journalEvents ?? [],
  };
}

/** The JSON body, or for a GET the query, with its secrets redacted; never headers, so never a token. */
function requestBody(request: FastifyRequest, operation: string | undefined): CappedBody | undefined {
  const value = request.method === 'GET' || request.method === 'HEAD' ? request.query : request.body;
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'object' && Object.keys(value).length === 0 && request.method === 'GET') return undefined;
  return capBody(JSON.stringify(redactSecrets(value, operation)));
}

function toFilter(body: RequestsListRequest): JournalFilter {
  if (body.user !== undefined && !isUserRef(body.user)) throw BadRequest.invalidId('user', body.user);
  if (body.since !== undefined && Number.isNaN(Date.parse(body.since))) throw BadRequest.invalidField('since', 'use an RFC 3339 timestamp');
  return {
    operation: body.operation,
    status: body.status,
    user: body.user,
    since: body.since,
    requestId: body.request_id,
    requestBody: body.request_body,
  };
}

function isUserRef(value: string): boolean {
  const ref = parseRef(value);
  return ref !== undefined && ['dev_user', 'rev_user', 'service_account', 'sys_user'].includes(ref.kind);
}

function present(entry: JournalEntry, ids: PublicIds): WireEntry {
  const body = (capped: CappedBody | undefined) => (capped === undefined ? undefined : capped.truncated ? capped.text : JSON.parse(capped.text));
  const requestBody = body(entry.request);
  const responseBody = body(entry.response);
  return {
    id: entry.requestId,
    time: entry.time,
    ...(entry.operation !== undefined && { operation: entry.operation }),
    method: entry.method,
    path: entry.path,
    status: entry.status,
    duration_ms: entry.durationMs,
    ...(entry.caller && { caller: { id: entry.caller.id, display_id: entry.caller.displayId, token_id: entry.caller.tokenId } }),
    ...(requestBody !== undefined && { request_body: requestBody }),
    request_body_truncated: entry.request?.truncated ?? false,
    ...(responseBody !== undefined && { response_body: responseBody }),
    response_body_truncated: entry.response?.truncated ?? false,
    // The events' ids as the organization's streams and webhooks show them.
    events: entry.org === null ? [] : entry.eventIds.map((id) => eventDon(entry.org!, 'event', ids.encode('event', entry.org!.id, id))),
  };
}
