import { sql, type Kysely } from 'kysely';

/**
 * When each member joined a chat, so that a stream replaying the outbox gives a member
 * nothing from before they could see the chat. A chat's user or group row carries its
 * `joined_at`; through a group, a user joined when both the group was in the chat and they
 * were in the group (the later of the two). Members from before this migration count as
 * members since the chat was made: nothing recorded says otherwise.
 */
export function memberSince() {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      for (const table of ['chat_users', 'chat_groups']) {
        await db.schema.alterTable(table).addColumn('joined_at', 'text', (c) => c.notNull().defaultTo('')).execute();
        await sql`update ${sql.table(table)} set joined_at = (select chats.created_at from chats where chats.id = ${sql.ref(`${table}.chat_id`)})`.execute(db);
      }
      await sql`drop view chat_members`.execute(db);
      await sql`
        create view chat_members as
          select chat_users.chat_id, chat_users.user_id, chat_users.joined_at from chat_users
          union all
          select chat_groups.chat_id, group_members.user_id,
            case when group_members.created_at > chat_groups.joined_at then group_members.created_at else chat_groups.joined_at end
          from chat_groups join group_members on group_members.group_id = chat_groups.group_id`.execute(db);
    },
  };
}
