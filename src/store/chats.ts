import { sql, type Insertable, type Kysely, type QueryCreator, type Selectable } from 'kysely';
import type { Chat, ChatType, Group, SyncMetadata, User } from '../model/index.js';
import { batches } from './batches.js';
import { translateUnique } from './errors.js';
import { chatIdsOfUser, memberIdsOfChat, sharingAChatWith, vouchedContactsOf } from './membership.js';
import { groupBy, jsonColumn, parseJson, toGroup, toUser, USER_JOINED_COLUMNS, type UserRow, type Verbatim } from './rows.js';
import type { ChatGroupsTable, ChatsTable, ChatUsersTable, Database } from './schema.js';
import type { DialectName } from './migrations/helpers.js';
import type { UserStore } from './users.js';

export interface NewChat {
  orgId: number;
  number: number;
  /** A DM unless said otherwise (a support conversation: store/conversations.ts). */
  type?: ChatType;
  title: string | null;
  isDefault: boolean;
  memberKey: string;
  customFields: Record<string, unknown> | null;
  /** A new chat's empty list is stored as none; an import's list verbatim. */
  records: string[] | Verbatim<string[]>;
  userIds: number[];
  groupIds: number[];
  createdBy: number;
  /** Whether its creator's putting them there vouches for its staff (domain/policy/customers.ts `vouchesForStaff`). */
  vouched: boolean;
  at: string;
  // An import's: the chat as it was where it was exported from. A new chat has no sync
  // metadata, and was last changed by its creator, and last active, when it was made.
  syncMetadata?: Record<string, unknown> | null;
  modifiedBy?: number;
  modifiedAt?: string;
  activityAt?: string;
}

export interface ChatPatch {
  title?: string | null;
  isDefault?: boolean;
  memberKey?: string;
  customFields?: Record<string, unknown> | null;
  records?: string[];
  userIds?: number[];
  groupIds?: number[];
  modifiedBy: number;
  /** Whether members new to the chat are there by staff's doing; those who stay keep theirs. */
  vouched: boolean;
  at: string;
}

function chatRow(input: NewChat): Insertable<ChatsTable> {
  return {
    org_id: input.orgId,
    number: input.number,
    type: input.type ?? 'dm',
    title: input.title,
    is_default: input.isDefault ? 1 : 0,
    member_key: input.memberKey,
    default_key: input.isDefault ? input.memberKey : null,
    custom_fields: input.customFields === null ? null : JSON.stringify(input.customFields),
    records: jsonColumn(input.records, (records) => (records.length === 0 ? null : JSON.stringify(records))),
    sync_metadata: input.syncMetadata == null ? null : JSON.stringify(input.syncMetadata),
    created_by: input.createdBy,
    modified_by: input.modifiedBy ?? input.createdBy,
    created_at: input.at,
    modified_at: input.modifiedAt ?? input.at,
    activity_at: input.activityAt ?? input.at,
  };
}

/**
 * A chat just inserted from `input`, as a read of it would answer, without reading it: its
 * members and groups are the ones `input` names by id, in that order, and its creator is
 * one of its users. Stored JSON is read back as JSON reads it.
 */
export function insertedChat(id: number, input: NewChat, users: readonly User[], groups: readonly Group[]): Chat {
  const creator = users.find((user) => user.id === input.createdBy)!;
  const row = chatRow(input);
  return {
    id,
    orgId: input.orgId,
    number: input.number,
    type: 'dm',
    title: input.title,
    isDefault: input.isDefault,
    memberKey: input.memberKey,
    customFields: parseJson<Record<string, unknown>>(row.custom_fields ?? null),
    records: parseJson<string[]>(row.records ?? null) ?? [],
    syncMetadata: parseJson<SyncMetadata>(row.sync_metadata ?? null),
    users: [...users],
    vouchedUserIds: input.vouched ? users.map((user) => user.id) : [],
    groups: [...groups],
    createdBy: creator,
    modifiedBy: creator,
    createdAt: input.at,
    modifiedAt: input.at,
  };
}

/** When and how each member joined: those who stay in an updated chat keep both. */
interface Joining {
  joinedAt: string;
  vouched: boolean;
}
type Joined = (memberId: number) => Joining;

/** Membership rows carry the chat's activity, so that a member's chats list is one index range (see touch). */
function userRows(chatId: number, userIds: readonly number[], activityAt: string, joined: Joined): Insertable<ChatUsersTable>[] {
  return userIds.map((userId, position) => ({ chat_id: chatId, user_id: userId, position, activity_at: activityAt, ...joiningColumns(joined(userId)) }));
}

