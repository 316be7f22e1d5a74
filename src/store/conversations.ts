/**
 * Support conversations: chat rows of type `conversation` (their members and timeline are the
 * chat's, store/chats.ts) and what only a conversation has (migration 0026). A page of
 * conversations.list is one statement for its ids and the few that assemble any number of
 * chats, plus two for their owners and the rest of their fields.
 */
import { sql, type Kysely, type Selectable } from 'kysely';
import type { Chat, Conversation, ConversationStage, Group, RevOrgSummary, TagRef, User } from '../model/index.js';
import { groupBy, parseJson, toGroup } from './rows.js';
import type { ChatStore, NewChat, ChatPatch } from './chats.js';
import type { Public } from './parts.js';
import type { ConversationsTable, Database } from './schema.js';
import type { UserStore } from './users.js';

export interface ConversationFields {
  description: string | null;
  stage: ConversationStage;
  isSpam: boolean;
  isFrozen: boolean;
  ownerIds: number[];
  groupId: number | null;
  revOrgId: number | null;
  sourceChannel: string | null;
  tags: TagRef[];
  actualCloseDate: string | null;
}

export type NewConversation = Omit<NewChat, 'type'> & ConversationFields;

export type ConversationPatch = ChatPatch & Partial<ConversationFields>;

/** What the inbox orders by: when a conversation was made, or last changed (a message counts). */
export type ConversationSortKey = 'created_date' | 'modified_date';

/** A place in a conversations list: the sort key's time and the chat's id. */
export interface ConversationPosition {
  chatId: number;
  at: string;
}

export interface ConversationsQuery {
  orgId: number;
  /** Only conversations this user is a member of (a customer's own); absent: all of the organization's. */
  memberId?: number;
  members?: readonly number[];
  ownedBy?: readonly number[];
  revOrgIds?: readonly number[];
  stages?: readonly string[];
  groupIds?: readonly number[];
  isSpam?: boolean;
  isFrozen?: boolean;
  tagIds?: readonly string[];
  created?: { after?: string; before?: string };
  modified?: { after?: string; before?: string };
  sortBy: ConversationSortKey;
  direction: 'older' | 'newer';
  from?: ConversationPosition;
  limit: number;
}

