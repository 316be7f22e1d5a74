import type { Kysely } from 'kysely';
import type { Group, GroupMemberType } from '../domain/model.js';
import { toGroup } from './rows.js';
import type { Database } from './schema.js';

export interface NewGroup {
  orgId: number;
  number: number;
  name: string;
  description: string | null;
  memberType: GroupMemberType;
  at: string;
}

export class GroupStore {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(input: NewGroup): Promise<Group> {
    const row = await this.db
      .insertInto('groups')
      .values({
        org_id: input.orgId,
        number: input.number,
        name: input.name,
        description: input.description,
        member_type: input.memberType,
        created_at: input.at,
        modified_at: input.at,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
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

  async addMember(groupId: number, userId: number, at: string): Promise<void> {
    await this.db
      .insertInto('group_members')
      .values({ group_id: groupId, user_id: userId, created_at: at })
      .onConflict((oc) => oc.doNothing())
      .execute();
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
}
