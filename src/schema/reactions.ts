/** DevRev's reactions.update and reactions.list, exactly as its OpenAPI document has them. */
import { Type, type Static } from '@sinclair/typebox';
import { MAX_CURSOR_LENGTH, MAX_PAGE_SIZE } from './limits.js';
import { Id, StringEnum, UserSummary } from './common.js';

/** A short name or a code point sequence; the longest in the data is far shorter. */
const Emoji = Type.String({ minLength: 1, maxLength: 100 });

export const ReactionsUpdateRequest = Type.Object({
  object: Id,
  emoji: Emoji,
  action: StringEnum(['add', 'remove'] as const),
});
export type ReactionsUpdateRequest = Static<typeof ReactionsUpdateRequest>;

export const ReactionsUpdateResponse = Type.Object({}, { additionalProperties: false });

export const ReactionsListRequest = Type.Object({
  object: Id,
  emoji: Emoji,
  cursor: Type.Optional(Type.String({ maxLength: MAX_CURSOR_LENGTH })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE_SIZE })),
});
export type ReactionsListRequest = Static<typeof ReactionsListRequest>;

export const ReactionsListResponse = Type.Object({
  reactors: Type.Array(UserSummary),
  next_cursor: Type.Optional(Type.String()),
});
export type ReactionsListResponse = Static<typeof ReactionsListResponse>;
