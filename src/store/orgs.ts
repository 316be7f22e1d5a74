import { sql, type Kysely } from 'kysely';
import type { Org } from '../model/index.js';
import { translateUnique } from './errors.js';
import { toOrg } from './rows.js';
import type { Database } from './schema.js';

export class OrgStore {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(slug: string, name: string, at: string): Promise<Org> {
    const row = await translateUnique(() =>
      this.db.insertInto('orgs').values({ slug, name, created_at: at }).returningAll().executeTakeFirstOrThrow(),
    );
    return toOrg(row);
  }

  async list(): Promise<Org[]> {
    const rows = await this.db.selectFrom('orgs').selectAll().orderBy('id').execute();
    return rows.map(toOrg);
  }

  async findBySlugOrName(ref: string): Promise<Org[]> {
    const rows = await this.db
      .selectFrom('orgs')
      .selectAll()
      .where((eb) => eb.or([eb('slug', '=', ref), eb('name', '=', ref)]))
      .orderBy('id')
      .execute();
    return rows.map(toOrg);
  }

  /**
   * The next per-organization number for a kind of object (DEVU-n, CHAN-n, …). The upsert
   * takes a row lock in PostgreSQL and runs inside the caller's transaction, so a number
   * is never handed out twice and a rolled-back insert gives its number back.
   */
  async nextNumber(orgId: number, kind: string): Promise<number> {
    const row = await this.db
      .insertInto('sequences')
      .values({ org_id: orgId, kind, last: 1 })
      .onConflict((oc) => oc.columns(['org_id', 'kind']).doUpdateSet({ last: sql<number>`sequences.last + 1` }))
      .returning('last')
      .executeTakeFirstOrThrow();
    return Number(row.last);
  }

  /** Moves an organization's counter for `kind` past numbers loaded in bulk, so new objects continue after them. */
  async advanceNumberPast(orgId: number, kind: string, last: number): Promise<void> {
    await this.db
      .insertInto('sequences')
      .values({ org_id: orgId, kind, last })
      .onConflict((oc) => oc.columns(['org_id', 'kind']).doUpdateSet({ last: sql<number>`case when sequences.last > ${last} then sequences.last else ${last} end` }))
      .execute();
  }
}
