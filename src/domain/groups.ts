/**
 * groups.* and groups.members.*: named sets of one type of user. A chat's groups grant
 * their members access, and the chats domain checks membership on every request, so a
 * change here is a change in who can read a chat at once.
 */
import type { Store } from '../store/index.js';
import { UniqueViolation } from '../store/index.js';
import { findUserOf, requireAdmin, requireNotCustomer } from './policy/access.js';
import { readPage, type Page } from './list-cursors.js';
import { BadRequest, Conflict, NotFound } from './errors.js';
import { recordGroupEvent, recordGroupMemberEvent } from './events.js';
import { formatDisplayId, parseRefOf, refBelongsTo } from './ids.js';
import { now, type Group, type GroupMemberType, type Principal, type User } from '../model/index.js';
import { requireText } from './orgs.js';

export interface NewGroupInput {
  name: string;
  description: string;
  memberType?: GroupMemberType;
  type?: 'static' | 'dynamic';
}

export async function createGroup(store: Store, principal: Principal, input: NewGroupInput): Promise<Group> {
  requireAdmin(principal, 'create groups');
  requireText('name', input.name);
  if (input.type === 'dynamic') throw BadRequest.notPermitted('type', 'only static groups are supported');
  const org = principal.org;
  return renameGuard(input.name, () =>
    store.transaction(async (tx) => {
      const group = await tx.groups.insert({
        orgId: org.id,
        number: await tx.orgs.nextNumber(org.id, 'group'),
        name: input.name.trim(),
        description: input.description.trim() || null,
        memberType: input.memberType ?? 'dev_user',
        at: now(),
      });
      await recordGroupEvent(tx, 'group_created', group);
      return group;
    }),
  );
}

/** Any id form of a group of the caller's organization; anything else is 404. */
export async function getGroup(store: Store, principal: Principal, id: string, fieldName = 'id'): Promise<Group> {
  const ref = parseRefOf(fieldName, id, ['group'] as const);
  const group = refBelongsTo(ref, principal.org.slug) ? await store.groups.findByNumber(principal.org.id, ref.number) : undefined;
  if (!group) throw new NotFound('group', id);
  return group;
}

export interface GroupFilter {
  cursor?: string;
  limit?: number;
  memberType?: GroupMemberType[];
  name?: string[];
}

export function listGroups(store: Store, principal: Principal, filter: GroupFilter): Promise<Page<Group>> {
  requireNotCustomer(principal, 'list groups');
  const org = principal.org;
  return readPage(
    store,
    `${org.slug}:groups`,
    filter.limit,
    filter.cursor,
    (afterNumber, limit) =>
      store.groups.list({ orgId: org.id, memberTypes: filter.memberType, names: filter.name, afterNumber, limit }),
    (group) => group.number,
  );
}

export async function updateGroup(
  store: Store,
  principal: Principal,
  id: string,
  changes: { name?: string; description?: string },
): Promise<Group> {
  const group = await getGroup(store, principal, id);
  requireAdmin(principal, 'change groups');
  if (changes.name !== undefined) requireText('name', changes.name);
  if (changes.name === undefined && changes.description === undefined) return group;
  return renameGuard(changes.name ?? group.name, () =>
    store.transaction(async (tx) => {
      const updated = await tx.groups.update(group.id, { name: changes.name?.trim(), description: changes.description?.trim(), at: now() });
      await recordGroupEvent(tx, 'group_updated', updated, group);
      return updated;
    }),
  );
}

export async function addGroupMember(store: Store, principal: Principal, groupId: string, memberId: string): Promise<void> {
  const group = await getGroup(store, principal, groupId, 'group');
  const member = await findUserOf(store, principal.org, 'member', memberId, ['dev_user', 'rev_user', 'service_account']);
  requireAdmin(principal, 'change group members');
  if (member.type !== group.memberType) {
    throw BadRequest.notPermitted('member', `${formatDisplayId('group', group.number)} holds ${group.memberType}s, not ${member.type}s`);
  }
  if (member.state === 'deactivated' || member.state === 'deleted') {
    throw BadRequest.notPermitted('member', `${formatDisplayId(member.type, member.number)} is ${member.state}`);
  }
  const at = now();
  await store.transaction(async (tx) => {
    // Adding a member twice is no change, and no event.
    if (await tx.groups.addMember(group.id, member.id, at)) {
      await recordGroupMemberEvent(tx, 'group_member_added', { group, member }, at);
    }
  });
}

export async function removeGroupMember(store: Store, principal: Principal, groupId: string, memberId: string): Promise<void> {
  const group = await getGroup(store, principal, groupId, 'group');
  const member = await findUserOf(store, principal.org, 'member', memberId, ['dev_user', 'rev_user', 'service_account']);
  requireAdmin(principal, 'change group members');
  const at = now();
  const removed = await store.transaction(async (tx) => {
    if (!(await tx.groups.removeMember(group.id, member.id))) return false;
    await recordGroupMemberEvent(tx, 'group_member_removed', { group, member }, at);
    return true;
  });
  if (!removed) throw new NotFound(`member ${formatDisplayId(member.type, member.number)} of group`, groupId);
}

export async function listGroupMembers(
  store: Store,
  principal: Principal,
  filter: { group: string; cursor?: string; limit?: number },
): Promise<Page<User>> {
  const group = await getGroup(store, principal, filter.group, 'group');
  requireNotCustomer(principal, 'list group members');
  return readPage(
    store,
    `${principal.org.slug}:groups.members:${group.number}`,
    filter.limit,
    filter.cursor,
    (afterNumber, limit) => store.groups.listMembers(group.id, afterNumber, limit),
    (user) => user.number,
  );
}

async function renameGuard<T>(name: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (error instanceof UniqueViolation) throw new Conflict(`a group named '${name.trim()}' already exists`);
    throw error;
  }
}
