/** DevRev's support conversations on the wire (`conversation`, `conversations-*-request|response`). */
import { Type, type Static } from '@sinclair/typebox';
import { GroupSummary, Id, StringEnum, Timestamp, UserSummary } from './common.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './limits.js';
import { MAX_TITLE_LENGTH } from './chats.js';

export const MAX_CONVERSATION_MEMBERS = 64;
export const MAX_CONVERSATION_OWNERS = 16;
export const MAX_CONVERSATION_MESSAGES = 16;
export const MAX_DESCRIPTION_LENGTH = 65_536;
const MAX_FILTER_VALUES = 64;

const CustomFields = Type.Record(Type.String(), Type.Unknown());
const Ids = (maxItems: number) => Type.Array(Id, { maxItems });
const TagWithValue = Type.Object({ id: Id, value: Type.Optional(Type.String({ maxLength: 1024 })) });
const Text = Type.String({ maxLength: MAX_TITLE_LENGTH });
const ListMode = StringEnum(['after', 'before'] as const);
/** Confab addition: DevRev's conversations.list has no sort order to choose; Confab's is newest first by either time. */
export const CONVERSATION_SORTS = ['modified_date:desc', 'created_date:desc'] as const;
const SortBy = Type.Array(StringEnum(CONVERSATION_SORTS), { maxItems: 1 });
const DateRange = Type.Object({ after: Type.Optional(Timestamp), before: Type.Optional(Timestamp) });

/** DevRev's `legacy-stage`: Confab's stages are DevRev's stock ones, named (conversation-stages.ts). */
const Stage = Type.Object({ name: Type.String() });

/** DevRev's `tag-with-value`: Confab keeps no tag objects, so a tag is named by its id. */
const TagWire = Type.Object({
  tag: Type.Object({ id: Type.String(), display_id: Type.Optional(Type.String()), name: Type.String() }),
  value: Type.Optional(Type.String()),
});

export const Conversation = Type.Object({
  id: Type.String(),
  display_id: Type.String(),
  created_by: UserSummary,
  created_date: Timestamp,
  modified_by: UserSummary,
  modified_date: Timestamp,
  title: Type.Optional(Type.String()),
  description: Type.Optional(Type.String()),
  members: Type.Array(UserSummary),
  owned_by: Type.Array(UserSummary),
  group: Type.Optional(GroupSummary),
  stage: Stage,
  tags: Type.Optional(Type.Array(TagWire)),
  source_channel: Type.Optional(Type.String()),
  actual_close_date: Type.Optional(Timestamp),
  custom_fields: Type.Optional(CustomFields),
});
export type Conversation = Static<typeof Conversation>;

export const ConversationResponse = Type.Object({ conversation: Conversation });

export const ConversationsCreateRequest = Type.Object({
  type: StringEnum(['support'] as const),
  title: Type.Optional(Text),
  description: Type.Optional(Type.String({ maxLength: MAX_DESCRIPTION_LENGTH })),
  members: Type.Optional(Ids(MAX_CONVERSATION_MEMBERS)),
  owned_by: Type.Optional(Ids(MAX_CONVERSATION_OWNERS)),
  group: Type.Optional(Id),
  stage: Type.Optional(Type.Object({ id: Type.Optional(Id), name: Type.Optional(Type.String({ maxLength: 64 })) })),
  tags: Type.Optional(Type.Array(TagWithValue, { maxItems: 64 })),
  messages: Type.Optional(
    Type.Array(Type.Object({ body: Type.Optional(Type.String()), artifacts: Type.Optional(Ids(50)) }), { maxItems: MAX_CONVERSATION_MESSAGES }),
  ),
  source_channel: Type.Optional(Type.String({ maxLength: 256 })),
  is_spam: Type.Optional(Type.Boolean()),
  custom_fields: Type.Optional(CustomFields),
  metadata: Type.Optional(Type.Object({ url_context: Type.Optional(Type.String()) })),
});

export const ConversationsIdRequest = Type.Object({ id: Id });

