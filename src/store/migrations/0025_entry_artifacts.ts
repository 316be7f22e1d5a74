import type { Kysely } from 'kysely';

/**
 * Files on messages (issue 26). A comment's files are artifacts whose parent is the comment
 * (`parent_kind = 'timeline_comment'`, its number), as a display picture's is its user: the
 * one parent column is what refuses a second attachment elsewhere, in the same UPDATE.
 * `parent_position` keeps the order the author gave; the index reads a page of entries'
 * files in one statement, and what a comment's delete or expiry removes.
 */
export function entryArtifacts() {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('artifacts').addColumn('parent_position', 'integer').execute();
      await db.schema.createIndex('artifacts_parent').on('artifacts').columns(['org_id', 'parent_kind', 'parent_number']).execute();
    },
  };
}