function groupRows(chatId: number, groupIds: readonly number[], activityAt: string, joined: Joined): Insertable<ChatGroupsTable>[] {
  return groupIds.map((groupId, position) => ({ chat_id: chatId, group_id: groupId, position, activity_at: activityAt, ...joiningColumns(joined(groupId)) }));
}

function joiningColumns(joining: Joining): { joined_at: string; vouched: number } {
  return { joined_at: joining.joinedAt, vouched: joining.vouched ? 1 : 0 };
}

/** A place in a member's chats list, newest activity first: the keyset its pages are cut on. */
export interface ChatActivity {
  chatId: number;
  activityAt: string;
}

export interface MemberChatsQuery {
  userId: number;
  /** `older`: chats of earlier activity than `from`, newest first; `newer`: later, oldest first. */
  direction: 'older' | 'newer';
  from?: ChatActivity;
  limit: number;
  isDefault?: boolean;
  /** Only chats that have every one of these users among their users. */
  withUsers?: readonly number[];
}

type MembershipTable = 'chat_users' | 'chat_groups';


export class ChatStore {
  constructor(
    private readonly db: Kysely<Database>,
    /** The store's one user reader, shared so that every entity reads people the same way. */
    private readonly users: UserStore,
    private readonly dialect: DialectName,
  ) {}

  /** Throws `UniqueViolation` when the org already has a default DM for the member set. */
  async insert(input: NewChat): Promise<number> {
    return (await this.insertMany([input])).get(input.number)!;
  }

  /**
   * Many chats with their members in few statements (seeding, imports), unchecked beyond the
   * database's constraints; row ids by number. Throws `UniqueViolation` as `insert` does.
   * Every member joined when the chat was made. So did an imported chat's: the outbox is not
   * exported, so there is nothing from before the import for a join time to hide (as
   * migration 0019 did for old rows).
   */
  async insertMany(inputs: readonly NewChat[]): Promise<Map<number, number>> {
    const ids = new Map<number, number>();
    for (const batch of batches(inputs.map(chatRow))) {
      const inserted = await translateUnique(() => this.db.insertInto('chats').values(batch).returning(['id', 'number']).execute());
      for (const row of inserted) ids.set(row.number, row.id);
    }
    const joined = (chat: NewChat): Joined => () => ({ joinedAt: chat.at, vouched: chat.vouched });
    await this.insertUsers(inputs.flatMap((chat) => userRows(ids.get(chat.number)!, chat.userIds, chat.activityAt ?? chat.at, joined(chat))));
    await this.insertGroups(inputs.flatMap((chat) => groupRows(ids.get(chat.number)!, chat.groupIds, chat.activityAt ?? chat.at, joined(chat))));
    return ids;
  }

  /** Throws `UniqueViolation` when the new member set's default DM already exists. */
  async update(chatId: number, patch: ChatPatch): Promise<void> {
    await translateUnique(() =>
      this.db
        .updateTable('chats')
        .set({
          ...(patch.title !== undefined && { title: patch.title }),
          ...(patch.customFields !== undefined && {
            custom_fields: patch.customFields === null ? null : JSON.stringify(patch.customFields),
          }),
          ...(patch.records !== undefined && { records: patch.records.length === 0 ? null : JSON.stringify(patch.records) }),
          ...(patch.memberKey !== undefined && { member_key: patch.memberKey }),
          ...(patch.memberKey !== undefined &&
            patch.isDefault !== undefined && { default_key: patch.isDefault ? patch.memberKey : null }),
          modified_by: patch.modifiedBy,
          modified_at: patch.at,
        })
        .where('id', '=', chatId)
        .execute(),
    );
    if (!patch.userIds && !patch.groupIds) return;
    const { activity_at: activityAt } = await this.db
      .selectFrom('chats')
      .select('activity_at')
      .where('id', '=', chatId)
      .executeTakeFirstOrThrow();
    const newcomer: Joining = { joinedAt: patch.at, vouched: patch.vouched };
    if (patch.userIds) await this.replaceUsers(chatId, patch.userIds, activityAt, newcomer);
    if (patch.groupIds) await this.replaceGroups(chatId, patch.groupIds, activityAt, newcomer);
  }

