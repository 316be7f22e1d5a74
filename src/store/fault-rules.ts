import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

/** An organization's fault rules, as JSON objects (their shape is http/faults.ts's). */
export class FaultRuleStore {
  constructor(private readonly db: Kysely<Database>) {}

  async get<Rule>(orgId: number): Promise<Rule[]> {
    const row = await this.db.selectFrom('fault_rules').select('rules').where('org_id', '=', orgId).executeTakeFirst();
    return row ? (JSON.parse(row.rules) as Rule[]) : [];
  }

  async set<Rule>(orgId: number, rules: readonly Rule[], at: string): Promise<void> {
    const text = JSON.stringify(rules);
    await this.db
      .insertInto('fault_rules')
      .values({ org_id: orgId, rules: text, modified_at: at })
      .onConflict((oc) => oc.column('org_id').doUpdateSet({ rules: text, modified_at: at }))
      .execute();
  }
}
