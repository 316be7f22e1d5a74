import type { Kysely } from 'kysely';
import type { DialectName } from './helpers.js';

/**
 * Presence (realtime/presence.ts): one row per user who has ever opened an event stream.
 * `seen_at` is the last time a process vouched that the user had a stream open (it renews
 * that every third of the offline delay while they do, and once more when their last
 * stream there closes); `state` is what was last announced, flipped to `offline` by
 * whichever process first finds `seen_at` older than the delay. The index serves that
 * search, which every process runs every second or so.
 */
export function presence(_dialect: DialectName) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('user_presence')
        .addColumn('user_id', 'integer', (c) => c.primaryKey().references('users.id'))
        .addColumn('org_id', 'integer', (c) => c.notNull().references('orgs.id'))
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('seen_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('user_presence_expiry').on('user_presence').columns(['state', 'seen_at']).execute();
    },
  };
}
