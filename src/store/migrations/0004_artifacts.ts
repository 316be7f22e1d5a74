import type { Kysely } from 'kysely';
import { idColumn, type DialectName } from './helpers.js';

/**
 * Artifacts (uploaded files, today display pictures). The bytes live in the database
 * rather than on one machine's disk, so every process on a shared database serves them.
 * A user's `display_picture_id` points at one; the artifact names its parent back, which
 * is how a second attachment elsewhere is refused.
 */
export function artifacts(dialect: DialectName) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('artifacts')
        .addColumn('id', 'integer', (c) => idColumn(c, dialect))
        .addColumn('org_id', 'integer', (c) => c.notNull().references('orgs.id'))
        .addColumn('number', 'integer', (c) => c.notNull())
        .addColumn('file_name', 'text', (c) => c.notNull())
        .addColumn('declared_type', 'text')
        .addColumn('content_type', 'text')
        .addColumn('size', 'integer')
        .addColumn('content', dialect === 'sqlite' ? 'blob' : 'bytea')
        .addColumn('uploaded_at', 'text')
        .addColumn('parent_kind', 'text')
        .addColumn('parent_number', 'integer')
        .addColumn('created_by', 'integer', (c) => c.notNull().references('users.id'))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('modified_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('artifacts_number').unique().on('artifacts').columns(['org_id', 'number']).execute();
      await db.schema.createIndex('artifacts_creator').on('artifacts').columns(['created_by', 'id']).execute();
      await db.schema
        .alterTable('users')
        .addColumn('display_picture_id', 'integer', (c) => c.references('artifacts.id'))
        .execute();
    },
  };
}
