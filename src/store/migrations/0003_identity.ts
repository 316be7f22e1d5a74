import type { Kysely } from 'kysely';
import type { DialectName } from './helpers.js';

/**
 * Identity over the API: tokens remember what they were asked for and who issued them
 * (an admin acting as someone else), and rev users' and rev orgs' `external_ref` and group names are
 * unique within an organization. Plain column additions and indexes, so both dialects run it as is.
 */
export function identity(_dialect: DialectName) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('tokens').addColumn('requested_token_type', 'text').execute();
      await db.schema.alterTable('tokens').addColumn('token_hint', 'text').execute();
      await db.schema.alterTable('tokens').addColumn('created_by', 'integer', (c) => c.references('users.id')).execute();
      await db.schema.createIndex('tokens_user').on('tokens').columns(['user_id']).execute();
      // NULLs are distinct in both dialects: only set refs compete.
      await db.schema.createIndex('users_external_ref').unique().on('users').columns(['org_id', 'type', 'external_ref']).execute();
      // DevRev refuses a second group of the same name in an organization.
      await db.schema.createIndex('groups_name').unique().on('groups').columns(['org_id', 'name']).execute();
      await db.schema.createIndex('rev_orgs_external_ref').unique().on('rev_orgs').columns(['org_id', 'external_ref']).execute();
    },
  };
}
