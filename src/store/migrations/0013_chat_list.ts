import { sql, type Kysely } from 'kysely';
import type { DialectName } from './helpers.js';

/**
 * chats.list and read state. A chat's activity (its latest entry's time, else its creation)
 * is kept on the chat and copied onto each membership row — `chat_users` and `chat_groups` —
 * in the same transaction as each new entry, so "my chats, newest activity first" is one
 * range scan of (user_id, activity_at, chat_id) and a page costs the same at 1M chats as
 * at 10. A chat has at most 16 users and 16 groups, so the copy is a bounded write.
 * `chat_reads` holds each user's read marker per chat: a position in the timeline.
 */
export function chatList(_dialect: DialectName) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      // NOT NULL needs a default to add a column; every row is backfilled right after.
      await db.schema.alterTable('chats').addColumn('activity_at', 'text', (c) => c.notNull().defaultTo('')).execute();
      await db.schema.alterTable('chat_users').addColumn('activity_at', 'text', (c) => c.notNull().defaultTo('')).execute();
      await db.schema.alterTable('chat_groups').addColumn('activity_at', 'text', (c) => c.notNull().defaultTo('')).execute();
      await sql`update chats set activity_at = coalesce(
        (select max(timeline_entries.created_at) from timeline_entries where timeline_entries.chat_id = chats.id),
        chats.created_at)`.execute(db);
      await sql`update chat_users set activity_at = (select chats.activity_at from chats where chats.id = chat_users.chat_id)`.execute(db);
      await sql`update chat_groups set activity_at = (select chats.activity_at from chats where chats.id = chat_groups.chat_id)`.execute(db);
      await db.schema.createIndex('chat_users_activity').on('chat_users').columns(['user_id', 'activity_at', 'chat_id']).execute();
      await db.schema.createIndex('chat_groups_activity').on('chat_groups').columns(['group_id', 'activity_at', 'chat_id']).execute();

      await db.schema
        .createTable('chat_reads')
        .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id'))
        .addColumn('chat_id', 'integer', (c) => c.notNull().references('chats.id'))
        // Everything at or before (read_at, read_id) in the timeline is read.
        .addColumn('read_at', 'text', (c) => c.notNull())
        .addColumn('read_id', 'integer', (c) => c.notNull())
        .addColumn('modified_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('chat_reads_pk', ['user_id', 'chat_id'])
        .execute();
    },
  };
}
