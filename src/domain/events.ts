/**
 * The transactional outbox (DESIGN.md "Events"). Every write others should hear about
 * calls `recordEvent` with the transaction it writes in: the event, and one delivery per
 * active webhook that wants it, commit with the write or not at all.
 */
import type { Store } from '../store/index.js';
import type { Chat, EventPayload, EventType, Group, ReactionChange, StoredEvent, TimelineEntry, User, Webhook } from '../model/index.js';
import { DEVREV_WEBHOOK_EVENT_TYPES } from '../schema/webhooks.js';
import type { EntryAudience } from './policy/visibility.js';

/** What a webhook with no `event_types` receives: DevRev's events, none of Confab's additions. */
const DEFAULT_EVENT_TYPES = new Set<string>(DEVREV_WEBHOOK_EVENT_TYPES);

export interface RecordedEvent {
  orgId: number;
  chatId: number | null;
  type: EventType;
  payload: EventPayload;
  at: string;
  /** False for events that are a user's own business (chat_read): streams only. */
  toWebhooks?: boolean;
}

export async function recordEvent(tx: Store, { toWebhooks = true, ...event }: RecordedEvent): Promise<number> {
  // With one delivery per active webhook that wants it: those that name the type, and those
  // that name none if it is one of DevRev's default set (Confab's own go only to who names them).
  return tx.events.append(event, toWebhooks && { toUnfiltered: DEFAULT_EVENT_TYPES.has(event.type) });
}

export function recordChatEvent(tx: Store, type: 'chat_created' | 'chat_updated', chat: Chat): Promise<number> {
  return recordEvent(tx, { orgId: chat.orgId, chatId: chat.id, type, payload: { chat }, at: chat.modifiedAt });
}

/**
 * A timeline entry's event. It carries what the visibility rule needs to decide who may
 * hear it (domain/policy/visibility.ts `mayReadEvent`): the entry, a private one's readers, and a
 * reply's comment's audience.
 */
export function recordEntryEvent(
  tx: Store,
  type: 'timeline_entry_created' | 'timeline_entry_updated' | 'timeline_entry_deleted',
  entry: TimelineEntry,
  audience: EntryAudience,
  at: string,
  oldEntry?: TimelineEntry,
  reaction?: ReactionChange,
): Promise<number> {
  const payload: EventPayload = { entry };
  if (oldEntry) payload.oldEntry = oldEntry;
  if (reaction) payload.reaction = reaction;
  if (entry.visibility === 'private') payload.privateTo = [...audience.privateTo];
  if (audience.parent) payload.parent = { visibility: audience.parent.visibility, authorId: audience.parent.authorId, privateTo: [...audience.parent.privateTo] };
  return recordEvent(tx, { orgId: entry.orgId, chatId: entry.chatId, type, payload, at });
}

/**
 * A user moved their read marker in a chat: their other streams (other devices) hear it,
 * so a badge cleared on one clears on all. Nobody else's, and no webhook.
 */
export function recordChatReadEvent(
  tx: Store,
  chat: Chat,
  reader: User,
  read: NonNullable<EventPayload['read']>,
  at: string,
): Promise<number> {
  return recordEvent(tx, {
    orgId: chat.orgId,
    chatId: chat.id,
    type: 'chat_read',
    payload: { chat, read, forUser: reader.id },
    at,
    toWebhooks: false,
  });
}

/**
 * Directory and integration events (DevRev's dev_user_*, rev_user_*, group_*, webhook_*):
 * they go to webhooks, not to chat streams, since they belong to no one chat. Each is
 * recorded in the transaction of the write it reports.
 */
export function recordGroupMemberEvent(
  tx: Store,
  type: 'group_member_added' | 'group_member_removed',
  payload: Required<Pick<EventPayload, 'group' | 'member'>>,
  at: string,
): Promise<number> {
  return recordEvent(tx, { orgId: payload.group.orgId, chatId: null, type, payload, at });
}

export function recordUserEvent(
  tx: Store,
  type: 'dev_user_created' | 'dev_user_updated' | 'rev_user_created' | 'rev_user_updated' | 'rev_user_deleted',
  user: User,
  oldUser?: User,
): Promise<number> {
  return recordEvent(tx, { orgId: user.orgId, chatId: null, type, payload: { user, ...(oldUser && { oldUser }) }, at: user.modifiedAt });
}

export function recordGroupEvent(tx: Store, type: 'group_created' | 'group_updated', group: Group, oldGroup?: Group): Promise<number> {
  return recordEvent(tx, { orgId: group.orgId, chatId: null, type, payload: { group, ...(oldGroup && { oldGroup }) }, at: group.modifiedAt });
}

export function recordWebhookEvent(tx: Store, type: 'webhook_created' | 'webhook_updated' | 'webhook_deleted', webhook: Webhook, at: string): Promise<number> {
  return recordEvent(tx, { orgId: webhook.orgId, chatId: null, type, payload: { webhook }, at });
}

/**
 * An event as replayed from the outbox to a stream resuming with Last-Event-ID: what the
 * reader may see today. The previous version of an edited entry (`oldEntry`) loses its
 * body: the timeline no longer shows it, and the reader may not have been there to see
 * it. (Deleted and expired entries have no bodies left to replay: they are scrubbed.)
 */
export function asReplayed(event: StoredEvent): StoredEvent {
  const old = event.payload.oldEntry;
  if (!old || (old.body === null && old.bodyType === null)) return event;
  return { ...event, payload: { ...event.payload, oldEntry: { ...old, body: null, bodyType: null } } };
}
