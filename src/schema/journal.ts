/** The request journal's operations (`/confab.requests.*`, a Confab addition for tests). */
import { Type, type Static } from '@sinclair/typebox';

export const MAX_JOURNAL_PAGE = 100;
export const DEFAULT_JOURNAL_PAGE = 50;

const JournalFilterFields = {
  /** An operation name as in the path: `chats.create`. */
  operation: Type.Optional(Type.String({ minLength: 1, maxLength: 128, pattern: '^[a-z0-9-]+(\\.[a-z0-9-]+)+$' })),
  status: Type.Optional(Type.Integer({ minimum: 100, maximum: 599 })),
  /** The caller: a user DON or display id. */
  user: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
  since: Type.Optional(Type.String({ format: 'date-time' })),
  request_id: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
  /** Requests whose JSON body contains this: objects by subset of keys, arrays by inclusion. */
  request_body: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
};

export const RequestsCountRequest = Type.Object(JournalFilterFields, { additionalProperties: false });
export type RequestsCountRequest = Static<typeof RequestsCountRequest>;

export const RequestsListRequest = Type.Object(
  {
    ...JournalFilterFields,
    cursor: Type.Optional(Type.String({ maxLength: 512 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_JOURNAL_PAGE })),
  },
  { additionalProperties: false },
);
export type RequestsListRequest = Static<typeof RequestsListRequest>;

export const JournalEntry = Type.Object({
  /** The request id (`x-request-id`). */
  id: Type.String(),
  time: Type.String(),
  operation: Type.Optional(Type.String()),
  method: Type.String(),
  path: Type.String(),
  status: Type.Integer(),
  duration_ms: Type.Number(),
  caller: Type.Optional(Type.Object({ id: Type.String(), display_id: Type.String(), token_id: Type.String() })),
  /** The JSON body (for a GET, its query); when cut at 64 KB, the text kept, as a string. */
  request_body: Type.Optional(Type.Unknown()),
  request_body_truncated: Type.Boolean(),
  response_body: Type.Optional(Type.Unknown()),
  response_body_truncated: Type.Boolean(),
  /** Ids of the outbox events (webhook and stream events) the request caused. */
  events: Type.Array(Type.String()),
});
export type JournalEntry = Static<typeof JournalEntry>;

export const RequestsListResponse = Type.Object({
  requests: Type.Array(JournalEntry),
  next_cursor: Type.Optional(Type.String()),
});
export const RequestsCountResponse = Type.Object({ count: Type.Integer() });
export const RequestsClearRequest = Type.Object({}, { additionalProperties: false });
export const RequestsClearResponse = Type.Object({ cleared: Type.Integer() });
