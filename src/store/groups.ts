import type { Insertable, Kysely } from 'kysely';
import type { Group, GroupMemberType, User } from '../model/index.js';
import { translateUnique } from './errors.js';
import { inList } from './filters.js';
import { toGroup, toUser, USER_JOINED_COLUMNS, type UserRow } from './rows.js';
import { batches } from './batches.js';
import type { Database, GroupMembersTable, GroupsTable } from './schema.js';

export interface NewGroup {
  orgId: number;
  number: number;
  name: string;
  description: string | null;
  memberType: GroupMemberType;
  at: string;
  /** An import's: when it was last changed where it was exported from. A new one: `at`. */
  modifiedAt?: string;
}

/** A user in a group since `at`. */
export interface NewGroupMember {
  groupId: number;
  userId: number;
  at: string;
}

export interface GroupListQuery {
  orgId: number;
  memberTypes?: readonly GroupMemberType[];
  names?: readonly string[];
  afterNumber: number;
  limit: number;
}

export interface GroupChanges {
  name?: string;
  description?: string;
  at: string;
}

export class GroupStore {
  constructor(private readonly db: Kysely<Database>) {}

  /** Throws `UniqueViolation` when the name is another group's. */
  async insert(input: NewGroup): Promise<Group> {
    const row = await translateUnique(() => this.db.insertInto('groups').values(groupRow(input)).returningAll().executeTakeFirstOrThrow());
    return toGroup(row);
  }

  async findByNumbers(orgId: number, numbers: readonly number[]): Promise<Group[]> {
    if (numbers.length === 0) return [];
    const rows = await this.db
      .selectFrom('groups')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('number', 'in', numbers)
      .execute();
    return rows.map(toGroup);
  }

  /** False when the user already was a member. */
  async addMember(groupId: number, userId: number, at: string): Promise<boolean> {
    const result = await this.insertMembers([groupMemberRow({ groupId, userId, at })])
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  /** Many memberships in few statements (imports). Throws `UniqueViolation` when one exists already. */
  async addMembers(members: readonly NewGroupMember[]): Promise<void> {
    for (const batch of batches(members.map(groupMemberRow))) await translateUnique(() => this.insertMembers(batch).execute());
  }

  /** True when the user belongs to any of the groups. */
  async isMemberOfAny(userId: number, groupIds: readonly number[]): Promise<boolean> {
    if (groupIds.length === 0) return false;
    const row = await this.db
      .selectFrom('group_members')
      .select('group_id')
      .where('user_id', '=', userId)
      .where('group_id', 'in', groupIds)
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  }

  async findByNumber(orgId: number, number: number): Promise<Group | undefined> {
    return (await this.findByNumbers(orgId, [number]))[0];
  }

  async list(query: GroupListQuery): Promise<Group[]> {
    let select = this.db
      .selectFrom('groups')
      .selectAll()
      .where('org_id', '=', query.orgId)
      .where('number', '>', query.afterNumber);
    if (query.memberTypes) select = select.where((eb) => inList(eb, 'member_type', query.memberTypes!));
    if (query.names) select = select.where((eb) => inList(eb, 'name', query.names!));
    const rows = await select.orderBy('number').limit(query.limit).execute();
    return rows.map(toGroup);
  }

  async update(id: number, changes: GroupChanges): Promise<Group> {
    const row = await translateUnique(() =>
      this.db
        .updateTable('groups')
        .set({
          ...(changes.name !== undefined && { name: changes.name }),
          ...(changes.description !== undefined && { description: changes.description }),
          modified_at: changes.at,
        })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow(),
    );
    return toGroup(row);
  }

  /** False when the user was not a member. */
  async removeMember(groupId: number, userId: number): Promise<boolean> {
    const result = await this.db
      .deleteFrom('group_members')
      .where('group_id', '=', groupId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  /**
   * One page of a group's members in user-number order. A group holds one type of user,
   * so the number alone orders them.
   */
  async listMembers(groupId: number, afterNumber: number, limit: number): Promise<User[]> {
    const rows = await this.db
      .selectFrom('group_members')
      .innerJoin('users', 'users.id', 'group_members.user_id')
      .leftJoin('rev_orgs', 'rev_orgs.id', 'users.rev_org_id')
      .leftJoin('artifacts as display_pictures', 'display_pictures.id', 'users.display_picture_id')
      .selectAll('users')
      .select(USER_JOINED_COLUMNS)
      .where('group_members.group_id', '=', groupId)
      .where('users.number', '>', afterNumber)
      .orderBy('users.number')
      .limit(limit)
      .execute();
    return rows.map((row) => toUser(row as UserRow));
  }

  private insertMembers(rows: Insertable<GroupMembersTable>[]) {
    return this.db.insertInto('group_members').values(rows);
  }
}

function groupRow(input: NewGroup): Insertable<GroupsTable> {
  return {
    org_id: input.orgId,
    number: input.number,
    name: input.name,
    description: input.description,
    member_type: input.memberType,
    created_at: input.at,
    modified_at: input.modifiedAt ?? input.at,
  };
}

function groupMemberRow(member: NewGroupMember): Insertable<GroupMembersTable> {
  return { group_id: member.groupId, user_id: member.userId, created_at: member.at };
}
