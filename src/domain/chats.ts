/**
 * The rules of chats (DESIGN.md "Chats"): who may create, read and change a DM, and the
 * one-default-DM-per-member-set invariant, which the database enforces.
 */
import type { Store } from '../store/index.js';
import { UniqueViolation } from '../store/index.js';
import { insertedChat, type ChatPatch, type NewChat } from '../store/chats.js';
import { MIN_USERS_TO_LEAVE } from '../schema/limits.js';
import { absent, mayAddGroup, mayChatWith, vouchesForStaff } from './policy/customers.js';
import { BadRequest, Conflict } from './errors.js';
import { checkCustomFields, mergeCustomFields } from './custom-fields.js';
import { recordChatEvent } from './events.js';
import { formatDisplayId, parseRefOf, refBelongsTo } from './ids.js';
import { assertMember, isMember } from './policy/visibility.js';
import { memberKey, requireGroups, requireUsers, resolveUsers, Unresolved } from './members.js';
import { now, type Chat, type Group, type Principal, type User } from '../model/index.js';

export interface CreateChatInput {
  users: string[];
  isDefault?: boolean;
  getIfConflict?: boolean;
  title?: string;
  records?: string[];
  groups?: string[];
  customFields?: Record<string, unknown>;
}

export interface CreateChatResult {
  chat: Chat;
  /** False when `get_if_conflict` returned the existing default DM. */
  created: boolean;
}

export async function createChat(store: Store, principal: Principal, input: CreateChatInput): Promise<CreateChatResult> {
  const { org, user: caller } = principal;
  const users = await requireUsers(store, org, 'users', input.users);
  requireReachable(caller, 'users', users);
  requireActive('users', users, []);
  if (!users.some((user) => user.id === caller.id)) {
    throw BadRequest.notPermitted('users', 'the caller must be one of the users of a chat it creates');
  }
  const groups = await requireGroups(store, org, 'groups', input.groups ?? []);
  requireGroupsAllowed(caller, 'groups', groups);
  const records = parseRecords(input.records ?? []);
  const customFields = input.customFields === undefined ? null : checkCustomFields(input.customFields);
  const isDefault = input.isDefault ?? true;
  const key = memberKey(users);
  const at = now();

  const written: NewChat = {
    orgId: org.id,
    // Before the transaction, and from this process's block: no lock is held for it (store/numbers.ts).
    number: await store.orgs.takeNumber(org.id, 'chat'),
    title: normalizeTitle(input.title) ?? null,
    isDefault,
    memberKey: key,
    customFields,
    records,
    userIds: users.map((user) => user.id),
    groupIds: groups.map((group) => group.id),
    createdBy: caller.id,
    vouched: vouchesForStaff(caller),
    at,
  };

  try {
    const chat = await store.transaction(async (tx) => {
      // The answer is what was written, not a read of it.
      const created = insertedChat(await tx.chats.insert(written), written, users, groups);
      await recordChatEvent(tx, 'chat_created', created);
      return created;
    });
    return { chat, created: true };
  } catch (error) {
    // Refused by a unique key: nothing was written, and the number may serve the next write.
    if (error instanceof UniqueViolation) store.orgs.giveBackNumber(org.id, 'chat', written.number);
    if (!(error instanceof UniqueViolation)) throw error;
    if (input.getIfConflict) {
      const existing = await store.chats.findDefault(org.id, key);
      // The caller is one of the set, so it is a member of that set's default DM.
      if (existing) return { chat: existing, created: false };
    }
    throw new Conflict('a default DM between these users already exists; pass get_if_conflict to get it');
  }
}

export interface GetChatInput {
  id?: string;
  type?: 'dm';
  users?: string[];
}

export async function getChat(store: Store, principal: Principal, input: GetChatInput): Promise<Chat> {
  if (input.id !== undefined) return findMemberChat(store, principal, 'id', input.id);
  if (input.users === undefined) throw BadRequest.missingField('id');
  if (input.type === undefined) throw BadRequest.missingField('type');
  const chat = await findDefaultDm(store, principal, input.users);
  await assertMember(store, chat, principal.user, NO_DEFAULT_DM);
  return chat;
}

export interface UpdateChatInput {
  id: string;
  title?: string;
  users?: string[];
  records?: string[];
  groups?: string[];
  customFields?: Record<string, unknown>;
}

export async function updateChat(store: Store, principal: Principal, input: UpdateChatInput): Promise<Chat> {
  const { org, user: caller } = principal;
  const chat = await findMemberChat(store, principal, 'id', input.id);

  const patch: ChatPatch = { modifiedBy: caller.id, vouched: vouchesForStaff(caller), at: now() };
  let users: User[] = chat.users;
  let groups: Group[] = chat.groups;
  if (input.title !== undefined) patch.title = normalizeTitle(input.title) ?? null;
  if (input.users !== undefined) {
    users = await requireUsers(store, org, 'users.set', input.users);
    requireReachable(caller, 'users.set', users);
    requireActive('users.set', users, chat.users);
    patch.userIds = users.map((user) => user.id);
    patch.memberKey = memberKey(users);
    patch.isDefault = chat.isDefault;
  }
  if (input.groups !== undefined) {
    groups = await requireGroups(store, org, 'groups.set', input.groups);
    requireGroupsAllowed(caller, 'groups.set', groups);
    patch.groupIds = groups.map((group) => group.id);
  }
  if (input.records !== undefined) patch.records = parseRecords(input.records, 'records.set');
  if (input.customFields !== undefined) patch.customFields = mergeCustomFields(chat.customFields, input.customFields);

  if (patch.title === undefined && !patch.userIds && !patch.groupIds && !patch.records && patch.customFields === undefined) {
    return chat;
  }
  if (!(await isMember(store, { users, groups }, caller))) throw BadRequest.notPermitted('users.set', 'the caller must remain a member of the chat');

  try {
    return await store.transaction(async (tx) => {
      await tx.chats.update(chat.id, patch);
      const updated = (await tx.chats.findById(chat.id))!;
      await recordChatEvent(tx, 'chat_updated', updated);
      return updated;
    });
  } catch (error) {
    if (error instanceof UniqueViolation) {
      throw new Conflict('a default DM between these users already exists');
    }
    throw error;
  }
}

