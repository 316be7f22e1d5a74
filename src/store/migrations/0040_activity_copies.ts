import { sql, type Kysely } from 'kysely';
import type { DialectName } from './helpers.js';

/**
 * A chat's activity is copied onto its membership rows (migration 0013), so that a member's
 * chats list is one index range. On SQLite a trigger keeps the copies, so that a new message
 * touches the chat with one statement (issue 24, store/chats.ts `touch`); PostgreSQL does the
 * same in the touch's one statement (data-modifying CTEs), which SQLite lacks.
 */
export function activityCopies(dialect: DialectName) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      if (dialect !== 'sqlite') return;
      await sql`
        create trigger chats_activity_copies after update of activity_at on chats
        when new.activity_at is not old.activity_at
        begin
          update chat_users set activity_at = new.activity_at where chat_id = new.id;
          update chat_groups set activity_at = new.activity_at where chat_id = new.id;
        end`.execute(db);
    },
    async down(db: Kysely<unknown>): Promise<void> {
      if (dialect === 'sqlite') await sql`drop trigger if exists chats_activity_copies`.execute(db);
    },
  };
}
