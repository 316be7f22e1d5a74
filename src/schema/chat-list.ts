/** chats.list and read state: Confab additions, documented as such in /openapi.json. */
import { Type, type Static } from '@sinclair/typebox';
import { MAX_CURSOR_LENGTH, MAX_PAGE_SIZE } from './limits.js';
import { Chat, MAX_CHAT_USERS } from './chats.js';
import { Id, StringEnum } from './common.js';
import { TimelineEntry } from './timeline-entries.js';

export const ChatsListRequest = Type.Object({
  cursor: Type.Optional(Type.String({ maxLength: MAX_CURSOR_LENGTH })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE_SIZE })),
  mode: Type.Optional(StringEnum(['after', 'before'] as const)),
  type: Type.Optional(Type.Array(StringEnum(['dm'] as const), { maxItems: 1 })),
  /** Only chats whose users include every one of these. */
  users: Type.Optional(Type.Array(Id, { maxItems: MAX_CHAT_USERS })),
  is_default: Type.Optional(Type.Boolean()),
});
export type ChatsListRequest = Static<typeof ChatsListRequest>;

export const ChatListItem = Type.Object({
  chat: Chat,
  /** Entries after the caller's read marker that others wrote and the caller may see. */
  unread_count: Type.Integer({ minimum: 0 }),
  /** Replies others wrote after the caller's read marker, in threads the caller started or replied in. */
  unread_thread_count: Type.Integer({ minimum: 0 }),
  /** The chat's latest entry the caller may see; absent in a chat with none. */
  last_entry: Type.Optional(TimelineEntry),
});

export const ChatsListResponse = Type.Object({
  chats: Type.Array(ChatListItem),
  next_cursor: Type.Optional(Type.String()),
  prev_cursor: Type.Optional(Type.String()),
});
export type ChatsListResponse = Static<typeof ChatsListResponse>;

export const ChatsMarkReadRequest = Type.Object({
  id: Id,
  /** Read up to and including this entry; default: the chat's latest. */
  entry: Type.Optional(Id),
});

export const ChatsMarkUnreadRequest = Type.Object({
  id: Id,
  /** The first entry that is unread again. */
  entry: Id,
});

export const EmptyResponse = Type.Object({});

/** chats.typing (Confab addition): tell the chat's other members one is typing. */
export const ChatsTypingRequest = Type.Object({ id: Id });
export const ChatsTypingResponse = Type.Object({});
