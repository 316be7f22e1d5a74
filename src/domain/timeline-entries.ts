/**
 * Messages (DESIGN.md "Messages"): DevRev timeline comments on a chat. Only members of the
 * chat read and write them; `private` entries are for their author and `private_to`;
 * `internal` ones for the dev organization; `external_ref` is unique within a chat.
 */
import type { Store } from '../store/index.js';
import { UniqueViolation } from '../store/index.js';
import { insertedEntry, type NewTimelineEntry, type TimelineEntryPatch } from '../store/timeline-entries.js';
import { findMemberChat } from './chats.js';
import { findConversationChat, reopenOnCustomerMessage } from './conversations.js';
import { absent, isCustomer, maySetEntryExternalRef, postingVouches } from './policy/customers.js';
import { assertMember, isMember, mayReadEntry, readerOf, replyAudience, type EntryAudience } from './policy/visibility.js';
import { BadRequest, Conflict, Forbidden, NotFound } from './errors.js';
import { attachEntryFiles, changeEntryFiles, resolveEntryFiles, type ArtifactsChange } from './entry-files.js';
import { recordEntryEvent } from './events.js';
import { formatDisplayId, parseRefOf, refBelongsTo } from './ids.js';
import { requireUsers } from './members.js';
import {
  now,
  type Chat,
  type Principal,
  type TimelineBodyType,
  type TimelineEntry,
  type TimelineVisibility,
  type User,
} from '../model/index.js';

/** Body types Confab stores: both are plain text to it. Snap kits need a renderer it lacks. */
const SUPPORTED_BODY_TYPES: readonly TimelineBodyType[] = ['text', 'data'];

export interface CreateTimelineEntryInput {
  object: string;
  body?: string;
  bodyType?: TimelineBodyType;
  labels?: string[];
  externalRef?: string;
  visibility?: TimelineVisibility;
  privateTo?: string[];
  expiresAt?: string;
  artifacts?: string[];
}

export async function createTimelineEntry(
  store: Store,
  principal: Principal,
  input: CreateTimelineEntryInput,
): Promise<TimelineEntry> {
  const { org, user: caller } = principal;
  const { chat, parent } = await findTimeline(store, principal, input.object);

  const bodyType = checkBodyType(input.bodyType ?? 'text');
  const files = await resolveEntryFiles(store, principal, input.artifacts ?? []);
  // A message may be its files alone.
  const body = files.length > 0 ? (input.body ?? '') : checkBody(input.body);
  const requestedPrivateTo = input.privateTo ?? [];
  if (requestedPrivateTo.length > 0 && (input.visibility ?? 'private') !== 'private') {
    throw BadRequest.notPermitted('private_to', 'private_to is only for entries with visibility private');
  }
  const named = await requireUsers(store, org, 'private_to', requestedPrivateTo, caller);
  for (const reader of named) {
    if (!(await isMember(store, chat, reader))) {
      throw BadRequest.notPermitted('private_to', `${formatDisplayId(reader.type, reader.number)} is not a member of the chat`);
    }
  }
  const commentAudience = parent && (await audienceOf(store, parent));
  const requested = { privateTo: named, ...(input.visibility !== undefined && { visibility: input.visibility }) };
  // Naming readers makes an entry private unless the caller said otherwise, which is an error.
  const { visibility, privateTo } = commentAudience
    ? replyAudience(commentAudience, caller, requested)
    : { visibility: input.visibility ?? (named.length > 0 ? 'private' : 'external'), privateTo: named.map((user) => user.id) };
  if (visibility === 'internal' && caller.type === 'rev_user') {
    throw BadRequest.notPermitted('visibility', 'internal entries are for the dev organization; rev users cannot post them');
  }
  const at = now();
  const expiresAt = input.expiresAt === undefined ? null : checkExpiry(input.expiresAt, at);
  const externalRef = checkExternalRef(caller, input.externalRef) ?? null;

  const labels = [...new Set(input.labels ?? [])];
  // Before the transaction, and from this process's block: no lock is held for it (store/numbers.ts).
  const number = await store.orgs.takeNumber(org.id, 'timeline_comment');

  try {
    return await store.transaction(async (tx) => {
      // An expired entry is gone to readers; it must not keep its external_ref either.
      if (externalRef !== null) await purgeExpired(tx, at, 1, { chatId: chat.id, externalRef });
      // Stamped under the chat's lock, held to commit: a chat's entries commit in created_date
      // order, and none can appear behind a page a reader has already passed (store/chats.ts).
      const postedAt = await tx.chats.touch(chat.id, now());
      const written: NewTimelineEntry = {
        orgId: org.id,
        chatId: chat.id,
        number,
        body,
        bodyType,
        externalRef,
        visibility,
        labels,
        privateTo,
        expiresAt,
        createdBy: caller.id,
        at: postedAt,
        ...(parent && { parentId: parent.id }),
      };
      const id = await tx.timelineEntries.insert(written);
      await attachEntryFiles(tx, principal, number, files);
      // Only a customer's message can reopen a conversation: staff's posts read nothing more.
      if (chat.type === 'conversation' && isCustomer(caller)) await reopenOnCustomerMessage(tx, chat.id, caller, postedAt);
      // Staff writing where customers read have joined the chat (domain/policy/customers.ts); a
      // member through a group only has no row of their own to mark.
      // (Staff answering a conversation they are no user of have none either.)
      const ownRow = chat.users.some((user) => user.id === caller.id);
      if (postingVouches(caller, visibility) && ownRow && !chat.vouchedUserIds.includes(caller.id)) await tx.chats.vouch(chat.id, caller.id);
      // The answer is what was written; files are read back, as attaching them settles their state.
      const created =
        files.length > 0
          ? (await tx.timelineEntries.findByNumber(org.id, number, at))!
          : insertedEntry(id, written, { author: caller, chatNumber: chat.number, chatType: chat.type, parentNumber: parent?.number ?? null });
      const audience = { visibility, authorId: caller.id, privateTo, ...(commentAudience && { parent: commentAudience }) };
      await recordEntryEvent(tx, 'timeline_entry_created', created, audience, postedAt);
      if (parent && commentAudience) {
        // The comment's thread.total_replies changed: its readers hear of it.
        const counted = { ...parent, totalReplies: await tx.timelineEntries.replyCount(parent.id) };
        await recordEntryEvent(tx, 'timeline_entry_updated', counted, commentAudience, postedAt, parent);
      }
      return created;
    });
  } catch (error) {
    // Refused by a unique key: nothing was written, and the number may serve the next write.
    if (error instanceof UniqueViolation) store.orgs.giveBackNumber(org.id, 'timeline_comment', number);
    if (error instanceof UniqueViolation) throw new Conflict(`an entry with external_ref '${externalRef}' exists in this chat`);
    throw error;
  }
}

