/** The one place where errors become HTTP statuses and DevRev error bodies. */
import { randomUUID } from 'node:crypto';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { BadRequest, DomainError, InjectedInternalError, ServiceUnavailable, TooManyRequests } from '../domain/errors.js';
import type { ErrorBody } from '../schema/errors.js';
import { DatabaseTimeout, DatabaseUnavailable, isDatabaseBusy } from '../store/errors.js';
import { validationError } from './validation.js';

const STATUS: Record<string, number> = {
  bad_request: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_many_requests: 429,
  service_unavailable: 503,
};

/** Long enough for a PostgreSQL restart or failover to be mostly over. */
export const DATABASE_RETRY_AFTER_SECONDS = 2;

export function sendError(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const domainError = toDomainError(error as FastifyError);
  if (domainError && !(domainError instanceof InjectedInternalError)) {
    if (domainError instanceof ServiceUnavailable || domainError instanceof TooManyRequests) {
      reply.header('retry-after', String(domainError.retryAfterSeconds));
    }
    return reply.code(STATUS[domainError.kind] ?? 400).send(errorBody(domainError));
  }
  const referenceId = randomUUID();
  if (domainError) request.log.warn({ reference_id: referenceId }, 'injected internal error');
  else request.log.error({ err: error, reference_id: referenceId }, 'unexpected error');
  const body: ErrorBody = {
    type: 'internal_error',
    message: `internal error; quote reference_id ${referenceId} when reporting it`,
    reference_id: referenceId,
  };
  return reply.code(500).send(body);
}

export function errorBody(error: DomainError): ErrorBody {
  if (error instanceof TooManyRequests) return { type: error.kind, message: error.message, retry_after: error.retryAfterSeconds };
  if (!(error instanceof BadRequest)) return { type: error.kind, message: error.message };
  const { fieldName, value, allowedValues, expected, actual, reason, existingParent, isSame } = error.details;
  const body: ErrorBody = { type: error.type, message: error.message };
  if (fieldName !== undefined) body.field_name = fieldName;
  if (value !== undefined) body.value = value;
  if (allowedValues !== undefined) body.allowed_values = allowedValues;
  if (expected !== undefined) body.expected = expected;
  if (actual !== undefined) body.actual = actual;
  if (reason !== undefined) body.reason = reason;
  if (existingParent !== undefined) body.existing_parent = existingParent;
  if (isSame !== undefined) body.is_same = isSame;
  return body;
}

/** Fastify's own 4xx errors (bad JSON, oversized body, bad URL) are the client's, not bugs. */
function toDomainError(error: FastifyError): DomainError | undefined {
  if (error instanceof DomainError) return error;
  // Not a bug and not the client's fault: the database is down or restarting. Clients
  // retry after a pause while the pool reconnects by itself.
  if (error instanceof DatabaseTimeout) {
    return new ServiceUnavailable('the database did not answer in time; retry shortly', DATABASE_RETRY_AFTER_SECONDS);
  }
  if (error instanceof DatabaseUnavailable) {
    return new ServiceUnavailable('the database is unavailable; retry shortly', DATABASE_RETRY_AFTER_SECONDS);
  }
  // Another process holds SQLite's write lock past the busy timeout (a long migration, a
  // backup, a manual edit): the same answer, sooner retried.
  if (isDatabaseBusy(error)) return new ServiceUnavailable('the database is busy; retry shortly', 1);
  if (error.validation) return validationError(error.validation);
  if (typeof error.code !== 'string' || !error.code.startsWith('FST_') || (error.statusCode ?? 500) >= 500) {
    return undefined;
  }
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new BadRequest('parse_error', 'the request body is not valid JSON');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new BadRequest('bad_request', 'the request body is too large');
    default:
      return new BadRequest('bad_request', error.message);
  }
}