/**
 * The caller leaves (a Confab addition): not a default DM, whose members are what it is,
 * and only a chat of three or more named users, of whom the caller is one. Those who stay
 * hear of it as a `chat_updated`.
 */
export async function leaveChat(store: Store, principal: Principal, id: string): Promise<void> {
  const caller = principal.user;
  const chat = await findMemberChat(store, principal, 'id', id);
  if (chat.isDefault) throw BadRequest.notPermitted('id', 'a default DM cannot be left: its members are what it is');
  if (!chat.users.some((user) => user.id === caller.id)) {
    throw BadRequest.notPermitted('id', 'the caller is a member through a group: leave the group instead');
  }
  if (chat.users.length < MIN_USERS_TO_LEAVE) {
    throw BadRequest.notPermitted('id', `only a chat of ${MIN_USERS_TO_LEAVE} or more users can be left`);
  }
  const users = chat.users.filter((user) => user.id !== caller.id);
  await store.transaction(async (tx) => {
    await tx.chats.update(chat.id, {
      modifiedBy: caller.id,
      vouched: vouchesForStaff(caller),
      at: now(),
      userIds: users.map((user) => user.id),
      memberKey: memberKey(users),
      isDefault: false,
    });
    await recordChatEvent(tx, 'chat_updated', (await tx.chats.findById(chat.id))!);
  });
}

/** By id in either form; a chat of another organization is as absent as one never made. */
export async function findChat(store: Store, principal: Principal, fieldName: string, id: string): Promise<Chat> {
  const ref = parseRefOf(fieldName, id, ['chat'] as const);
  const chat = refBelongsTo(ref, principal.org.slug) ? await store.chats.findByNumber(principal.org.id, ref.number, 'dm') : undefined;
  if (!chat) throw absent('chat', id);
  return chat;
}

/**
 * The chat `id` names, if the caller is a member: staff outside it get 403, a customer the
 * very 404 of a chat that does not exist.
 */
export async function findMemberChat(store: Store, principal: Principal, fieldName: string, id: string): Promise<Chat> {
  const chat = await findChat(store, principal, fieldName, id);
  await assertMember(store, chat, principal.user, () => absent('chat', id));
  return chat;
}

const NO_DEFAULT_DM = () => absent('default DM between these users');

async function findDefaultDm(store: Store, principal: Principal, values: string[]): Promise<Chat> {
  let users: User[];
  try {
    users = await resolveUsers(store, principal.org, 'users', values);
  } catch (error) {
    if (error instanceof Unresolved) throw NO_DEFAULT_DM();
    throw error;
  }
  const chat = await store.chats.findDefault(principal.org.id, memberKey(users));
  if (!chat) throw NO_DEFAULT_DM();
  return chat;
}

/**
 * Someone the caller may not chat with (a customer naming another rev org's customer) is
 * refused as if they did not exist: the request learns nothing about them.
 */
export function requireReachable(caller: User, fieldName: string, users: readonly User[]): void {
  const unreachable = users.find((user) => !mayChatWith(caller, user));
  if (unreachable) {
    throw BadRequest.invalidField(fieldName, new Unresolved(formatDisplayId(unreachable.type, unreachable.number)).message);
  }
}

function requireGroupsAllowed(caller: User, fieldName: string, groups: readonly Group[]): void {
  const refused = groups.find((group) => !mayAddGroup(caller, group));
  if (refused) throw BadRequest.notPermitted(fieldName, 'rev users may add only groups of dev users to a chat');
}

/** New members must be active; members who already were may stay whatever their state. */
export function requireActive(fieldName: string, users: readonly User[], existing: readonly User[]): void {
  const inactive = users.find((user) => user.state !== 'active' && !existing.some((member) => member.id === user.id));
  if (inactive) {
    throw BadRequest.notPermitted(fieldName, `${formatDisplayId(inactive.type, inactive.number)} is ${inactive.state}, not active`);
  }
}

const RECORD_ID = /^(don:[a-z]+:[a-z0-9-]+:[A-Za-z0-9_./:-]+|[A-Za-z]{1,16}-[A-Za-z0-9]{1,32})$/;

/** Records are ids of other DevRev objects, which Confab does not keep: they must look like ids. */
function parseRecords(values: readonly string[], fieldName = 'records'): string[] {
  for (const value of values) {
    if (value.length > 256 || !RECORD_ID.test(value)) throw BadRequest.invalidId(fieldName, value);
  }
  return [...new Set(values)];
}

export function normalizeTitle(title: string | undefined): string | undefined {
  if (title === undefined) return undefined;
  const trimmed = title.trim();
  return trimmed.length === 0 ? undefined : trimmed;
}
