import { sql, type Kysely } from 'kysely';

/**
 * Whether a member is in a chat by staff's doing (domain/policy/customers.ts `vouchesForStaff`):
 * put there by a dev user or service account — themselves included, by making the chat or
 * adding themselves — or, for a user, having posted in it where customers read (`external`). Only such a membership shows a
 * staff member's email to the chat's customers; one a customer made vouches for nothing.
 *
 * Rows from before this migration: every member of a chat staff made counts as put there
 * by staff, and a user who has posted an external entry in the chat as joined; nothing recorded says more.
 */
export function staffVouched() {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      for (const table of ['chat_users', 'chat_groups']) {
        await db.schema.alterTable(table).addColumn('vouched', 'integer', (c) => c.notNull().defaultTo(0)).execute();
        await sql`
          update ${sql.table(table)} set vouched = 1
          where exists (
            select 1 from chats join users on users.id = chats.created_by
            where chats.id = ${sql.ref(`${table}.chat_id`)} and users.type <> 'rev_user')`.execute(db);
      }
      await sql`
        update chat_users set vouched = 1
        where exists (
          select 1 from timeline_entries
          where timeline_entries.chat_id = chat_users.chat_id and timeline_entries.created_by = chat_users.user_id
            and timeline_entries.visibility = 'external')`.execute(db);
    },
  };
}