  /** The chat of `type` numbered `number`: DMs and conversations share the numbers, never an answer. */
  async findByNumber(orgId: number, number: number, type: ChatType = 'dm'): Promise<Chat | undefined> {
    const row = await this.db
      .selectFrom('chats')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('number', '=', number)
      .where('type', '=', type)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    return row && this.assemble(row);
  }

  /** A DM or a conversation; a deleted conversation is not there. */
  async findById(chatId: number): Promise<Chat | undefined> {
    const row = await this.db.selectFrom('chats').selectAll().where('id', '=', chatId).where('deleted_at', 'is', null).executeTakeFirst();
    return row && this.assemble(row);
  }

  /** Many chats in the statements one takes (a page of chats.list), in no particular order. */
  async findByIds(chatIds: readonly number[]): Promise<Chat[]> {
    if (chatIds.length === 0) return [];
    const rows = await this.db.selectFrom('chats').selectAll().where('id', 'in', [...chatIds]).where('deleted_at', 'is', null).execute();
    return this.assembleMany(rows);
  }

  /** When each of these chats last changed, activity included: the part of a chat a cache of them cannot keep for long. */
  async modifiedAtOf(chatIds: readonly number[]): Promise<Map<number, string>> {
    if (chatIds.length === 0) return new Map();
    const rows = await this.db.selectFrom('chats').select(['id', 'modified_at']).where('id', 'in', [...chatIds]).execute();
    return new Map(rows.map((row) => [row.id, row.modified_at]));
  }

  async findDefault(orgId: number, memberKey: string): Promise<Chat | undefined> {
    const row = await this.db
      .selectFrom('chats')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('default_key', '=', memberKey)
      .executeTakeFirst();
    return row && this.assemble(row);
  }

  /** The ids of the chats `userId` belongs to, directly or through a group: at most `limit` of them, in no order. */
  async memberChatIds(userId: number, limit: number): Promise<number[]> {
    const rows = await chatIdsOfUser(this.db, userId).distinct().limit(limit).execute();
    return rows.map((row) => row.chat_id);
  }

  /** Everyone who belongs to the chat now, directly or through its groups. */
  memberIds(chatId: number): Promise<number[]> {
    return memberIdsOfChat(this.db, chatId);
  }

  /**
   * Activity in a chat (a new message) changes its modified_date, not its modified_by, and
   * moves it up every member's chats list: the membership rows carry the activity too.
   *
   * Answers the time the activity is stamped with: `at`, or the chat's last activity if that
   * is later (another process's clock ahead of ours). The chat's row stays locked until the
   * caller's transaction ends, so a chat's entries commit one at a time in the order of their
   * stamps, and a reader paging a chat by (created_at, id) never passes an entry that commits
   * later behind it; entries of other chats go on in parallel. One statement on both
   * databases: data-modifying CTEs on PostgreSQL, a trigger on SQLite (migration 0040).
   */
  async touch(chatId: number, at: string): Promise<string> {
    const stamped = sql<string>`case when activity_at > ${at} then activity_at else ${at} end`;
    const touchChat = (db: QueryCreator<Database>) =>
      db.updateTable('chats').set({ modified_at: stamped, activity_at: stamped }).where('id', '=', chatId).returning('activity_at');
    if (this.dialect === 'postgres') {
      const row = await this.db
        .with('touched', touchChat)
        .with('touched_users', (db) =>
          db.updateTable('chat_users').set((eb) => ({ activity_at: eb.selectFrom('touched').select('activity_at') })).where('chat_id', '=', chatId),
        )
        .with('touched_groups', (db) =>
          db.updateTable('chat_groups').set((eb) => ({ activity_at: eb.selectFrom('touched').select('activity_at') })).where('chat_id', '=', chatId),
        )
        .selectFrom('touched')
        .select('activity_at')
        .executeTakeFirstOrThrow();
      return row.activity_at;
    }
    // SQLite's trigger copies it to the membership rows (migration 0040).
    return (await touchChat(this.db).executeTakeFirstOrThrow()).activity_at;
  }

  /** Which of `userIds` are in at least one chat with `viewerId`, directly or through a chat's groups (themselves excluded). */
  sharingAChat(viewerId: number, userIds?: readonly number[]): Promise<number[]> {
    return sharingAChatWith(this.db, viewerId, userIds);
  }

  /**
   * Those in a chat with `viewerId` (directly or through a group) whose membership there is
   * vouched for, of `userIds` or of everyone (themselves excluded): whom a customer knows by
   * email (domain/policy/customers.ts).
   */
  vouchedContacts(viewerId: number, userIds?: readonly number[]): Promise<number[]> {
    return vouchedContactsOf(this.db, viewerId, userIds);
  }

