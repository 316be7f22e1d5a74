/**
 * chats.list and read state (Confab additions: DevRev documents no way to list one's chats).
 * A user's chats — as a user of the chat or through one of its groups — newest activity
 * first, each with what that user has not read yet. Pages are keyset slices of
 * (activity, chat), cut on the caller's membership rows, so the first page costs the
 * same at a thousand chats or a million.
 */
import type { Store } from '../store/index.js';
import type { ChatActivity } from '../store/chats.js';
import type { TimelinePosition, TimelineView } from '../store/timeline-entries.js';
import { absent } from './policy/customers.js';
import { readerOf } from './policy/visibility.js';
import { cursorSecret, openKeyCursor, sealKeyCursor, type ListMode } from './cursors.js';
import { BadRequest } from './errors.js';
import { recordChatReadEvent } from './events.js';
import { resolveUsers, Unresolved } from './members.js';
import { readEntry, findTimelineChat } from './timeline-entries.js';
import { pageBothWays } from './paging.js';
import { now, type Chat, type Principal, type TimelineEntry, type User } from '../model/index.js';
import { DEFAULT_PAGE_SIZE } from '../schema/limits.js';


export interface ListChatsInput {
  cursor?: string;
  limit?: number;
  mode?: ListMode;
  type?: 'dm'[];
  users?: string[];
  isDefault?: boolean;
}

export interface ChatListItem {
  chat: Chat;
  /** Entries after the caller's read marker that others wrote and the caller may see. */
  unreadCount: number;
  /** Replies others wrote after the marker, in threads the caller started or replied in. */
  unreadThreadCount: number;
  lastEntry?: TimelineEntry;
}

export interface ChatListPage {
  items: ChatListItem[];
  nextCursor?: string;
  prevCursor?: string;
}

export async function listChats(store: Store, principal: Principal, input: ListChatsInput): Promise<ChatListPage> {
  const { user } = principal;
  const list = `chats.list:${user.id}`;
  const secret = await cursorSecret(store);
  const cursor = input.cursor === undefined ? undefined : openKeyCursor(secret, input.cursor, list);
  let withUsers: number[] | undefined;
  if (input.users !== undefined && input.users.length > 0) {
    try {
      withUsers = (await resolveUsers(store, principal.org, 'users', input.users, user)).map((member) => member.id);
    } catch (error) {
      // Another organization's user, or one hidden from a customer, is as absent as one never made.
      if (error instanceof Unresolved) throw absent('user', error.value);
      throw error;
    }
  }
  // `dm` is the only chat type there is: the filter narrows nothing, but is checked by the schema.
  const limit = input.limit ?? DEFAULT_PAGE_SIZE;
  const mode = input.mode ?? cursor?.mode ?? 'after';
  const from: ChatActivity | undefined = cursor && { activityAt: cursor.key, chatId: cursor.id };
  const query = { userId: user.id, isDefault: input.isDefault, withUsers };
  const { rows, nextCursor, prevCursor } = await pageBothWays<ChatActivity, ChatActivity>(
    {
      slice: (direction, position, size) => store.chats.listForMember({ ...query, direction, limit: size, ...(position && { from: position }) }),
      anyBeyond: async (direction, position) => (await store.chats.listForMember({ ...query, direction, from: position, limit: 1 })).length > 0,
      positionOf: (row) => row,
      seal: (position, cursorMode) => sealKeyCursor(secret, { list, key: position.activityAt, id: position.chatId, mode: cursorMode }),
    },
    mode,
    from,
    limit,
  );
  const items = await listItems(store, principal, rows.map((row) => row.chatId));
  return { items, ...(nextCursor && { nextCursor }), ...(prevCursor && { prevCursor }) };
}

/**
 * A page's items from its read model, a few statements whatever the page's size (DESIGN.md
 * "Speed model"): the chats with their members in bulk, the last entry the caller sees in
 * each, and the unread counts of all of them grouped by chat, under the one visibility rule.
 */
