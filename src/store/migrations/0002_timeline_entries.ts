import type { Kysely } from 'kysely';
import { type DialectName, idColumn } from './helpers.js';

export function timelineEntries(dialect: DialectName) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('timeline_entries')
        .addColumn('id', 'integer', (c) => idColumn(c, dialect))
        .addColumn('org_id', 'integer', (c) => c.notNull().references('orgs.id'))
        .addColumn('chat_id', 'integer', (c) => c.notNull().references('chats.id'))
        .addColumn('number', 'integer', (c) => c.notNull())
        .addColumn('body', 'text')
        .addColumn('body_type', 'text')
        .addColumn('external_ref', 'text')
        .addColumn('visibility', 'text', (c) => c.notNull())
        .addColumn('labels', 'text')
        .addColumn('expires_at', 'text')
        .addColumn('deleted_at', 'text')
        .addColumn('created_by', 'integer', (c) => c.notNull().references('users.id'))
        .addColumn('modified_by', 'integer', (c) => c.notNull().references('users.id'))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('modified_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('timeline_entries_number', ['org_id', 'number'])
        .execute();
      // The keyset of every page: a page is one range scan of this index, whatever the chat's size.
      await db.schema
        .createIndex('timeline_entries_page')
        .on('timeline_entries')
        .columns(['chat_id', 'created_at', 'id'])
        .execute();
      // NULLs are distinct in both dialects, so only entries that have an external_ref compete.
      await db.schema
        .createIndex('timeline_entries_external_ref')
        .unique()
        .on('timeline_entries')
        .columns(['chat_id', 'external_ref'])
        .execute();
      await db.schema.createIndex('timeline_entries_expiry').on('timeline_entries').columns(['expires_at']).execute();

      await db.schema
        .createTable('timeline_entry_labels')
        .addColumn('entry_id', 'integer', (c) => c.notNull().references('timeline_entries.id'))
        .addColumn('label', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('timeline_entry_labels_pk', ['entry_id', 'label'])
        .execute();

      await db.schema
        .createTable('timeline_entry_private_to')
        .addColumn('entry_id', 'integer', (c) => c.notNull().references('timeline_entries.id'))
        .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id'))
        .addPrimaryKeyConstraint('timeline_entry_private_to_pk', ['entry_id', 'user_id'])
        .execute();

      // Server-wide secrets (e.g. the key that signs list cursors), created on first use and
      // shared by every process on the database, so a cursor survives restarts and load balancers.
      await db.schema
        .createTable('server_secrets')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
    },
  };
}