export interface GetTimelineEntryInput {
  /** The entry's id; or, with `external_ref`, the chat's, to find the entry by its external ref. */
  id: string;
  externalRef?: string;
}

export async function getTimelineEntry(store: Store, principal: Principal, input: GetTimelineEntryInput): Promise<TimelineEntry> {
  const ref = parseRefOf('id', input.id, ['timeline_comment', 'chat', 'conversation'] as const);
  if (ref.kind !== 'timeline_comment') {
    if (input.externalRef === undefined) throw BadRequest.unexpectedIdType('id', input.id, 'timeline entry');
    const chat = await findTimelineChat(store, principal, 'id', input.id);
    const entry = await store.timelineEntries.findByExternalRef(chat.id, input.externalRef, now(), readerOf(principal.user));
    if (!entry || !(await canSee(store, entry, principal.user))) throw new NotFound('timeline entry', input.externalRef);
    return entry;
  }
  const entry = await readEntry(store, principal, input.id);
  if (input.externalRef !== undefined && entry.externalRef !== input.externalRef) throw new NotFound('timeline entry', input.id);
  return entry;
}

export interface UpdateTimelineEntryInput {
  id: string;
  body?: string;
  bodyType?: TimelineBodyType;
  /** null removes it. */
  externalRef?: string | null;
  artifacts?: ArtifactsChange;
}

