/** timeline-entries.search: a Confab addition (DevRev's search.core has no namespace for messages). */
import { Type, type Static } from '@sinclair/typebox';
import { MAX_CURSOR_LENGTH } from '../domain/cursors.js';
import { MAX_PAGE_SIZE, MAX_QUERY_LENGTH } from '../domain/search.js';
import { Id } from './common.js';
import { TimelineEntry } from './timeline-entries.js';

export const TimelineEntriesSearchRequest = Type.Object({
  query: Type.String({ minLength: 1, maxLength: MAX_QUERY_LENGTH }),
  /** Only this chat's entries (and its threads'). */
  chat: Type.Optional(Id),
  cursor: Type.Optional(Type.String({ maxLength: MAX_CURSOR_LENGTH })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE_SIZE })),
});
export type TimelineEntriesSearchRequest = Static<typeof TimelineEntriesSearchRequest>;

export const TimelineEntriesSearchResponse = Type.Object({
  results: Type.Array(
    Type.Object({
      timeline_entry: TimelineEntry,
      /** The body around the first match, HTML-escaped, matched words in `<mark>…</mark>`. */
      snippet: Type.String(),
    }),
  ),
  next_cursor: Type.Optional(Type.String()),
});
export type TimelineEntriesSearchResponse = Static<typeof TimelineEntriesSearchResponse>;
