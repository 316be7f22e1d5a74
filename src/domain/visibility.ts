/**
 * Who sees what, decided here and nowhere else. Every read path — a get, a list, a
 * replayed or live event, a webhook — asks these rules, for the caller as they are now.
 *
 * - A chat's members are its users and the members of its groups. For one chat in hand
 *   that is `isMember`; for set-based questions (a chat's audience, the chats of a user)
 *   the store reads the `chat_members` view, the same rule in SQL (store/membership.ts).
 * - A timeline entry is readable by a chat member unless it is `private` (its author and
 *   `private_to` only) or `internal` (the dev organization only: not rev users). That is
 *   `mayReadEntry`; lists filter with its SQL form (store/timeline-entries.ts `readableBy`),
 *   and test/visibility.test.ts checks the two agree.
 * - Presence (online/offline) is for the people one shares a chat with: their streams hear
 *   of its changes (`presenceAudience`). `presence.list` also answers the vendor's staff
 *   about anyone in the organization, as they see everyone there, and a customer only about
 *   themselves and the people they share a chat with (`presenceVisibleTo`).
 */
import type { Store } from '../store/index.js';
import { now, type EntryReader, type Group, type StoredEvent, type TimelineVisibility, type User } from '../model/index.js';
import { isCustomer, notAMember } from './customers.js';
import type { NotFound } from './errors.js';

/** The people a chat is for: saved, or as an update would leave it. */
export interface ChatMembership {
  users: readonly User[];
  groups: readonly Group[];
}

export async function isMember(store: Store, chat: ChatMembership, user: User): Promise<boolean> {
  if (chat.users.some((member) => member.id === user.id)) return true;
  return store.groups.isMemberOfAny(
    user.id,
    chat.groups.map((group) => group.id),
  );
}

/**
 * Non-members are refused: staff with 403 (the chat is known to be in their org), a
 * customer with the 404 of `asked` absent, so it cannot learn that a chat it is not in exists.
 */
export async function assertMember(store: Store, chat: ChatMembership, user: User, asked?: NotFound): Promise<void> {
  if (!(await isMember(store, chat, user))) throw notAMember(user, asked);
}

export function readerOf(user: User): EntryReader {
  return { userId: user.id, seesInternal: user.type !== 'rev_user' };
}

/** What the visibility rule needs of an entry. */
export interface EntryAudience {
  visibility: TimelineVisibility;
  authorId: number;
  /** A private entry's readers besides its author. */
  privateTo: readonly number[];
}

/**
 * Whether `reader`, a member of the entry's chat, may read it. No reader is the
 * organization itself (a webhook), which hears everything its members write.
 */
export function mayReadEntry(entry: EntryAudience, reader: EntryReader | undefined): boolean {
  if (reader === undefined) return true;
  if (entry.visibility === 'internal') return reader.seesInternal;
  if (entry.visibility === 'private') return entry.authorId === reader.userId || entry.privateTo.includes(reader.userId);
  return true;
}

/**
 * Whether `reader`, a member of the event's chat now, may hear of it: an event about an
 * entry is for those who may read the entry. Streams (live and replayed) and webhooks
 * ask this; membership itself is checked against the chat as it is at sending.
 */
export function mayReadEvent(event: StoredEvent, reader: EntryReader | undefined, at = now()): boolean {
  if (event.payload.forUser !== undefined) return reader?.userId === event.payload.forUser;
  const entry = event.payload.entry ?? event.payload.oldEntry;
  if (!entry) return true;
  // An expired entry is gone from the timeline at once, before the sweeper scrubs its events.
  if (entry.expiresAt !== null && entry.expiresAt <= at) return false;
  return mayReadEntry({ visibility: entry.visibility, authorId: entry.createdBy.id, privateTo: event.payload.privateTo ?? [] }, reader);
}

/** Of `candidateIds` (users with a stream open), those who hear of `subjectId`'s presence: everyone who shares a chat with them. */
export async function presenceAudience(store: Store, subjectId: number, candidateIds: readonly number[]): Promise<ReadonlySet<number>> {
  return new Set(await store.chats.sharingAChat(subjectId, candidateIds));
}

/** Of `subjects`, the ids of those whose presence `viewer` may ask for. */
export async function presenceVisibleTo(store: Store, viewer: User, subjects: readonly User[]): Promise<ReadonlySet<number>> {
  if (!isCustomer(viewer)) return new Set(subjects.map((subject) => subject.id));
  const contacts = await store.chats.sharingAChat(
    viewer.id,
    subjects.map((subject) => subject.id),
  );
  return new Set([viewer.id, ...contacts]);
}
