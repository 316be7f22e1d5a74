/**
 * Typed domain errors. The domain throws these; only `http/errors.ts` turns them
 * into status codes and DevRev error bodies.
 */

/** DevRev's 400 sub-types that Confab produces. */
export type BadRequestType =
  | 'bad_request'
  | 'parse_error'
  | 'missing_required_field'
  | 'invalid_field'
  | 'invalid_enum_value'
  | 'invalid_id'
  | 'unexpected_id_type'
  | 'unexpected_json_type'
  | 'value_not_permitted'
  | 'artifact_already_attached_to_a_parent';

export type JsonTypeName = 'array' | 'bool' | 'null' | 'number' | 'object' | 'string';

export interface BadRequestDetails {
  fieldName?: string;
  /** invalid_enum_value */
  value?: string;
  allowedValues?: string[];
  /** unexpected_json_type */
  expected?: JsonTypeName;
  actual?: JsonTypeName;
  /** value_not_permitted */
  reason?: string;
  /** artifact_already_attached_to_a_parent: the parent's id, and whether it is the one asked for. */
  existingParent?: string;
  isSame?: boolean;
}

export abstract class DomainError extends Error {
  abstract readonly kind: string;
}

export class BadRequest extends DomainError {
  readonly kind = 'bad_request';
  constructor(
    readonly type: BadRequestType,
    message: string,
    readonly details: BadRequestDetails = {},
  ) {
    super(message);
  }

  static missingField(fieldName: string): BadRequest {
    return new BadRequest('missing_required_field', `${fieldName} is required`, { fieldName });
  }

  static invalidId(fieldName: string, value: string): BadRequest {
    return new BadRequest('invalid_id', `${fieldName}: '${truncate(value)}' is not a valid ID`, { fieldName });
  }

  static unexpectedIdType(fieldName: string, value: string, expected: string): BadRequest {
    return new BadRequest('unexpected_id_type', `${fieldName}: '${truncate(value)}' is not the ID of a ${expected}`, {
      fieldName,
    });
  }

  static notPermitted(fieldName: string, reason: string): BadRequest {
    return new BadRequest('value_not_permitted', `${fieldName}: ${reason}`, { fieldName, reason });
  }

  static alreadyAttached(fieldName: string, existingParent: string, isSame: boolean): BadRequest {
    return new BadRequest('artifact_already_attached_to_a_parent', `${fieldName}: the artifact is already attached to ${existingParent}`, {
      fieldName,
      existingParent,
      isSame,
    });
  }

  static invalidField(fieldName: string, message: string): BadRequest {
    return new BadRequest('invalid_field', `${fieldName}: ${message}`, { fieldName });
  }
}

export class Unauthenticated extends DomainError {
  readonly kind = 'unauthenticated';
}

export class Forbidden extends DomainError {
  readonly kind = 'forbidden';
}

export class NotFound extends DomainError {
  readonly kind = 'not_found';
  constructor(resource: string, ref?: string) {
    super(ref === undefined ? `${resource} not found` : `${resource} ${truncate(ref)} not found`);
  }
}

export class Conflict extends DomainError {
  readonly kind = 'conflict';
}

export class ServiceUnavailable extends DomainError {
  readonly kind = 'service_unavailable';
  constructor(
    message: string,
    readonly retryAfterSeconds = 1,
  ) {
    super(message);
  }
}

/** Over a rate limit (real or injected): the caller should wait `retryAfterSeconds`. */
export class TooManyRequests extends DomainError {
  readonly kind = 'too_many_requests';
  constructor(
    message: string,
    readonly retryAfterSeconds = 1,
  ) {
    super(message);
  }
}

/** A failure injected on request (switchable faults): the same body a real bug gets. */
export class InjectedInternalError extends DomainError {
  readonly kind = 'internal_error';
}

/** Echoing attacker-controlled values back is fine, echoing megabytes of them is not. */
export function truncate(value: string, max = 64): string {
  return value.length <= max ? value : `${value.slice(0, max)}…`;
}
