import type { Kysely } from 'kysely';
import type { DialectName } from './helpers.js';

/**
 * Reactions on timeline comments (DevRev's reactions.update / reactions.list): one row per
 * comment, emoji (its code point) and user, so adding twice is a no-op by the primary key.
 * Reactors are listed by when they reacted, a range of the second index.
 */
export function reactions(_dialect: DialectName) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('timeline_reactions')
        .addColumn('entry_id', 'integer', (c) => c.notNull().references('timeline_entries.id'))
        .addColumn('emoji', 'text', (c) => c.notNull())
        .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id'))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('timeline_reactions_pk', ['entry_id', 'emoji', 'user_id'])
        .execute();
      await db.schema
        .createIndex('timeline_reactions_reactors')
        .on('timeline_reactions')
        .columns(['entry_id', 'emoji', 'created_at', 'user_id'])
        .execute();
    },
  };
}