  /** `userId`, a member of the chat, now counts as there by staff's doing (they posted in it). */
  async vouch(chatId: number, userId: number): Promise<void> {
    await this.db.updateTable('chat_users').set({ vouched: 1 }).where('chat_id', '=', chatId).where('user_id', '=', userId).execute();
  }

  /**
   * One slice of the chats `userId` belongs to, directly or through a group, ordered by
   * activity. Each way in is a range scan of its (user or group, activity_at, chat_id)
   * index reading at most `limit` rows, both in one statement (UNION ALL of the two
   * slices); they are merged here, so a page costs the same however many chats the user has.
   */
  async listForMember(query: MemberChatsQuery): Promise<ChatActivity[]> {
    const order = query.direction === 'older' ? 'desc' : 'asc';
    const slice = (table: MembershipTable) => {
      let select = this.db
        .selectFrom(table as 'chat_users')
        .select([`${table}.chat_id` as 'chat_users.chat_id', `${table}.activity_at` as 'chat_users.activity_at'])
        .distinct();
      select =
        table === 'chat_users'
          ? select.where('chat_users.user_id', '=', query.userId)
          : select.where(`chat_groups.group_id` as 'chat_users.user_id', 'in', (eb) =>
              eb.selectFrom('group_members').select('group_members.group_id').where('group_members.user_id', '=', query.userId),
            );
      const column = (name: 'chat_id' | 'activity_at') => `${table}.${name}` as `chat_users.${typeof name}`;
      if (query.from) {
        const [range, strict] = query.direction === 'older' ? (['<=', '<'] as const) : (['>=', '>'] as const);
        const from = query.from;
        select = select.where((eb) =>
          eb.and([
            eb(column('activity_at'), range, from.activityAt),
            eb.or([eb(column('activity_at'), strict, from.activityAt), eb(column('chat_id'), strict, from.chatId)]),
          ]),
        );
      }
      // Support conversations are chats inside, not in anyone's chats list (conversations.list has them).
      select = select.where((eb) =>
        eb.exists(
          eb
            .selectFrom('chats')
            .select('chats.id')
            .whereRef('chats.id', '=', column('chat_id'))
            .where('chats.type', '=', 'dm')
            .$if(query.isDefault !== undefined, (exists) => exists.where('chats.is_default', '=', query.isDefault ? 1 : 0)),
        ),
      );
      for (const userId of query.withUsers ?? []) {
        select = select.where((eb) =>
          eb.exists(
            eb
              .selectFrom('chat_users as required')
              .select('required.chat_id')
              .whereRef('required.chat_id', '=', column('chat_id'))
              .where('required.user_id', '=', userId),
          ),
        );
      }
      return select.orderBy(column('activity_at'), order).orderBy(column('chat_id'), order).limit(query.limit);
    };
    const rows = await this.db
      .selectFrom(slice('chat_users').as('direct'))
      .selectAll()
      .unionAll(this.db.selectFrom(slice('chat_groups').as('via_groups')).selectAll())
      .execute();
    const seen = new Set<number>();
    const sign = order === 'desc' ? -1 : 1;
    return rows
      .map((row): ChatActivity => ({ chatId: row.chat_id, activityAt: row.activity_at }))
      .sort((a, b) => sign * (a.activityAt < b.activityAt ? -1 : a.activityAt > b.activityAt ? 1 : a.chatId - b.chatId))
      .filter((row) => !seen.has(row.chatId) && seen.add(row.chatId) !== undefined)
      .slice(0, query.limit);
  }

  /** Members who stay keep when and how they joined; those new to the chat are `newcomer`s. */
  private async replaceUsers(chatId: number, userIds: readonly number[], activityAt: string, newcomer: Joining): Promise<void> {
    const joined = await this.removeMembers('chat_users', 'user_id', chatId);
    await this.insertUsers(userRows(chatId, userIds, activityAt, (userId) => joined.get(userId) ?? newcomer));
  }

  private async replaceGroups(chatId: number, groupIds: readonly number[], activityAt: string, newcomer: Joining): Promise<void> {
    const joined = await this.removeMembers('chat_groups', 'group_id', chatId);
    await this.insertGroups(groupRows(chatId, groupIds, activityAt, (groupId) => joined.get(groupId) ?? newcomer));
  }

  private async insertUsers(rows: readonly Insertable<ChatUsersTable>[]): Promise<void> {
    for (const batch of batches(rows)) await this.db.insertInto('chat_users').values(batch).execute();
  }

