import { sql, type Kysely } from 'kysely';
import type { Org } from '../model/index.js';
import { translateUnique } from './errors.js';
import { toOrg } from './rows.js';
import type { NumberBlocks } from './numbers.js';
import type { StoreScope } from './parts.js';
import type { Database } from './schema.js';

export class OrgStore {
  constructor(
    private readonly db: Kysely<Database>,
    /** This process's reserved blocks of numbers, shared by every store of the database. */
    private readonly numbers: NumberBlocks,
    private readonly scope: StoreScope,
  ) {}

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
   * A number for a new object, to take before its transaction (store/numbers.ts): from this
   * process's block, which is reserved in a statement committed on its own, so no lock is
   * held while the object is written. Gaps are possible, duplicates are not. Inside a
   * transaction a block cannot be reserved safely, so there it is `nextNumber`.
   */
  async takeNumber(orgId: number, kind: string): Promise<number> {
    if (this.scope === 'transaction') return this.nextNumber(orgId, kind);
    return this.numbers.take(orgId, kind, (org, name, size) => this.advanceBy(org, name, size));
  }

  /** `number`, from `takeNumber`, was not used after all (its write failed). */
  giveBackNumber(orgId: number, kind: string, number: number): void {
    if (this.scope === 'root') this.numbers.giveBack(orgId, kind, number);
  }

  /** Moves the counter on by `size` and answers where it stands now: the last number of a new block. */
  private async advanceBy(orgId: number, kind: string, size: number): Promise<number> {
    const row = await this.db
      .insertInto('sequences')
      .values({ org_id: orgId, kind, last: size })
      .onConflict((oc) => oc.columns(['org_id', 'kind']).doUpdateSet({ last: sql<number>`sequences.last + ${size}` }))
      .returning('last')
      .executeTakeFirstOrThrow();
    return Number(row.last);
  }

  /**
   * The next per-organization number for a kind of object (DEVU-n, CHAN-n, …), inside the
   * caller's transaction: the upsert takes the counter's row lock in PostgreSQL until the
   * transaction ends, so it is for rare writes; frequent ones use `takeNumber`. A number is
   * never handed out twice and a rolled-back insert gives its number back.
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
    // This process's block may hold numbers just loaded: the next take reserves past them.
    this.numbers.forget(orgId);
  }

  /** The database was replaced or wiped (emulator): counters start where it says. */
  forgetNumberBlocks(): void {
    this.numbers.forget();
  }
}