export class ConversationStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly chats: Public<ChatStore>,
    private readonly users: UserStore,
  ) {}

  async insert(input: NewConversation): Promise<number> {
    const chatId = await this.chats.insert({ ...input, type: 'conversation' });
    await this.db
      .insertInto('conversations')
      .values({ chat_id: chatId, org_id: input.orgId, stage: input.stage, is_spam: 0, is_frozen: 0, ...fieldColumns(input) })
      .execute();
    await this.replaceOwners(chatId, input.ownerIds);
    return chatId;
  }

  async update(chatId: number, patch: ConversationPatch): Promise<void> {
    await this.chats.update(chatId, patch);
    const columns = fieldColumns(patch);
    if (Object.keys(columns).length > 0) await this.db.updateTable('conversations').set(columns).where('chat_id', '=', chatId).execute();
    if (patch.ownerIds) await this.replaceOwners(chatId, patch.ownerIds);
  }

  async findByNumber(orgId: number, number: number): Promise<Conversation | undefined> {
    const chat = await this.chats.findByNumber(orgId, number, 'conversation');
    return chat && (await this.complete([chat]))[0];
  }

  async findById(chatId: number): Promise<Conversation | undefined> {
    return (await this.findByIds([chatId]))[0];
  }

  /** In the order of `chatIds`; deleted ones are left out. */
  async findByIds(chatIds: readonly number[]): Promise<Conversation[]> {
    const chats = (await this.chats.findByIds(chatIds)).filter((chat) => chat.type === 'conversation');
    const byId = new Map((await this.complete(chats)).map((conversation) => [conversation.id, conversation]));
    return chatIds.flatMap((id) => byId.get(id) ?? []);
  }

  /** One slice of an organization's conversations (or a member's), nearest to `from` first. */
  async list(query: ConversationsQuery): Promise<ConversationPosition[]> {
    const column = query.sortBy === 'created_date' ? 'chats.created_at' : 'chats.modified_at';
    const order = query.direction === 'older' ? 'desc' : 'asc';
    let select = this.db
      .selectFrom('chats')
      .innerJoin('conversations', 'conversations.chat_id', 'chats.id')
      .select(['chats.id as chat_id', `${column} as at`])
      .where('chats.org_id', '=', query.orgId)
      .where('chats.type', '=', 'conversation')
      .where('chats.deleted_at', 'is', null);
    if (query.memberId !== undefined) select = select.where('chats.id', 'in', this.chatsOfUsers('chat_users', [query.memberId]));
    if (query.members) select = select.where('chats.id', 'in', this.chatsOfUsers('chat_users', query.members));
    if (query.ownedBy) select = select.where('chats.id', 'in', this.chatsOfUsers('conversation_owners', query.ownedBy));
    if (query.revOrgIds) select = select.where('conversations.rev_org_id', 'in', nonEmpty(query.revOrgIds));
    if (query.stages) select = select.where('conversations.stage', 'in', nonEmpty(query.stages));
    if (query.groupIds) select = select.where('conversations.group_id', 'in', nonEmpty(query.groupIds));
    if (query.isSpam !== undefined) select = select.where('conversations.is_spam', '=', query.isSpam ? 1 : 0);
    if (query.isFrozen !== undefined) select = select.where('conversations.is_frozen', '=', query.isFrozen ? 1 : 0);
    if (query.tagIds) {
      // Tags are a short JSON list per conversation: matched by each id's quoted spelling in it.
      const tagIds = query.tagIds;
      select = select.where((eb) =>
        eb.or(tagIds.map((id) => sql<boolean>`${sql.ref('conversations.tags')} like ${`%${likeLiteral(JSON.stringify(id))}%`} escape '\\'`)),
      );
    }
    for (const [range, col] of [
      [query.created, 'chats.created_at'],
      [query.modified, 'chats.modified_at'],
    ] as const) {
      if (range?.after !== undefined) select = select.where(col, '>', range.after);
      if (range?.before !== undefined) select = select.where(col, '<', range.before);
    }
    if (query.from) {
      const from = query.from;
      const [range, strict] = query.direction === 'older' ? (['<=', '<'] as const) : (['>=', '>'] as const);
      select = select.where((eb) => eb.and([eb(column, range, from.at), eb.or([eb(column, strict, from.at), eb('chats.id', strict, from.chatId)])]));
    }
    const rows = await select.orderBy(column, order).orderBy('chats.id', order).limit(query.limit).execute();
    return rows.map((row) => ({ chatId: row.chat_id, at: row.at }));
  }

  private chatsOfUsers(table: 'chat_users' | 'conversation_owners', userIds: readonly number[]) {
    return table === 'chat_users'
      ? this.db.selectFrom('chat_users').select('chat_users.chat_id').where('chat_users.user_id', 'in', nonEmpty(userIds))
      : this.db.selectFrom('conversation_owners').select('conversation_owners.chat_id').where('conversation_owners.user_id', 'in', nonEmpty(userIds));
  }

  private async replaceOwners(chatId: number, userIds: readonly number[]): Promise<void> {
    await this.db.deleteFrom('conversation_owners').where('chat_id', '=', chatId).execute();
    if (userIds.length === 0) return;
    await this.db
      .insertInto('conversation_owners')
      .values(userIds.map((userId, position) => ({ chat_id: chatId, user_id: userId, position })))
      .execute();
  }

  /** Chats → conversations: their own rows, owners, groups and rev orgs in two statements and a user lookup. */
  private async complete(chats: readonly Chat[]): Promise<Conversation[]> {
    if (chats.length === 0) return [];
    const ids = chats.map((chat) => chat.id);
    const [rows, owners] = await Promise.all([
      this.db
        .selectFrom('conversations')
        .leftJoin('groups', 'groups.id', 'conversations.group_id')
        .leftJoin('rev_orgs', 'rev_orgs.id', 'conversations.rev_org_id')
        .selectAll('conversations')
        .select([
          'groups.id as g_id',
          'groups.org_id as g_org_id',
          'groups.number as g_number',
          'groups.name as g_name',
          'groups.description as g_description',
          'groups.member_type as g_member_type',
          'groups.created_at as g_created_at',
          'groups.modified_at as g_modified_at',
          'rev_orgs.number as rev_org_number',
          'rev_orgs.display_name as rev_org_display_name',
        ])
        .where('conversations.chat_id', 'in', ids)
        .execute(),
      this.db.selectFrom('conversation_owners').selectAll().where('chat_id', 'in', ids).orderBy('chat_id').orderBy('position').execute(),
    ]);
    const ownerUsers = new Map((await this.users.findByIds([...new Set(owners.map((owner) => owner.user_id))])).map((user): [number, User] => [user.id, user]));
    const ownersOf = groupBy(owners, (owner) => owner.chat_id);
    const rowOf = new Map(rows.map((row) => [row.chat_id, row]));
    return chats.flatMap((chat) => {
      const row = rowOf.get(chat.id);
      if (!row) return [];
      const group: Group | null =
        row.g_id === null
          ? null
          : (toGroup({
              id: row.g_id,
              org_id: row.g_org_id!,
              number: row.g_number!,
              name: row.g_name!,
              description: row.g_description,
              member_type: row.g_member_type!,
              created_at: row.g_created_at!,
              modified_at: row.g_modified_at!,
            }) as Group);
      const revOrg: RevOrgSummary | null = row.rev_org_number === null ? null : { number: row.rev_org_number, displayName: row.rev_org_display_name! };
      return [
        {
          ...chat,
          type: 'conversation' as const,
          ...fieldsOf(row),
          ownedBy: (ownersOf.get(chat.id) ?? []).map((owner) => ownerUsers.get(owner.user_id)!),
          group,
          revOrg,
        },
      ];
    });
  }
}