  private async insertGroups(rows: readonly Insertable<ChatGroupsTable>[]): Promise<void> {
    for (const batch of batches(rows)) await this.db.insertInto('chat_groups').values(batch).execute();
  }

  /** Removes a chat's users or groups, answering when and how each had joined: those who stay keep it. */
  private async removeMembers(table: 'chat_users' | 'chat_groups', key: 'user_id' | 'group_id', chatId: number): Promise<Map<number, Joining>> {
    const rows = await this.db
      .selectFrom(table)
      .select([sql<number>`${sql.ref(key)}`.as('member'), 'joined_at', 'vouched'])
      .where('chat_id', '=', chatId)
      .execute();
    await this.db.deleteFrom(table).where('chat_id', '=', chatId).execute();
    return new Map(rows.map((row) => [row.member, { joinedAt: row.joined_at, vouched: row.vouched === 1 }]));
  }

  /** Marks a conversation deleted and takes its members out: no list, search or stream finds it again. */
  async markDeleted(chatId: number, at: string): Promise<void> {
    await this.db.updateTable('chats').set({ deleted_at: at }).where('id', '=', chatId).execute();
    await this.db.deleteFrom('chat_users').where('chat_id', '=', chatId).execute();
    await this.db.deleteFrom('chat_groups').where('chat_id', '=', chatId).execute();
  }

  private async assemble(row: Selectable<ChatsTable>): Promise<Chat> {
    return (await this.assembleMany([row]))[0]!;
  }

  /**
   * Members come with their user rows in one join; creator and modifier are nearly always
   * members, and are looked up only when they are not. Two queries for the members and
   * groups of however many chats, and a third only for such outsiders.
   */
  async assembleMany(rows: readonly Selectable<ChatsTable>[]): Promise<Chat[]> {
    if (rows.length === 0) return [];
    const chatIds = rows.map((row) => row.id);
    const [memberRows, groupRows] = await Promise.all([
      this.db
        .selectFrom('chat_users')
        .innerJoin('users', 'users.id', 'chat_users.user_id')
        .leftJoin('rev_orgs', 'rev_orgs.id', 'users.rev_org_id')
        .leftJoin('artifacts as display_pictures', 'display_pictures.id', 'users.display_picture_id')
        .selectAll('users')
        .select(USER_JOINED_COLUMNS)
        .select(['chat_users.chat_id as member_of', 'chat_users.vouched as member_vouched'])
        .where('chat_users.chat_id', 'in', chatIds)
        .orderBy('chat_users.chat_id')
        .orderBy('chat_users.position')
        .execute(),
      this.db
        .selectFrom('chat_groups')
        .innerJoin('groups', 'groups.id', 'chat_groups.group_id')
        .selectAll('groups')
        .select('chat_groups.chat_id as group_of')
        .where('chat_groups.chat_id', 'in', chatIds)
        .orderBy('chat_groups.chat_id')
        .orderBy('chat_groups.position')
        .execute(),
    ]);
    const membersOf = groupBy(memberRows, (member) => member.member_of);
    const groupsOf = groupBy(groupRows, (group) => group.group_of);
    const byId = new Map(memberRows.map((member) => [member.id, toUser(member as UserRow)]));
    const missing = rows.flatMap((row) => [row.created_by, row.modified_by]).filter((id) => !byId.has(id));
    if (missing.length > 0) for (const user of await this.users.findByIds([...new Set(missing)])) byId.set(user.id, user);
    return rows.map((row) => {
      const members = membersOf.get(row.id) ?? [];
      return {
        id: row.id,
        orgId: row.org_id,
        number: row.number,
        type: row.type as ChatType,
        title: row.title,
        isDefault: row.is_default === 1,
        memberKey: row.member_key,
        customFields: parseJson<Record<string, unknown>>(row.custom_fields),
        records: parseJson<string[]>(row.records) ?? [],
        syncMetadata: parseJson<SyncMetadata>(row.sync_metadata),
        users: members.map((member) => byId.get(member.id)!),
        vouchedUserIds: members.filter((member) => member.member_vouched === 1).map((member) => member.id),
        groups: (groupsOf.get(row.id) ?? []).map(toGroup) as Group[],
        createdBy: byId.get(row.created_by)!,
        modifiedBy: byId.get(row.modified_by)!,
        createdAt: row.created_at,
        modifiedAt: row.modified_at,
      };
    });
  }
}
