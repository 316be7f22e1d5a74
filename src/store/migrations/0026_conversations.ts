import { sql, type Kysely } from 'kysely';

/**
 * Support conversations (domain/conversations.ts) are chats of type `conversation`: their
 * members are the chat's users, their messages its timeline, so reactions, threads, files,
 * search, read state and events work on them as on DMs. What only a conversation has lives
 * beside the chat row: `conversations` (stage, description, owning group, the customer's rev
 * org, flags, tags) and `conversation_owners`. A deleted conversation keeps its row, marked
 * `deleted_at`, and loses its members, so that no set-based question finds it.
 *
 * `chat_members` gains the one rule that differs: the vendor's staff (every user of the
 * organization who is not a rev user) belong to every conversation of their organization,
 * since they see them all (DevRev's support inbox); customers only to those they are members of.
 */
export function conversations() {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('chats').addColumn('deleted_at', 'text').execute();
      await db.schema
        .createTable('conversations')
        .addColumn('chat_id', 'integer', (c) => c.primaryKey().references('chats.id'))
        .addColumn('org_id', 'integer', (c) => c.notNull().references('orgs.id'))
        .addColumn('description', 'text')
        .addColumn('stage', 'text', (c) => c.notNull())
        .addColumn('is_spam', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('is_frozen', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('group_id', 'integer', (c) => c.references('groups.id'))
        .addColumn('rev_org_id', 'integer', (c) => c.references('rev_orgs.id'))
        .addColumn('source_channel', 'text')
        .addColumn('tags', 'text')
        .addColumn('actual_close_date', 'text')
        .execute();
      await db.schema
        .createTable('conversation_owners')
        .addColumn('chat_id', 'integer', (c) => c.notNull().references('chats.id'))
        .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id'))
        .addColumn('position', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('conversation_owners_pk', ['chat_id', 'user_id'])
        .execute();
      await db.schema.createIndex('conversation_owners_user').on('conversation_owners').columns(['user_id', 'chat_id']).execute();
      // The inbox: an organization's conversations, newest first, by either time.
      await db.schema.createIndex('chats_type_created').on('chats').columns(['org_id', 'type', 'created_at', 'id']).execute();
      await db.schema.createIndex('chats_type_modified').on('chats').columns(['org_id', 'type', 'modified_at', 'id']).execute();
      await sql`drop view chat_members`.execute(db);
      await sql`
        create view chat_members as
          select chat_users.chat_id, chat_users.user_id, chat_users.joined_at from chat_users
          union all
          select chat_groups.chat_id, group_members.user_id,
            case when group_members.created_at > chat_groups.joined_at then group_members.created_at else chat_groups.joined_at end
          from chat_groups join group_members on group_members.group_id = chat_groups.group_id
          union all
          select chats.id, users.id, chats.created_at
          from chats join users on users.org_id = chats.org_id
          where chats.type = 'conversation' and chats.deleted_at is null and users.type <> 'rev_user'`.execute(db);
    },
  };
}
