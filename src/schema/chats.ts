import { Type, type Static } from '@sinclair/typebox';
import { GroupSummary, Id, SyncMetadata, Timestamp, UserSummary } from './common.js';

export const MAX_CHAT_USERS = 16;
export const MAX_CHAT_RECORDS = 16;
export const MAX_CHAT_GROUPS = 16;
export const MAX_TITLE_LENGTH = 1024;

const ChatType = Type.Literal('dm');
const Users = Type.Array(Id, { minItems: 1, maxItems: MAX_CHAT_USERS });
const Records = Type.Array(Id, { maxItems: MAX_CHAT_RECORDS });
/** Confab addition: DevRev's responses carry `groups`, but its requests have no field for them yet. */
const Groups = Type.Array(Id, { maxItems: MAX_CHAT_GROUPS });
const CustomFields = Type.Record(Type.String(), Type.Unknown());

export const Chat = Type.Object({
  type: ChatType,
  id: Type.String(),
  display_id: Type.String(),
  title: Type.Optional(Type.String()),
  created_by: UserSummary,
  created_date: Timestamp,
  modified_by: UserSummary,
  modified_date: Timestamp,
  users: Type.Array(UserSummary),
  groups: Type.Optional(Type.Array(GroupSummary)),
  sync_metadata: Type.Optional(SyncMetadata),
});
export type Chat = Static<typeof Chat>;

export const ChatResponse = Type.Object({ chat: Chat });
export type ChatResponse = Static<typeof ChatResponse>;

export const ChatsCreateRequest = Type.Object({
  type: ChatType,
  users: Users,
  is_default: Type.Optional(Type.Boolean()),
  get_if_conflict: Type.Optional(Type.Boolean()),
  title: Type.Optional(Type.String({ maxLength: MAX_TITLE_LENGTH })),
  records: Type.Optional(Records),
  groups: Type.Optional(Groups),
  custom_fields: Type.Optional(CustomFields),
  custom_schema_spec: Type.Optional(Type.Object({})),
});
export type ChatsCreateRequest = Static<typeof ChatsCreateRequest>;

/** `id`, or `type: "dm"` with `users`: the domain says which is missing. */
export const ChatsGetRequest = Type.Object({
  id: Type.Optional(Id),
  type: Type.Optional(ChatType),
  users: Type.Optional(Users),
});
export type ChatsGetRequest = Static<typeof ChatsGetRequest>;

export const ChatsGetQuery = Type.Object({ id: Type.Optional(Id) });

/** chats.leave (Confab addition): the caller leaves a chat of three or more that is not a default DM. */
export const ChatsLeaveRequest = Type.Object({ id: Id });

export const ChatsUpdateRequest = Type.Object({
  id: Id,
  type: Type.Optional(ChatType),
  title: Type.Optional(Type.String({ maxLength: MAX_TITLE_LENGTH })),
  users: Type.Optional(Type.Object({ set: Users }, { required: ['set'] })),
  records: Type.Optional(Type.Object({ set: Type.Optional(Records) })),
  groups: Type.Optional(Type.Object({ set: Groups })),
  custom_fields: Type.Optional(CustomFields),
  custom_schema_spec: Type.Optional(Type.Object({})),
});
export type ChatsUpdateRequest = Static<typeof ChatsUpdateRequest>;
