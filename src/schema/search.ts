/** search.core in DevRev's shapes, and timeline-entries.search, a Confab addition (search.core has no namespace for messages). */
import { Type, type Static } from '@sinclair/typebox';
import { MAX_CURSOR_LENGTH, MAX_PAGE_SIZE, MAX_QUERY_LENGTH } from './limits.js';
import { GroupSummary, Id, OrgSummary, StringEnum, Timestamp, UserSummary } from './common.js';
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

/** DevRev's `search-namespace`: all of them are accepted; Confab has objects for five. */
const SEARCH_NAMESPACES = [
  'account', 'article', 'capability', 'component', 'conversation', 'custom_object', 'custom_part', 'custom_work',
  'dashboard', 'dev_user', 'enhancement', 'feature', 'group', 'issue', 'linkable', 'microservice', 'object_member',
  'operation', 'opportunity', 'product', 'project', 'question_answer', 'rev_org', 'rev_user', 'runnable',
  'service_account', 'sys_user', 'tag', 'task', 'ticket', 'vista', 'workflow',
] as const;

export const SearchCoreRequest = Type.Object({
  query: Type.String({ minLength: 1, maxLength: MAX_QUERY_LENGTH }),
  namespaces: Type.Optional(Type.Array(StringEnum(SEARCH_NAMESPACES), { maxItems: SEARCH_NAMESPACES.length })),
  cursor: Type.Optional(Type.String({ maxLength: MAX_CURSOR_LENGTH })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE_SIZE })),
  mode: Type.Optional(StringEnum(['after', 'before'] as const)),
  sort_by: Type.Optional(StringEnum(['created_date', 'modified_date', 'relevance'] as const)),
  sort_order: Type.Optional(StringEnum(['asc', 'desc'] as const)),
});
export type SearchCoreRequest = Static<typeof SearchCoreRequest>;

/** DevRev's `search-result` branches for the objects Confab has. */
export const SearchResult = Type.Union([
  Type.Object({ type: Type.Literal('user'), user: UserSummary, modified_date: Type.Optional(Timestamp), snippet: Type.Optional(Type.String()) }),
  Type.Object({ type: Type.Literal('group'), group: GroupSummary, modified_date: Type.Optional(Timestamp), snippet: Type.Optional(Type.String()) }),
  Type.Object({ type: Type.Literal('org'), org: OrgSummary, modified_date: Type.Optional(Timestamp), snippet: Type.Optional(Type.String()) }),
]);

export const SearchCoreResponse = Type.Object({
  results: Type.Array(SearchResult),
  next_cursor: Type.Optional(Type.String()),
  prev_cursor: Type.Optional(Type.String()),
});
export type SearchCoreResponse = Static<typeof SearchCoreResponse>;
