/**
 * Who sees what, decided here and nowhere else. Every read path — a get, a list, a
 * replayed or live event, a webhook — asks these rules, for the caller as they are now.
 *
 * - A chat's members are its users and the members of its groups. A support conversation's
 *   are also the vendor's staff (dev users and service accounts of its organization), who see
 *   every conversation there, as DevRev's support inbox does; a customer only those they are
 *   a member of. For one chat in hand
 *   that is `isMember`; for set-based questions (a chat's audience, the chats of a user)
 *   the store reads the `chat_members` view, the same rule in SQL (store/membership.ts).
 * - A timeline entry is readable by a chat member unless it is `private` (its author and
 *   `private_to` only) or `internal` (the dev organization only: not rev users). A reply is
 *   readable only by those who may also read its comment: it takes the comment's audience
 *   when written (`replyAudience`), and every read asks for both. That is `mayReadEntry`;
 *   lists filter with its SQL form (store/timeline-entries.ts `readableBy`), and
 *   test/visibility.test.ts checks the two agree.
 * - Presence (online/offline) is for the people one shares a chat with: their streams hear
 *   of its changes (`presenceAudience`). `presence.list` also answers the vendor's staff
 *   about anyone in the organization, as they see everyone there, and a customer only about
 *   themselves and the people they share a chat with (`presenceVisibleTo`).
 */
import type { Store } from '../../store/index.js';
import { now, type ChatType, type EntryReader, type Group, type StoredEvent, type TimelineVisibility, type User } from '../../model/index.js';
import { isCustomer, notAMember } from './customers.js';
import { BadRequest, type NotFound } from '../errors.js';
import { formatDisplayId } from '../ids.js';

/** The people a chat is for: saved, or as an update would leave it. */
export interface ChatMembership {
  type?: ChatType;
  users: readonly User[];
  groups: readonly Group[];
}

export async function isMember(store: Store, chat: ChatMembership, user: User): Promise<boolean> {
  if (chat.type === 'conversation' && !isCustomer(user)) return true;
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
  /** A reply's comment: the reply is for those who may read both. */
  parent?: EntryAudience;
}

/**
 * Whether `reader`, a member of the entry's chat, may read it. No reader is the
 * organization itself (a webhook), which hears everything its members write.
 */
export function mayReadEntry(entry: EntryAudience, reader: EntryReader | undefined): boolean {
  if (reader === undefined) return true;
  if (entry.parent !== undefined && !mayReadEntry(entry.parent, reader)) return false;
  if (entry.visibility === 'internal') return reader.seesInternal;
  if (entry.visibility === 'private') return entry.authorId === reader.userId || entry.privateTo.includes(reader.userId);
  return true;
}

/** What a new reply asked for; `privateTo` are the chat members it named. */
export interface RequestedAudience {
  visibility?: TimelineVisibility;
  privateTo: readonly User[];
}

/**
 * A reply is for its comment's readers and no one else: unless asked otherwise it takes
 * the comment's visibility, and a private comment's readers (its author among them). It
 * may be narrower (an internal note in an external thread; private to some of a private
 * comment's readers), never wider: a customer must not read staff's replies to an internal
 * note, nor a member of the chat the thread of a message private to others.
 */
export function replyAudience(comment: EntryAudience, replier: User, requested: RequestedAudience): { visibility: TimelineVisibility; privateTo: number[] } {
  const commentReaders = comment.visibility === 'private' ? [comment.authorId, ...comment.privateTo] : [];
  if (requested.visibility === undefined && requested.privateTo.length === 0) {
    return { visibility: comment.visibility, privateTo: commentReaders.filter((id) => id !== replier.id) };
  }
  const visibility = requested.visibility ?? 'private';
  if (WIDTH[visibility] > WIDTH[comment.visibility]) {
    throw BadRequest.notPermitted('visibility', `a reply cannot be wider than its comment, which is ${comment.visibility}`);
  }
  if (visibility !== 'private') return { visibility, privateTo: [] };
  for (const reader of requested.privateTo) {
    if (!mayReadEntry(comment, readerOf(reader))) {
      throw BadRequest.notPermitted('private_to', `${formatDisplayId(reader.type, reader.number)} cannot read the comment this replies to`);
    }
  }
  // `visibility: private` alone on a private comment's reply keeps the comment's readers.
  const privateTo = requested.privateTo.length > 0 || comment.visibility !== 'private' ? requested.privateTo.map((user) => user.id) : commentReaders;
  return { visibility, privateTo: privateTo.filter((id) => id !== replier.id) };
}

/** How many may read an entry of each visibility, in order: a reply's must not exceed its comment's. */
const WIDTH: Record<TimelineVisibility, number> = { private: 0, internal: 1, external: 2, public: 3 };

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
  const { privateTo = [], parent } = event.payload;
  return mayReadEntry({ visibility: entry.visibility, authorId: entry.createdBy.id, privateTo, ...(parent && { parent }) }, reader);
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
