/**
 * Support conversations (DESIGN.md "Support conversations"): DevRev's `conversations.*`.
 * A conversation is a chat inside (its members are the chat's users, its messages the
 * chat's timeline), so everything that works on a chat's timeline works on it. Who sees one
 * is the one rule of domain/policy/visibility.ts: the organization's staff see every
 * conversation, a customer those they are a member of; anyone else is told it is not there.
 */
import type { Store } from '../store/index.js';
import type { ConversationFields, ConversationPatch, ConversationPosition, ConversationSortKey } from '../store/conversations.js';
import { checkCustomFields, mergeCustomFields, normalizeTitle, requireActive, requireReachable } from './chats.js';
import { closeDateAfter, INITIAL_STAGE, parseStage, requireMove } from './conversation-stages.js';
import { cursorSecret, openKeyCursor, sealKeyCursor, type ListMode } from './cursors.js';
import { BadRequest, Forbidden } from './errors.js';
import { recordEvent } from './events.js';
import { resolveEntryFiles } from './entry-files.js';
import { formatDon, parseRefOf, refBelongsTo } from './ids.js';
import { memberKey, requireGroups, requireUsers, resolveUsers, Unresolved } from './members.js';
import { pageBothWays } from './paging.js';
import { absent, isCustomer, vouchesForStaff } from './policy/customers.js';
import { assertMember } from './policy/visibility.js';
import { createTimelineEntry } from './timeline-entries.js';
import { now, type Conversation, type ConversationEventType, type Principal, type TagRef, type User } from '../model/index.js';
import { DEFAULT_PAGE_SIZE } from '../schema/limits.js';

export interface ConversationInput {
  title?: string;
  description?: string;
  members?: string[];
  ownedBy?: string[];
  group?: string;
  stage?: string;
  isSpam?: boolean;
  isFrozen?: boolean;
  tags?: TagRef[];
  sourceChannel?: string;
  customFields?: Record<string, unknown>;
}

export interface CreateConversationInput extends ConversationInput {
  /** The first messages, posted by the caller (domain/timeline-entries.ts does the posting). */
  messages?: { body?: string; artifacts?: string[] }[];
}

/** What only staff may set: the support side's handling of a conversation. */
const STAFF_FIELDS = [
  ['ownedBy', 'owned_by'],
  ['group', 'group'],
  ['stage', 'stage'],
  ['isSpam', 'is_spam'],
  ['isFrozen', 'is_frozen'],
  ['tags', 'tags'],
  ['customFields', 'custom_fields'],
  ['members', 'members'],
] as const;

/** A customer starts a conversation about themselves; staff start one for customers (`members`). */
export async function createConversation(store: Store, principal: Principal, input: CreateConversationInput): Promise<Conversation> {
  const { org, user: caller } = principal;
  requireStaffFor(caller, input, ['members']);
  const named = await requireUsers(store, org, 'members', input.members ?? [], caller);
  requireReachable(caller, 'members', named);
  requireActive('members', named, []);
  const members = isCustomer(caller) ? uniqueUsers([caller, ...named]) : named;
  const fields = await resolveFields(store, principal, input);
  const revOrgId = await revOrgOf(store, principal, members);
  const messages = (input.messages ?? []).map((message, index) => {
    if ((message.body ?? '').trim() === '' && (message.artifacts ?? []).length === 0) throw BadRequest.invalidField(`messages[${index}].body`, 'a message needs some text or a file');
    return message;
  });
  for (const message of messages) await resolveEntryFiles(store, principal, message.artifacts ?? []);
  const at = now();
  const conversation = await store.transaction(async (tx) => {
    const chatId = await tx.conversations.insert({
      orgId: org.id,
      number: await tx.orgs.nextNumber(org.id, 'chat'),
      title: normalizeTitle(input.title) ?? null,
      isDefault: false,
      memberKey: memberKey(members),
      customFields: input.customFields === undefined ? null : checkCustomFields(input.customFields),
      records: [],
      userIds: members.map((user) => user.id),
      groupIds: [],
      createdBy: caller.id,
      vouched: vouchesForStaff(caller),
      at,
      description: fields.description ?? null,
      stage: fields.stage ?? INITIAL_STAGE,
      isSpam: fields.isSpam ?? false,
      isFrozen: fields.isFrozen ?? false,
      ownerIds: fields.ownerIds ?? [],
      groupId: fields.groupId ?? null,
      revOrgId,
      sourceChannel: fields.sourceChannel ?? null,
      tags: fields.tags ?? [],
      actualCloseDate: fields.stage === 'resolved' ? at : null,
    });
    const created = (await tx.conversations.findById(chatId))!;
    await recordConversationEvent(tx, 'conversation_created', created);
    return created;
  });
  if (messages.length === 0) return conversation;
  // Each message goes through the one way a message is posted (its events, files, the
  // reopening rule), after the conversation commits; what could refuse one (no text, a file
  // the caller may not attach) was checked above, before anything was stored.
  const object = formatDon('conversation', org.slug, conversation.number);
  for (const message of messages) {
    await createTimelineEntry(store, principal, { object, ...(message.body !== undefined && { body: message.body }), ...(message.artifacts && { artifacts: message.artifacts }) });
  }
  return (await store.conversations.findById(conversation.id)) ?? conversation;
}