export async function updateTimelineEntry(
  store: Store,
  principal: Principal,
  input: UpdateTimelineEntryInput,
): Promise<TimelineEntry> {
  const entry = await readEntry(store, principal, input.id);
  assertAuthor(entry, principal.user, 'edit');
  if (entry.deletedAt !== null) throw BadRequest.notPermitted('id', 'the entry was deleted and cannot be edited');

  const at = now();
  const patch: TimelineEntryPatch = { modifiedBy: principal.user.id, at };
  // Checked once the files after the edit are known: a message of files alone may have no text.
  if (input.body !== undefined) patch.body = input.body;
  if (input.bodyType !== undefined) patch.bodyType = checkBodyType(input.bodyType);
  if (input.externalRef !== undefined) patch.externalRef = checkExternalRef(principal.user, input.externalRef);
  if (patch.body === undefined && patch.bodyType === undefined && patch.externalRef === undefined && input.artifacts === undefined) return entry;

  try {
    return await store.transaction(async (tx) => {
      const externalRef = patch.externalRef;
      if (externalRef) await purgeExpired(tx, at, 1, { chatId: entry.chatId, externalRef });
      const fileCount = input.artifacts === undefined ? undefined : await changeEntryFiles(tx, principal, entry, input.artifacts, at);
      // A message keeps some text or a file: taking its last file off a message of none is refused.
      if ((fileCount ?? entry.artifacts.length) === 0) checkBody(patch.body ?? entry.body ?? '');
      if (patch.body === undefined && patch.bodyType === undefined && patch.externalRef === undefined && fileCount === undefined) return entry;
      await tx.timelineEntries.update(entry.id, patch);
      const updated = (await tx.timelineEntries.findByNumber(entry.orgId, entry.number, at)) ?? entry;
      // Earlier events keep that they happened, not the words the edit replaced: replay shows
      // the entry as the timeline does now, through this event.
      await tx.events.scrubEntries([entry.id]);
      await recordEntryEvent(tx, 'timeline_entry_updated', updated, await audienceOf(tx, updated), at, entry);
      return updated;
    });
  } catch (error) {
    if (error instanceof UniqueViolation) throw new Conflict(`an entry with external_ref '${patch.externalRef}' exists in this chat`);
    throw error;
  }
}

/** Deleting twice is not an error: a retried delete finds what it wanted. */
export async function deleteTimelineEntry(store: Store, principal: Principal, id: string): Promise<void> {
  const entry = await readEntry(store, principal, id);
  assertAuthor(entry, principal.user, 'delete');
  if (entry.deletedAt !== null) return;
  const at = now();
  await store.transaction(async (tx) => {
    await tx.timelineEntries.markDeleted(entry.id, principal.user.id, at);
    // Its files go with its words: no longer locatable, and their bytes removed.
    await tx.artifacts.deleteOfEntries(entry.orgId, [entry.number]);
    await recordEntryEvent(tx, 'timeline_entry_deleted', entry, await audienceOf(tx, entry), at, entry);
    // Deleted words stay deleted: not in the timeline, not in a replay of the outbox.
    await tx.events.scrubEntries([entry.id]);
  });
}

/**
 * Where an entry goes or a list reads from: a chat's own timeline (`object` is the chat), or
 * a comment's thread (`object` is the comment). Threads are one level deep, as Slack's: a
 * reply's thread is refused. Either way the caller must be a member who sees the comment.
 */
export async function findTimeline(store: Store, principal: Principal, object: string): Promise<{ chat: Chat; parent?: TimelineEntry }> {
  const ref = parseRefOf('object', object, ['chat', 'conversation', 'timeline_comment'] as const);
  if (ref.kind !== 'timeline_comment') return { chat: await findTimelineChat(store, principal, 'object', object) };
  const parent = await readEntry(store, principal, object, 'object');
  if (parent.parentId !== null) throw BadRequest.notPermitted('object', 'threads are one level deep: reply to the comment, not to a reply');
  return { chat: (await store.chats.findById(parent.chatId))!, parent };
}

/**
 * A DM or a support conversation, by id in either form, for a caller who may read its
 * timeline: what read state, typing and search take, as timeline entries do.
 */
export async function findTimelineChat(store: Store, principal: Principal, fieldName: string, id: string): Promise<Chat> {
  const ref = parseRefOf(fieldName, id, ['chat', 'conversation'] as const);
  return ref.kind === 'chat' ? findMemberChat(store, principal, fieldName, id) : findConversationChat(store, principal, fieldName, id);
}

/** Who may read an entry (domain/policy/visibility.ts): its own audience and, for a reply, its comment's. */
export async function audienceOf(store: Store, entry: TimelineEntry): Promise<EntryAudience> {
  const privateTo = entry.visibility === 'private' ? await store.timelineEntries.privateReaders(entry.id) : [];
  const own = { visibility: entry.visibility, authorId: entry.createdBy.id, privateTo };
  const parent = entry.parentId === null ? undefined : await store.timelineEntries.audience(entry.parentId);
  return parent ? { ...own, parent } : own;
}

/** Deletes expired entries (a batch) and scrubs their bodies from the outbox; returns how many. */
async function purgeExpired(tx: Store, at: string, batch?: number, only?: { chatId: number; externalRef: string }): Promise<number> {
  const ids = await tx.timelineEntries.purgeExpired(at, batch, only);
  await tx.events.scrubEntries(ids);
  return ids.length;
}

