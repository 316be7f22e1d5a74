/**
 * The lookups of `confab import`: they turn an export's natural keys back into this
 * database's row ids, in one query per run of records. The rows themselves are written by
 * the entity stores, through the same row builders as new objects, so that each table's
 * columns are mapped in one place.
 */
import type { Kysely } from 'kysely';
import { usersIn } from './export-reads.js';
import type { UserKey } from './portable.js';
import type { Database } from './schema.js';

/** An entry as a reference target: a reply's parent must be a comment of the same chat. */
export interface EntryLocation {
  id: number;
  chatId: number;
  parentId: number | null;
  createdAt: string;
}

/** `type:number`, the map key users are resolved under. */
export function userKeyText(user: UserKey): string {
  return `${user.type}:${user.number}`;
}

export class ImportLookupStore {
  constructor(private readonly db: Kysely<Database>) {}

  async orgIds(slugs: readonly string[]): Promise<Map<string, number>> {
    if (slugs.length === 0) return new Map();
    const rows = await this.db.selectFrom('orgs').select(['id', 'slug']).where('slug', 'in', [...slugs]).execute();
    return new Map(rows.map((row) => [row.slug, row.id]));
  }

  /** Row ids of users by natural key (`type:number`); unknown ones are absent. */
  async userIds(orgId: number, keys: readonly UserKey[]): Promise<Map<string, number>> {
    if (keys.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('users')
      .select(['id', 'type', 'number'])
      .where('org_id', '=', orgId)
      .where((eb) => usersIn(eb, keys))
      .execute();
    return new Map(rows.map((row) => [userKeyText({ type: row.type as UserKey['type'], number: row.number }), row.id]));
  }

  async revOrgIds(orgId: number, numbers: readonly number[]): Promise<Map<number, number>> {
    return this.idsByNumber('rev_orgs', orgId, numbers);
  }

  async groupIds(orgId: number, numbers: readonly number[]): Promise<Map<number, number>> {
    return this.idsByNumber('groups', orgId, numbers);
  }

  async chatIds(orgId: number, numbers: readonly number[]): Promise<Map<number, number>> {
    return this.idsByNumber('chats', orgId, numbers);
  }

  async artifactIds(orgId: number, numbers: readonly number[]): Promise<Map<number, number>> {
    return this.idsByNumber('artifacts', orgId, numbers);
  }

  async entries(orgId: number, numbers: readonly number[]): Promise<Map<number, EntryLocation>> {
    if (numbers.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('timeline_entries')
      .select(['id', 'number', 'chat_id', 'parent_id', 'created_at'])
      .where('org_id', '=', orgId)
      .where('number', 'in', [...numbers])
      .execute();
    return new Map(rows.map((row) => [row.number, { id: row.id, chatId: row.chat_id, parentId: row.parent_id, createdAt: row.created_at }]));
  }

  /** Which of these (chat, external_ref) pairs are taken, and by which entry number. */
  async takenExternalRefs(pairs: readonly { chatId: number; externalRef: string }[]): Promise<Map<string, number>> {
    if (pairs.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('timeline_entries')
      .select(['chat_id', 'external_ref', 'number'])
      .where('chat_id', 'in', [...new Set(pairs.map((pair) => pair.chatId))])
      .where('external_ref', 'in', [...new Set(pairs.map((pair) => pair.externalRef))])
      .execute();
    return new Map(rows.map((row) => [`${row.chat_id}:${row.external_ref}`, row.number]));
  }

  private async idsByNumber(
    table: 'rev_orgs' | 'groups' | 'chats' | 'artifacts',
    orgId: number,
    numbers: readonly number[],
  ): Promise<Map<number, number>> {
    if (numbers.length === 0) return new Map();
    const rows = await this.db
      .selectFrom(table as 'chats')
      .select(['id', 'number'])
      .where('org_id', '=', orgId)
      .where('number', 'in', [...new Set(numbers)])
      .execute();
    return new Map(rows.map((row) => [row.number, row.id]));
  }
}