export async function getConversation(store: Store, principal: Principal, id: string): Promise<Conversation> {
  return findConversation(store, principal, 'id', id);
}

export interface UpdateConversationInput extends ConversationInput {
  id: string;
  tagsChange?: { set?: TagRef[]; add?: TagRef[]; remove?: { id: string }[] };
}

export async function updateConversation(store: Store, principal: Principal, input: UpdateConversationInput): Promise<Conversation> {
  const { org, user: caller } = principal;
  const conversation = await findConversation(store, principal, 'id', input.id);
  requireStaffFor(caller, { ...input, ...(input.tagsChange && { tags: [] }) }, []);
  const at = now();
  const patch: ConversationPatch = { modifiedBy: caller.id, vouched: vouchesForStaff(caller), at };
  if (input.title !== undefined) patch.title = normalizeTitle(input.title) ?? null;
  if (input.customFields !== undefined) patch.customFields = mergeCustomFields(conversation.customFields, input.customFields);
  if (input.members !== undefined) {
    const members = await requireUsers(store, org, 'members.set', input.members, caller);
    requireActive('members.set', members, conversation.users);
    patch.userIds = members.map((user) => user.id);
    patch.memberKey = memberKey(members);
  }
  Object.assign(patch, await resolveFields(store, principal, input, 'set'));
  if (input.tagsChange) patch.tags = changeTags(conversation.tags, input.tagsChange, org.slug);
  if (patch.stage !== undefined) {
    requireMove('stage.name', conversation.stage, patch.stage);
    patch.actualCloseDate = closeDateAfter(conversation.stage, patch.stage, conversation.actualCloseDate, at);
  }
  const { modifiedBy: _by, vouched: _vouched, at: _at, ...changes } = patch;
  if (Object.keys(changes).length === 0) return conversation;
  return store.transaction(async (tx) => {
    await tx.conversations.update(conversation.id, patch);
    const updated = (await tx.conversations.findById(conversation.id))!;
    await recordConversationEvent(tx, 'conversation_updated', updated, conversation);
    return updated;
  });
}

/** Staff delete; a deleted conversation is as absent as one never made, to everyone. */
export async function deleteConversation(store: Store, principal: Principal, id: string): Promise<void> {
  const conversation = await findConversation(store, principal, 'id', id);
  if (isCustomer(principal.user)) throw new Forbidden('only the organization\'s staff may delete a conversation');
  const at = now();
  await store.transaction(async (tx) => {
    await recordEvent(tx, { orgId: conversation.orgId, chatId: conversation.id, type: 'conversation_deleted', payload: { oldConversation: conversation }, at });
    await tx.chats.markDeleted(conversation.id, at);
  });
}

/**
 * A customer's new message on a resolved conversation reopens it, as DevRev does: called in
 * the message's transaction (domain/timeline-entries.ts), with the conversation as it was.
 */
export async function reopenOnCustomerMessage(tx: Store, conversation: Conversation, author: User, at: string): Promise<void> {
  if (!isCustomer(author) || conversation.stage !== 'resolved') return;
  await tx.conversations.update(conversation.id, { modifiedBy: author.id, vouched: false, at, stage: 'needs_response', actualCloseDate: null });
  const reopened = (await tx.conversations.findById(conversation.id))!;
  await recordConversationEvent(tx, 'conversation_updated', reopened, conversation);
}

export interface ListConversationsInput {
  cursor?: string;
  limit?: number;
  mode?: ListMode;
  sortBy?: ConversationSortKey;
  members?: string[];
  ownedBy?: string[];
  revOrgs?: string[];
  stages?: string[];
  groups?: string[];
  isSpam?: boolean;
  isFrozen?: boolean;
  tags?: string[];
  created?: { after?: string; before?: string };
  modified?: { after?: string; before?: string };
}

export interface ConversationsPage {
  conversations: Conversation[];
  nextCursor?: string;
  prevCursor?: string;
}

/**
 * The conversations the caller may see (all of the organization's for staff, their own for a
 * customer), newest first by `sort_by`, filtered as DevRev's list filters: each filter is
 * "any of these", all filters together. A filter naming nothing that exists matches nothing.
 */
