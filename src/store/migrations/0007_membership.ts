import { sql, type Kysely } from 'kysely';

/**
 * Membership in one place: `chat_members` is every (chat, user) pair, through the chat's
 * users or through one of its groups. Every set-based question about who is in a chat,
 * or which chats a user is in, reads this view. The indexes make both directions
 * index-only: chats of a user (directly, and group → chats), and members of a chat.
 */
export function membership() {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await sql`
        create view chat_members as
          select chat_users.chat_id, chat_users.user_id from chat_users
          union all
          select chat_groups.chat_id, group_members.user_id
          from chat_groups join group_members on group_members.group_id = chat_groups.group_id`.execute(db);
      await db.schema.createIndex('chat_users_user_chat').on('chat_users').columns(['user_id', 'chat_id']).execute();
      await db.schema.dropIndex('chat_users_user').execute();
      await db.schema.createIndex('group_members_user_group').on('group_members').columns(['user_id', 'group_id']).execute();
      await db.schema.dropIndex('group_members_user').execute();
      await db.schema.createIndex('chat_groups_group_chat').on('chat_groups').columns(['group_id', 'chat_id']).execute();
    },
  };
}
