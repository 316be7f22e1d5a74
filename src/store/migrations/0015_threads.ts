import type { Kysely } from 'kysely';
import type { DialectName } from './helpers.js';

/**
 * Threads: a reply is a timeline entry whose parent is a comment of the same chat, one
 * level deep. A thread's page is a range of (parent_id, created_at, id), as a chat's is of
 * (chat_id, created_at, id); a chat's own timeline is its entries without a parent.
 * No foreign key: a deleted parent keeps its row (and its replies stay readable), and an
 * expired one leaves with its replies, swept in the same batch.
 */
export function threads(_dialect: DialectName) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('timeline_entries').addColumn('parent_id', 'integer').execute();
      await db.schema.createIndex('timeline_entries_thread').on('timeline_entries').columns(['parent_id', 'created_at', 'id']).execute();
    },
  };
}