export async function listConversations(store: Store, principal: Principal, input: ListConversationsInput): Promise<ConversationsPage> {
  const { org, user } = principal;
  const sortBy = input.sortBy ?? 'modified_date';
  const list = `conversations.list:${user.id}:${sortBy}`;
  const secret = await cursorSecret(store);
  const cursor = input.cursor === undefined ? undefined : openKeyCursor(secret, input.cursor, list);
  const filters = {
    orgId: org.id,
    sortBy,
    ...(isCustomer(user) && { memberId: user.id }),
    ...(input.members && { members: await userIdsOf(store, principal, 'members', input.members) }),
    ...(input.ownedBy && { ownedBy: await userIdsOf(store, principal, 'owned_by', input.ownedBy) }),
    ...(input.revOrgs && { revOrgIds: await revOrgIdsOf(store, principal, input.revOrgs) }),
    ...(input.groups && { groupIds: await groupIdsOf(store, principal, input.groups) }),
    ...(input.stages && { stages: input.stages.map((name) => parseStage('stage.name', name)) }),
    ...(input.isSpam !== undefined && { isSpam: input.isSpam }),
    ...(input.isFrozen !== undefined && { isFrozen: input.isFrozen }),
    ...(input.tags && { tagIds: input.tags.map((id) => parseTagId('tags', id, org.slug)) }),
    ...(input.created && { created: checkRange('created_date', input.created) }),
    ...(input.modified && { modified: checkRange('modified_date', input.modified) }),
  };
  const from: ConversationPosition | undefined = cursor && { at: cursor.key, chatId: cursor.id };
  const page = await pageBothWays<ConversationPosition, ConversationPosition>(
    {
      slice: (direction, position, limit) => store.conversations.list({ ...filters, direction, limit, ...(position && { from: position }) }),
      anyBeyond: async (direction, position) => (await store.conversations.list({ ...filters, direction, from: position, limit: 1 })).length > 0,
      positionOf: (row) => row,
      seal: (position, mode) => sealKeyCursor(secret, { list, key: position.at, id: position.chatId, mode }),
    },
    input.mode ?? cursor?.mode ?? 'after',
    from,
    input.limit ?? DEFAULT_PAGE_SIZE,
  );
  const conversations = await store.conversations.findByIds(page.rows.map((row) => row.chatId));
  return { conversations, ...(page.nextCursor && { nextCursor: page.nextCursor }), ...(page.prevCursor && { prevCursor: page.prevCursor }) };
}

/** DevRev's export: the first `first` conversations of the list, with the same filters. */
export async function exportConversations(store: Store, principal: Principal, input: Omit<ListConversationsInput, 'cursor' | 'mode' | 'limit'> & { first?: number }): Promise<Conversation[]> {
  const { first, ...filters } = input;
  return (await listConversations(store, principal, { ...filters, limit: first ?? DEFAULT_PAGE_SIZE })).conversations;
}

/**
 * The conversation `id` names (either form), for a caller who may see it: a conversation of
 * another organization, a deleted one, or one a customer is not a member of is 404 alike.
 */
export async function findConversation(store: Store, principal: Principal, fieldName: string, id: string): Promise<Conversation> {
  const ref = parseRefOf(fieldName, id, ['conversation'] as const);
  const conversation = refBelongsTo(ref, principal.org.slug) ? await store.conversations.findByNumber(principal.org.id, ref.number) : undefined;
  if (!conversation) throw absent('conversation', id);
  await assertMember(store, conversation, principal.user, absent('conversation', id));
  return conversation;
}

function recordConversationEvent(tx: Store, type: ConversationEventType, conversation: Conversation, old?: Conversation): Promise<number> {
  return recordEvent(tx, {
    orgId: conversation.orgId,
    chatId: conversation.id,
    type,
    payload: { conversation, ...(old && { oldConversation: old }) },
    at: conversation.modifiedAt,
  });
}

function requireStaffFor(caller: User, input: ConversationInput, allowed: readonly string[]): void {
  if (!isCustomer(caller)) return;
  for (const [key, field] of STAFF_FIELDS) {
    if (input[key] !== undefined && !allowed.includes(field)) throw new Forbidden(`${field}: only the organization's staff may set it`);
  }
}

/** The support fields of a request, checked and resolved; `set` names the update request's `{set}` fields. */
async function resolveFields(store: Store, principal: Principal, input: ConversationInput, set?: 'set'): Promise<Partial<ConversationFields>> {
  const { org } = principal;
  const field = (name: string) => (set ? `${name}.set` : name);
  const fields: Partial<ConversationFields> = {};
  if (input.description !== undefined) fields.description = input.description.trim() === '' ? null : input.description;
  if (input.stage !== undefined) fields.stage = parseStage('stage.name', input.stage);
  if (input.isSpam !== undefined) fields.isSpam = input.isSpam;
  if (input.isFrozen !== undefined) fields.isFrozen = input.isFrozen;
  if (input.sourceChannel !== undefined) fields.sourceChannel = input.sourceChannel;
  if (input.tags !== undefined) fields.tags = checkTags(input.tags, org.slug);
  if (input.ownedBy !== undefined) {
    const owners = await requireUsers(store, org, field('owned_by'), input.ownedBy);
    const notStaff = owners.find((owner) => owner.type !== 'dev_user');
    if (notStaff) throw BadRequest.notPermitted(field('owned_by'), 'owners of a conversation are dev users');
    requireActive(field('owned_by'), owners, []);
    fields.ownerIds = owners.map((owner) => owner.id);
  }
  if (input.group !== undefined) {
    fields.groupId = input.group === '' ? null : (await requireGroups(store, org, 'group', [input.group]))[0]!.id;
  }
  return fields;
}

