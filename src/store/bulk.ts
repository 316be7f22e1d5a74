/**
 * Loading many rows at once (the benchmark's seed data, imports): multi-row INSERTs in the
 * caller's transaction. Callers run one transaction per batch of a few thousand rows;
 * row-at-a-time inserts through the entity stores take ~100× longer for a million chats.
 * No rules are checked here: the caller hands in rows that already obey them.
 */
import { sql, type Insertable, type Kysely } from 'kysely';
import type { UserState, UserType } from '../model/index.js';
import type { ChatsTable, Database } from './schema.js';

/** SQLite allows 32,766 bound values per statement; PostgreSQL 65,535. */
const MAX_VALUES_PER_STATEMENT = 30_000;

export interface BulkUser {
  number: number;
  type: UserType;
  email: string;
  displayName: string;
  fullName: string | null;
  state: UserState;
}

export interface BulkToken {
  number: number;
  userId: number;
  hash: string;
}

export interface BulkChat {
  number: number;
  title: string | null;
  isDefault: boolean;
  memberKey: string;
  userIds: number[];
  createdBy: number;
}

export interface BulkTimelineEntry {
  chatId: number;
  number: number;
  body: string;
  createdBy: number;
  at: string;
}

export class BulkLoader {
  constructor(private readonly db: Kysely<Database>) {}

  /** Returns the new users' row ids by their numbers. */
  async insertUsers(orgId: number, users: readonly BulkUser[], at: string): Promise<Map<number, number>> {
    const ids = new Map<number, number>();
    for (const chunk of chunks(users, 13)) {
      const rows = await this.db
        .insertInto('users')
        .values(
          chunk.map((user) => ({
            org_id: orgId,
            number: user.number,
            type: user.type,
            email: user.email,
            display_name: user.displayName,
            full_name: user.fullName,
            state: user.state,
            is_admin: 0,
            external_ref: null,
            rev_org_id: null,
            created_at: at,
            modified_at: at,
          })),
        )
        .returning(['id', 'number'])
        .execute();
      for (const row of rows) ids.set(row.number, row.id);
    }
    return ids;
  }

  async insertTokens(orgId: number, tokens: readonly BulkToken[], at: string): Promise<void> {
    for (const chunk of chunks(tokens, 8)) {
      await this.db
        .insertInto('tokens')
        .values(
          chunk.map((token) => ({
            org_id: orgId,
            number: token.number,
            user_id: token.userId,
            hash: token.hash,
            created_at: at,
            expires_at: null,
            revoked_at: null,
          })),
        )
        .execute();
    }
  }

  /** Inserts chats with their members; returns the chats' row ids by their numbers. */
  async insertChats(orgId: number, chats: readonly BulkChat[], at: string): Promise<Map<number, number>> {
    const ids = new Map<number, number>();
    for (const chunk of chunks(chats, 14)) {
      const rows = await this.db
        .insertInto('chats')
        .values(
          chunk.map(
            (chat): Insertable<ChatsTable> => ({
              org_id: orgId,
              number: chat.number,
              type: 'dm',
              title: chat.title,
              is_default: chat.isDefault ? 1 : 0,
              member_key: chat.memberKey,
              default_key: chat.isDefault ? chat.memberKey : null,
              custom_fields: null,
              records: null,
              sync_metadata: null,
              created_by: chat.createdBy,
              modified_by: chat.createdBy,
              created_at: at,
              modified_at: at,
              activity_at: at,
            }),
          ),
        )
        .returning(['id', 'number'])
        .execute();
      for (const row of rows) ids.set(row.number, row.id);
    }
    const members = chats.flatMap((chat) =>
      chat.userIds.map((userId, position) => ({ chat_id: ids.get(chat.number)!, user_id: userId, position, activity_at: at })),
    );
    for (const chunk of chunks(members, 3)) await this.db.insertInto('chat_users').values(chunk).execute();
    return ids;
  }

  /** Text comments with `external` visibility, as timeline-entries.create makes by default. */
  async insertTimelineEntries(orgId: number, entries: readonly BulkTimelineEntry[]): Promise<void> {
    for (const chunk of chunks(entries, 14)) {
      await this.db
        .insertInto('timeline_entries')
        .values(
          chunk.map((entry) => ({
            org_id: orgId,
            chat_id: entry.chatId,
            number: entry.number,
            body: entry.body,
            body_type: 'text',
            external_ref: null,
            visibility: 'external',
            labels: null,
            expires_at: null,
            deleted_at: null,
            created_by: entry.createdBy,
            modified_by: entry.createdBy,
            created_at: entry.at,
            modified_at: entry.at,
          })),
        )
        .execute();
    }
    // Each chat's activity is its latest entry, on the chat and on its membership rows.
    for (const chatIds of chunks([...new Set(entries.map((entry) => entry.chatId))], 1)) {
      await this.db
        .updateTable('chats')
        .set((eb) => ({
          activity_at: eb
            .selectFrom('timeline_entries')
            .select((inner) => inner.fn.max('timeline_entries.created_at').as('latest'))
            .whereRef('timeline_entries.chat_id', '=', 'chats.id')
            .$castTo<string>(),
        }))
        .where('id', 'in', chatIds)
        .execute();
      await this.db
        .updateTable('chat_users')
        .set((eb) => ({
          activity_at: eb.selectFrom('chats').select('chats.activity_at').whereRef('chats.id', '=', 'chat_users.chat_id').$castTo<string>(),
        }))
        .where('chat_id', 'in', chatIds)
        .execute();
    }
  }

  /** Moves an organization's counter for `kind` past the numbers loaded, so new objects continue after them. */
  async setSequence(orgId: number, kind: string, last: number): Promise<void> {
    await this.db
      .insertInto('sequences')
      .values({ org_id: orgId, kind, last })
      .onConflict((oc) => oc.columns(['org_id', 'kind']).doUpdateSet({ last: sql<number>`case when sequences.last > ${last} then sequences.last else ${last} end` }))
      .execute();
  }
}

/** Splits rows so that no statement binds more values than the database allows. */
function chunks<T>(rows: readonly T[], columns: number): T[][] {
  const size = Math.floor(MAX_VALUES_PER_STATEMENT / columns);
  const result: T[][] = [];
  for (let start = 0; start < rows.length; start += size) result.push(rows.slice(start, start + size));
  return result;
}
