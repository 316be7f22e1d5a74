import type { Insertable, Kysely, Selectable } from 'kysely';
import type { RevOrg } from '../model/index.js';
import { translateUnique } from './errors.js';
import { inList } from './filters.js';
import type { Database, RevOrgsTable } from './schema.js';

export interface NewRevOrg {
  orgId: number;
  number: number;
  displayName: string;
  externalRef: string | null;
  customFields?: Record<string, unknown> | null;
  at: string;
  /** An import's: when it was last changed where it was exported from. A new one: `at`. */
  modifiedAt?: string;
}

export interface RevOrgListQuery {
  orgId: number;
  externalRefs?: readonly string[];
  displayNames?: readonly string[];
  afterNumber: number;
  limit: number;
}

export class RevOrgStore {
  constructor(private readonly db: Kysely<Database>) {}

  /** Throws `UniqueViolation` when the external_ref is another rev org's. */
  async insert(input: NewRevOrg): Promise<RevOrg> {
    const row = await translateUnique(() => this.db.insertInto('rev_orgs').values(revOrgRow(input)).returningAll().executeTakeFirstOrThrow());
    return toRevOrg(row);
  }

  async findByNumber(orgId: number, number: number): Promise<RevOrg | undefined> {
    const row = await this.db
      .selectFrom('rev_orgs')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('number', '=', number)
      .executeTakeFirst();
    return row && toRevOrg(row);
  }

  async list(query: RevOrgListQuery): Promise<RevOrg[]> {
    let select = this.db
      .selectFrom('rev_orgs')
      .selectAll()
      .where('org_id', '=', query.orgId)
      .where('number', '>', query.afterNumber);
    if (query.externalRefs) select = select.where((eb) => inList(eb, 'external_ref', query.externalRefs!));
    if (query.displayNames) select = select.where((eb) => inList(eb, 'display_name', query.displayNames!));
    const rows = await select.orderBy('number').limit(query.limit).execute();
    return rows.map(toRevOrg);
  }

  async update(
    id: number,
    changes: { displayName?: string; externalRef?: string; customFields?: Record<string, unknown> | null; at: string },
  ): Promise<RevOrg> {
    const row = await translateUnique(() =>
      this.db
        .updateTable('rev_orgs')
        .set({
          ...(changes.displayName !== undefined && { display_name: changes.displayName }),
          ...(changes.externalRef !== undefined && { external_ref: changes.externalRef }),
          ...(changes.customFields !== undefined && { custom_fields: changes.customFields && JSON.stringify(changes.customFields) }),
          modified_at: changes.at,
        })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow(),
    );
    return toRevOrg(row);
  }

  async hasUsers(id: number): Promise<boolean> {
    const row = await this.db.selectFrom('users').select('id').where('rev_org_id', '=', id).limit(1).executeTakeFirst();
    return row !== undefined;
  }

  async delete(id: number): Promise<void> {
    await this.db.deleteFrom('rev_orgs').where('id', '=', id).execute();
  }
}

function revOrgRow(input: NewRevOrg): Insertable<RevOrgsTable> {
  return {
    org_id: input.orgId,
    number: input.number,
    display_name: input.displayName,
    external_ref: input.externalRef,
    custom_fields: input.customFields ? JSON.stringify(input.customFields) : null,
    created_at: input.at,
    modified_at: input.modifiedAt ?? input.at,
  };
}

export function toRevOrg(row: Selectable<RevOrgsTable>): RevOrg {
  return {
    id: row.id,
    orgId: row.org_id,
    number: row.number,
    displayName: row.display_name,
    externalRef: row.external_ref,
    customFields: row.custom_fields === null ? null : (JSON.parse(row.custom_fields) as Record<string, unknown>),
    createdAt: row.created_at,
    modifiedAt: row.modified_at,
  };
}
