import type { Kysely } from 'kysely';
import { type DialectName, idColumn } from './helpers.js';

export function init(dialect: DialectName) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('orgs')
        .addColumn('id', 'integer', (c) => idColumn(c, dialect))
        .addColumn('slug', 'text', (c) => c.notNull().unique())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('sequences')
        .addColumn('org_id', 'integer', (c) => c.notNull().references('orgs.id'))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('last', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('sequences_pk', ['org_id', 'kind'])
        .execute();

      await db.schema
        .createTable('rev_orgs')
        .addColumn('id', 'integer', (c) => idColumn(c, dialect))
        .addColumn('org_id', 'integer', (c) => c.notNull().references('orgs.id'))
        .addColumn('number', 'integer', (c) => c.notNull())
        .addColumn('display_name', 'text', (c) => c.notNull())
        .addColumn('external_ref', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('modified_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('rev_orgs_number', ['org_id', 'number'])
        .execute();

      await db.schema
        .createTable('users')
        .addColumn('id', 'integer', (c) => idColumn(c, dialect))
        .addColumn('org_id', 'integer', (c) => c.notNull().references('orgs.id'))
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('number', 'integer', (c) => c.notNull())
        .addColumn('email', 'text')
        .addColumn('display_name', 'text', (c) => c.notNull())
        .addColumn('full_name', 'text')
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('is_admin', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('external_ref', 'text')
        .addColumn('rev_org_id', 'integer', (c) => c.references('rev_orgs.id'))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('modified_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('users_number', ['org_id', 'type', 'number'])
        .execute();
      await db.schema.createIndex('users_email').unique().on('users').columns(['org_id', 'type', 'email']).execute();

      await db.schema
        .createTable('groups')
        .addColumn('id', 'integer', (c) => idColumn(c, dialect))
        .addColumn('org_id', 'integer', (c) => c.notNull().references('orgs.id'))
        .addColumn('number', 'integer', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('description', 'text')
        .addColumn('member_type', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('modified_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('groups_number', ['org_id', 'number'])
        .execute();

      await db.schema
        .createTable('group_members')
        .addColumn('group_id', 'integer', (c) => c.notNull().references('groups.id'))
        .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id'))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('group_members_pk', ['group_id', 'user_id'])
        .execute();
      await db.schema.createIndex('group_members_user').on('group_members').columns(['user_id']).execute();

      await db.schema
        .createTable('chats')
        .addColumn('id', 'integer', (c) => idColumn(c, dialect))
        .addColumn('org_id', 'integer', (c) => c.notNull().references('orgs.id'))
        .addColumn('number', 'integer', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('title', 'text')
        .addColumn('is_default', 'integer', (c) => c.notNull())
        .addColumn('member_key', 'text', (c) => c.notNull())
        .addColumn('default_key', 'text')
        .addColumn('custom_fields', 'text')
        .addColumn('records', 'text')
        .addColumn('sync_metadata', 'text')
        .addColumn('created_by', 'integer', (c) => c.notNull().references('users.id'))
        .addColumn('modified_by', 'integer', (c) => c.notNull().references('users.id'))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('modified_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('chats_number', ['org_id', 'number'])
        .execute();
      // NULLs are distinct in both dialects, so only default DMs compete for the key.
      await db.schema.createIndex('chats_default_dm').unique().on('chats').columns(['org_id', 'default_key']).execute();

      await db.schema
        .createTable('chat_users')
        .addColumn('chat_id', 'integer', (c) => c.notNull().references('chats.id'))
        .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id'))
        .addColumn('position', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('chat_users_pk', ['chat_id', 'user_id'])
        .execute();
      await db.schema.createIndex('chat_users_user').on('chat_users').columns(['user_id']).execute();

      await db.schema
        .createTable('chat_groups')
        .addColumn('chat_id', 'integer', (c) => c.notNull().references('chats.id'))
        .addColumn('group_id', 'integer', (c) => c.notNull().references('groups.id'))
        .addColumn('position', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('chat_groups_pk', ['chat_id', 'group_id'])
        .execute();

      await db.schema
        .createTable('tokens')
        .addColumn('id', 'integer', (c) => idColumn(c, dialect))
        .addColumn('org_id', 'integer', (c) => c.notNull().references('orgs.id'))
        .addColumn('number', 'integer', (c) => c.notNull())
        .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id'))
        .addColumn('hash', 'text', (c) => c.notNull().unique())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text')
        .addColumn('revoked_at', 'text')
        .addUniqueConstraint('tokens_number', ['org_id', 'number'])
        .execute();
    },
  };
}