async function listItems(store: Store, principal: Principal, chatIds: readonly number[]): Promise<ChatListItem[]> {
  const view = { reader: readerOf(principal.user), now: now() };
  const [chats, latest, unread] = await Promise.all([
    store.chats.findByIds(chatIds),
    store.timelineEntries.latestOfChats(view, chatIds),
    store.timelineEntries.unreadOfChats(view, chatIds),
  ]);
  const chatById = new Map(chats.map((chat) => [chat.id, chat]));
  return chatIds.map((chatId) => {
    const counts = unread.get(chatId);
    const item: ChatListItem = { chat: chatById.get(chatId)!, unreadCount: counts?.unread ?? 0, unreadThreadCount: counts?.unreadThreads ?? 0 };
    const lastEntry = latest.get(chatId);
    if (lastEntry) item.lastEntry = lastEntry;
    return item;
  });
}

export interface MarkReadInput {
  id: string;
  /** Read up to and including this entry; absent: the chat's latest entry. */
  entry?: string;
}

/** Moves the caller's read marker to `entry` (or the latest entry); their other devices hear of it. */
export async function markChatRead(store: Store, principal: Principal, input: MarkReadInput): Promise<void> {
  const chat = await findTimelineChat(store, principal, 'id', input.id);
  // One marker for the chat and its threads: the latest entry is the latest reply too.
  const view: TimelineView = { ...timelineView(principal.user, chat.id), thread: 'any' };
  const entry =
    input.entry !== undefined
      ? await entryOfChat(store, principal, chat, input.entry)
      : (await store.timelineEntries.slice(view, { direction: 'older', limit: 1 }))[0];
  // A chat with nothing in it has nothing to read.
  if (!entry) return;
  await moveMarker(store, principal, chat, view, { createdAt: entry.createdAt, id: entry.id }, entry.number);
}

export interface MarkUnreadInput {
  id: string;
  /** The first entry to count as unread again. */
  entry: string;
}

/** Moves the caller's read marker back to just before `entry`. */
export async function markChatUnread(store: Store, principal: Principal, input: MarkUnreadInput): Promise<void> {
  const chat = await findTimelineChat(store, principal, 'id', input.id);
  const view: TimelineView = { ...timelineView(principal.user, chat.id), thread: 'any' };
  const entry = await entryOfChat(store, principal, chat, input.entry);
  const [previous] = await store.timelineEntries.slice(view, { direction: 'older', from: entry, limit: 1 });
  // Just before `entry` in (created_at, id) order: everything before it stays read.
  await moveMarker(store, principal, chat, view, { createdAt: entry.createdAt, id: entry.id - 1 }, previous?.number);
}

async function moveMarker(
  store: Store,
  principal: Principal,
  chat: Chat,
  view: TimelineView,
  position: TimelinePosition,
  entryNumber: number | undefined,
): Promise<void> {
  const at = now();
  await store.transaction(async (tx) => {
    await tx.chatReads.set(principal.user.id, chat.id, position, at);
    const unreadCount = await tx.timelineEntries.countUnread({ ...view, thread: undefined }, position);
    await recordChatReadEvent(tx, chat, principal.user, { ...(entryNumber !== undefined && { entryNumber }), unreadCount }, at);
  });
}

/**
 * An entry the caller sees in `chat`. Read as any entry is read, so one the caller may not
 * see is refused before it is compared with `chat` (a customer must not learn that it is in
 * another chat); one they may read, of another chat, is a 400 on `entry`.
 */
async function entryOfChat(store: Store, principal: Principal, chat: Chat, id: string): Promise<TimelineEntry> {
  const entry = await readEntry(store, principal, id, 'entry');
  if (entry.chatId !== chat.id) throw BadRequest.invalidField('entry', 'the entry is not in this chat');
  return entry;
}

/** What `user` sees of a chat's timeline: the same rule every timeline read uses. */
function timelineView(user: User, chatId: number): TimelineView & { chatId: number } {
  return { chatId, reader: readerOf(user), now: now() };
}