/** The rev org a conversation is about: its first customer's (the customer who started it, for one they started). */
async function revOrgOf(store: Store, principal: Principal, members: readonly User[]): Promise<number | null> {
  const customer = members.find((member) => member.type === 'rev_user' && member.revOrg !== null);
  if (!customer) return null;
  return (await store.revOrgs.findByNumber(principal.org.id, customer.revOrg!.number))?.id ?? null;
}

const MAX_TAGS = 64;
const TAG_ID = /^(?:don:core:dvrv-us-1:devo\/([A-Za-z0-9]{1,32}):tag\/\d{1,16}|TAG-\d{1,16})$/;

/** Confab keeps no tag objects: a tag is the id of DevRev's, which must look like one, of this organization. */
function parseTagId(fieldName: string, id: string, orgSlug: string): string {
  const match = TAG_ID.exec(id);
  if (!match) throw BadRequest.invalidId(fieldName, id);
  if (match[1] !== undefined && match[1] !== orgSlug) throw BadRequest.invalidField(fieldName, `'${id}' is a tag of another organization`);
  return id;
}

function checkTags(tags: readonly TagRef[], orgSlug: string): TagRef[] {
  const byId = new Map<string, TagRef>();
  for (const tag of tags) byId.set(parseTagId('tags', tag.id, orgSlug), { id: tag.id, ...(tag.value !== undefined && { value: tag.value }) });
  if (byId.size > MAX_TAGS) throw BadRequest.invalidField('tags', `at most ${MAX_TAGS} tags`);
  return [...byId.values()];
}

function changeTags(current: readonly TagRef[], change: NonNullable<UpdateConversationInput['tagsChange']>, orgSlug: string): TagRef[] {
  let tags = change.set !== undefined ? checkTags(change.set, orgSlug) : [...current];
  if (change.add) tags = checkTags([...tags, ...change.add], orgSlug);
  if (change.remove) {
    const removed = new Set(change.remove.map((tag) => parseTagId('tags.remove', tag.id, orgSlug)));
    tags = tags.filter((tag) => !removed.has(tag.id));
  }
  return tags;
}

function checkRange(fieldName: string, range: { after?: string; before?: string }): { after?: string; before?: string } {
  const checked: { after?: string; before?: string } = {};
  for (const side of ['after', 'before'] as const) {
    const value = range[side];
    if (value === undefined) continue;
    const time = new Date(value);
    if (Number.isNaN(time.getTime())) throw BadRequest.invalidField(`${fieldName}.${side}`, `'${value.slice(0, 64)}' is not a date-time`);
    checked[side] = time.toISOString();
  }
  return checked;
}

/** The row ids of the users a filter names; ids that name no one (here) match nothing. */
async function userIdsOf(store: Store, principal: Principal, fieldName: string, values: readonly string[]): Promise<number[]> {
  const ids: number[] = [];
  for (const value of values) {
    try {
      ids.push(...(await resolveUsers(store, principal.org, fieldName, [value], principal.user)).map((user) => user.id));
    } catch (error) {
      if (!(error instanceof Unresolved)) throw error;
    }
  }
  return ids;
}

async function revOrgIdsOf(store: Store, principal: Principal, values: readonly string[]): Promise<number[]> {
  const ids: number[] = [];
  for (const value of values) {
    const ref = parseRefOf('rev_org', value, ['rev_org'] as const);
    const revOrg = refBelongsTo(ref, principal.org.slug) ? await store.revOrgs.findByNumber(principal.org.id, ref.number) : undefined;
    if (revOrg) ids.push(revOrg.id);
  }
  return ids;
}

async function groupIdsOf(store: Store, principal: Principal, values: readonly string[]): Promise<number[]> {
  const refs = values.map((value) => parseRefOf('group', value, ['group'] as const)).filter((ref) => refBelongsTo(ref, principal.org.slug));
  return (await store.groups.findByNumbers(principal.org.id, refs.map((ref) => ref.number))).map((group) => group.id);
}

function uniqueUsers(users: readonly User[]): User[] {
  return [...new Map(users.map((user) => [user.id, user])).values()];
}