/** Sweeps every expired entry away; returns how many. Safe to run from several processes at once. */
export async function purgeExpiredEntries(store: Store): Promise<number> {
  let total = 0;
  for (;;) {
    const purged = await store.transaction((tx) => purgeExpired(tx, now()));
    total += purged;
    if (purged === 0) return total;
  }
}

/**
 * The entry, if the caller is a member of its chat (403 otherwise; a customer gets the 404 of
 * an entry that does not exist) and may see it (that 404 otherwise).
 */
export async function readEntry(store: Store, principal: Principal, id: string, fieldName = 'id'): Promise<TimelineEntry> {
  const ref = parseRefOf(fieldName, id, ['timeline_comment'] as const);
  const entry = refBelongsTo(ref, principal.org.slug)
    ? await store.timelineEntries.findByNumber(principal.org.id, ref.number, now(), readerOf(principal.user))
    : undefined;
  if (!entry) throw new NotFound('timeline entry', id);
  // A deleted conversation's entries went with it.
  const chat = await store.chats.findById(entry.chatId);
  if (!chat) throw absent('timeline entry', id);
  await assertMember(store, chat, principal.user, () => absent('timeline entry', id));
  // Unseen entries are absent rather than forbidden: a reader cannot learn they exist.
  if (!(await canSee(store, entry, principal.user))) throw new NotFound('timeline entry', id);
  return entry;
}

/**
 * The comment whose files `parentId` names, for a reader of it: any other caller (not a
 * member, not in its audience, another org) gets the 404 of a comment that does not exist,
 * and a deleted comment has no files to show.
 */
export async function readEntryFiles(store: Store, principal: Principal, parentId: string): Promise<TimelineEntry> {
  const ref = parseRefOf('parent_id', parentId, ['timeline_comment'] as const);
  const entry = refBelongsTo(ref, principal.org.slug) ? await readableEntry(store, principal, ref.number) : undefined;
  if (!entry) throw new NotFound('timeline entry', parentId);
  return entry;
}

/** Whether the caller may read the files of comment `number`: whoever may read the comment, while it stands. */
export async function mayReadEntryFiles(store: Store, principal: Principal, number: number): Promise<boolean> {
  return (await readableEntry(store, principal, number)) !== undefined;
}

async function readableEntry(store: Store, principal: Principal, number: number): Promise<TimelineEntry | undefined> {
  const entry = await store.timelineEntries.findByNumber(principal.org.id, number, now(), readerOf(principal.user));
  if (!entry || entry.deletedAt !== null) return undefined;
  const chat = await store.chats.findById(entry.chatId);
  if (!chat || !(await isMember(store, chat, principal.user))) return undefined;
  return (await canSee(store, entry, principal.user)) ? entry : undefined;
}

export async function canSee(store: Store, entry: TimelineEntry, user: User): Promise<boolean> {
  return mayReadEntry(await audienceOf(store, entry), readerOf(user));
}

function assertAuthor(entry: TimelineEntry, user: User, verb: string): void {
  if (entry.createdBy.id !== user.id) throw new Forbidden(`only the author of a timeline entry may ${verb} it`);
}

/** Removing a ref (`null`) checks nothing against the chat, so anyone who may edit may do it. */
function checkExternalRef<T extends string | null | undefined>(caller: User, externalRef: T): T {
  if (typeof externalRef === 'string' && !maySetEntryExternalRef(caller)) {
    throw BadRequest.notPermitted('external_ref', "external_ref is the vendor's key for entries synced from elsewhere; rev users cannot set it");
  }
  return externalRef;
}

function checkBodyType(bodyType: TimelineBodyType): TimelineBodyType {
  if (!SUPPORTED_BODY_TYPES.includes(bodyType)) {
    throw BadRequest.notPermitted('body_type', `Confab stores ${SUPPORTED_BODY_TYPES.join(' and ')} bodies only`);
  }
  return bodyType;
}

function checkBody(body: string | undefined): string {
  if (body === undefined) throw BadRequest.missingField('body');
  if (body.trim().length === 0) throw BadRequest.invalidField('body', 'a message needs some text');
  return body;
}

/** Stored and compared as UTC with milliseconds, whatever offset the client wrote. */
function checkExpiry(value: string, at: string): string {
  const time = new Date(value);
  if (Number.isNaN(time.getTime())) throw BadRequest.invalidField('expires_at', `'${value}' is not a date-time`);
  const expiresAt = time.toISOString();
  if (expiresAt <= at) throw BadRequest.notPermitted('expires_at', 'expires_at must be in the future');
  return expiresAt;
}
