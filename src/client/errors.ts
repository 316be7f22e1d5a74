import type { ErrorBody } from '../schema/errors.js';

/** A DevRev error answer: `status` and the body as sent, with its commonest fields lifted out. */
export class ConfabApiError extends Error {
  /** DevRev's error type: `not_found`, `missing_required_field`, `too_many_requests`, … */
  readonly type: string;
  readonly fieldName?: string;
  /** The server's X-Request-Id: quote it when asking about a failure. */
  readonly requestId?: string;

  constructor(
    readonly operation: string,
    readonly status: number,
    readonly body: ErrorBody,
    requestId: string | null,
  ) {
    super(`${operation}: ${status} ${body.type}: ${body.message}`);
    this.name = 'ConfabApiError';
    this.type = body.type;
    if (body.field_name !== undefined) this.fieldName = body.field_name;
    if (requestId !== null) this.requestId = requestId;
  }
}

/** The server could not be reached, or answered with something that is not a DevRev body. */
export class ConfabTransportError extends Error {
  constructor(
    readonly operation: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${operation}: ${message}`, options);
    this.name = 'ConfabTransportError';
  }
}