const SetIds = (maxItems: number) => Type.Object({ set: Type.Optional(Ids(maxItems)) });

export const ConversationsUpdateRequest = Type.Object({
  id: Id,
  title: Type.Optional(Text),
  description: Type.Optional(Type.String({ maxLength: MAX_DESCRIPTION_LENGTH })),
  members: Type.Optional(SetIds(MAX_CONVERSATION_MEMBERS)),
  owned_by: Type.Optional(SetIds(MAX_CONVERSATION_OWNERS)),
  group: Type.Optional(Type.String()),
  stage: Type.Optional(Type.Object({ name: Type.Optional(Type.String({ maxLength: 64 })), stage: Type.Optional(Id) })),
  is_spam: Type.Optional(Type.Boolean()),
  is_frozen: Type.Optional(Type.Boolean()),
  tags: Type.Optional(
    Type.Object({
      set: Type.Optional(Type.Array(TagWithValue, { maxItems: 64 })),
      add: Type.Optional(Type.Array(TagWithValue, { maxItems: 64 })),
      remove: Type.Optional(Type.Array(Type.Object({ id: Id }), { maxItems: 64 })),
    }),
  ),
  custom_fields: Type.Optional(CustomFields),
});

/** The filters of conversations.list and .export, as DevRev's request bodies name them. */
const ListFilters = {
  members: Type.Optional(Ids(MAX_FILTER_VALUES)),
  owned_by: Type.Optional(Ids(MAX_FILTER_VALUES)),
  rev_org: Type.Optional(Ids(MAX_FILTER_VALUES)),
  rev_orgs: Type.Optional(Ids(MAX_FILTER_VALUES)),
  group: Type.Optional(Ids(MAX_FILTER_VALUES)),
  is_spam: Type.Optional(Type.Boolean()),
  is_frozen: Type.Optional(Type.Boolean()),
  tags: Type.Optional(Ids(MAX_FILTER_VALUES)),
  stage: Type.Optional(Type.Object({ name: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: MAX_FILTER_VALUES })) })),
  modified_date: Type.Optional(DateRange),
  /** Confab addition: DevRev filters conversations by modified_date only. */
  created_date: Type.Optional(DateRange),
  sort_by: Type.Optional(SortBy),
};

export const ConversationsListRequest = Type.Object({
  ...ListFilters,
  cursor: Type.Optional(Type.String()),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE })),
  mode: Type.Optional(ListMode),
});
export type ConversationsListRequest = Static<typeof ConversationsListRequest>;

export const ConversationsListResponse = Type.Object({
  conversations: Type.Array(Conversation),
  next_cursor: Type.Optional(Type.String()),
  prev_cursor: Type.Optional(Type.String()),
});

export const ConversationsExportRequest = Type.Object({
  ...ListFilters,
  first: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE_SIZE })),
});

export const ConversationsExportResponse = Type.Object({ conversations: Type.Array(Conversation) });

/** The GET forms: DevRev's query parameters, nested fields spelled with a dot. */
const QueryFilters = {
  members: ListFilters.members,
  owned_by: ListFilters.owned_by,
  rev_org: ListFilters.rev_org,
  rev_orgs: ListFilters.rev_orgs,
  group: ListFilters.group,
  is_spam: ListFilters.is_spam,
  is_frozen: ListFilters.is_frozen,
  tags: ListFilters.tags,
  'stage.name': Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: MAX_FILTER_VALUES })),
  'modified_date.after': Type.Optional(Timestamp),
  'modified_date.before': Type.Optional(Timestamp),
  'created_date.after': Type.Optional(Timestamp),
  'created_date.before': Type.Optional(Timestamp),
  sort_by: ListFilters.sort_by,
};

export const ConversationsListQuery = Type.Object({
  ...QueryFilters,
  cursor: Type.Optional(Type.String()),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE_SIZE })),
  mode: Type.Optional(ListMode),
});

export const ConversationsExportQuery = Type.Object({
  ...QueryFilters,
  first: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE_SIZE })),
});
