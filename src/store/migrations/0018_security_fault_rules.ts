import type { Kysely } from 'kysely';
import type { DialectName } from './helpers.js';

/**
 * Switchable fault rules, one row per organization: rules apply to that organization's
 * callers only, and every process on the database shares them.
 */
export function securityFaultRules(_dialect: DialectName) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('fault_rules')
        .addColumn('org_id', 'integer', (c) => c.primaryKey().references('orgs.id'))
        .addColumn('rules', 'text', (c) => c.notNull())
        .addColumn('modified_at', 'text', (c) => c.notNull())
        .execute();
    },
  };
}