function fieldsOf(row: Selectable<ConversationsTable>) {
  return {
    description: row.description,
    stage: row.stage as ConversationStage,
    isSpam: row.is_spam === 1,
    isFrozen: row.is_frozen === 1,
    sourceChannel: row.source_channel,
    tags: parseJson<TagRef[]>(row.tags) ?? [],
    actualCloseDate: row.actual_close_date,
  };
}

function fieldColumns(fields: Partial<ConversationFields>): Partial<Omit<ConversationsTable, 'chat_id' | 'org_id'>> {
  return {
    ...(fields.description !== undefined && { description: fields.description }),
    ...(fields.stage !== undefined && { stage: fields.stage }),
    ...(fields.isSpam !== undefined && { is_spam: fields.isSpam ? 1 : 0 }),
    ...(fields.isFrozen !== undefined && { is_frozen: fields.isFrozen ? 1 : 0 }),
    ...(fields.groupId !== undefined && { group_id: fields.groupId }),
    ...(fields.revOrgId !== undefined && { rev_org_id: fields.revOrgId }),
    ...(fields.sourceChannel !== undefined && { source_channel: fields.sourceChannel }),
    ...(fields.tags !== undefined && { tags: fields.tags.length === 0 ? null : JSON.stringify(fields.tags) }),
    ...(fields.actualCloseDate !== undefined && { actual_close_date: fields.actualCloseDate }),
  };
}

/** `in ()` is not SQL: an empty filter matches nothing, as the list it names. */
function nonEmpty<T>(values: readonly T[]): T[] {
  return values.length === 0 ? ([null] as T[]) : [...values];
}

function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}

