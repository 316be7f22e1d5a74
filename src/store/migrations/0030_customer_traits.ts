import type { Kysely } from 'kysely';

/**
 * What Plug's sign-in (`auth-tokens.create` with `rev_info`) sets on a customer and their rev
 * org beyond names and emails: DevRev's `phone_numbers` and `custom_fields` on the rev user,
 * `custom_fields` on the rev org. Both are JSON text, null when never set.
 */
export function customerTraits() {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('users').addColumn('phone_numbers', 'text').execute();
      await db.schema.alterTable('users').addColumn('custom_fields', 'text').execute();
      await db.schema.alterTable('rev_orgs').addColumn('custom_fields', 'text').execute();
    },
  };
}
