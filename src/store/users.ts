import type { Insertable, Kysely } from 'kysely';
import type { User, UserState, UserType } from '../model/index.js';
import { translateUnique } from './errors.js';
import { inList } from './filters.js';
import { toUser, USER_JOINED_COLUMNS, type UserRow } from './rows.js';
import { batches } from './batches.js';
import type { Database, UsersTable } from './schema.js';

export interface NewUser {
  orgId: number;
  number: number;
  type: UserType;
  email: string | null;
  displayName: string;
  fullName: string | null;
  state: UserState;
  isAdmin: boolean;
  externalRef?: string | null;
  revOrgId?: number | null;
  phoneNumbers?: string[];
  customFields?: Record<string, unknown> | null;
  at: string;
  /** An import's: when it was last changed where it was exported from. A new one: `at`. */
  modifiedAt?: string;
}

export interface UserListQuery {
  orgId: number;
  type: UserType;
  emails?: readonly string[];
  states?: readonly UserState[];
  externalRefs?: readonly string[];
  revOrgIds?: readonly number[];
  /** Keyset: only users numbered above this, in number order. */
  afterNumber: number;
  limit: number;
}

export interface UserChanges {
  displayName?: string;
  fullName?: string;
  state?: UserState;
  /** null clears it. */
  email?: string | null;
  externalRef?: string | null;
  /** An artifact's row id; null clears it. */
  displayPictureId?: number | null;
  /** null clears it. */
  revOrgId?: number | null;
  phoneNumbers?: string[];
  /** null clears them. */
  customFields?: Record<string, unknown> | null;
  at: string;
}

export interface UserNumberRef {
  type: UserType;
  number: number;
}

export class UserStore {
  constructor(private readonly db: Kysely<Database>) {}

  private selectUsers() {
    return this.db
      .selectFrom('users')
      .leftJoin('rev_orgs', 'rev_orgs.id', 'users.rev_org_id')
      .leftJoin('artifacts as display_pictures', 'display_pictures.id', 'users.display_picture_id')
      .selectAll('users')
      .select(USER_JOINED_COLUMNS);
  }

  /** Throws `UniqueViolation` when the email or external_ref is another user's. */
  async insert(input: NewUser): Promise<User> {
    return (await this.findById(await this.insertRow(input)))!;
  }

  /**
   * The user's row alone, its id back: an import writes users one at a time (so that a
   * taken email names its line) and reads none of them back. Throws `UniqueViolation` as
   * `insert` does.
   */
  async insertRow(input: NewUser): Promise<number> {
    const { id } = await translateUnique(() => this.insertRows([userRow(input)]).returning('id').executeTakeFirstOrThrow());
    return id;
  }

  /** Many users in few statements (seeding), unchecked; their row ids by number. */
  async insertMany(inputs: readonly NewUser[]): Promise<Map<number, number>> {
    const ids = new Map<number, number>();
    for (const batch of batches(inputs.map(userRow))) {
      for (const row of await this.insertRows(batch).returning(['id', 'number']).execute()) ids.set(row.number, row.id);
    }
    return ids;
  }

  /** Sets a user's picture and nothing else: an import restores the picture an export had, and its modified_date with the user. */
  async setDisplayPicture(userId: number, artifactId: number): Promise<void> {
    await this.db.updateTable('users').set({ display_picture_id: artifactId }).where('id', '=', userId).execute();
  }

  private insertRows(rows: Insertable<UsersTable>[]) {
    return this.db.insertInto('users').values(rows);
  }

  async findById(id: number): Promise<User | undefined> {
    const row = await this.selectUsers().where('users.id', '=', id).executeTakeFirst();
    return row && toUser(row as UserRow);
  }

  async findByIds(ids: readonly number[]): Promise<User[]> {
    return (await this.findWithPictures(ids)).map((found) => found.user);
  }

  /** Users by id, each with its display picture's artifact id: what a cache of users watches (read-cache.ts). */
  async findWithPictures(ids: readonly number[]): Promise<{ user: User; pictureId: number | null }[]> {
    if (ids.length === 0) return [];
    const rows = await this.selectUsers().where('users.id', 'in', ids).execute();
    return rows.map((row) => ({ user: toUser(row as UserRow), pictureId: row.display_picture_id }));
  }

  /** Resolves (type, number) references in one query; unknown ones are simply absent. */
  async findByNumbers(orgId: number, refs: readonly UserNumberRef[]): Promise<User[]> {
    if (refs.length === 0) return [];
    const rows = await this.selectUsers()
      .where('users.org_id', '=', orgId)
      .where((eb) => eb.or(refs.map((ref) => eb.and([eb('users.type', '=', ref.type), eb('users.number', '=', ref.number)]))))
      .execute();
    return rows.map((row) => toUser(row as UserRow));
  }

  async findByEmail(orgId: number, type: UserType, email: string): Promise<User | undefined> {
    const row = await this.selectUsers()
      .where('users.org_id', '=', orgId)
      .where('users.type', '=', type)
      .where('users.email', '=', email)
      .executeTakeFirst();
    return row && toUser(row as UserRow);
  }

  /** One page of an organization's users of one type; the (org, type, number) index serves it. */
  async list(query: UserListQuery): Promise<User[]> {
    let select = this.selectUsers()
      .where('users.org_id', '=', query.orgId)
      .where('users.type', '=', query.type)
      .where('users.number', '>', query.afterNumber);
    if (query.emails) select = select.where((eb) => inList(eb, 'users.email', query.emails!));
    if (query.states) select = select.where((eb) => inList(eb, 'users.state', query.states!));
    if (query.externalRefs) select = select.where((eb) => inList(eb, 'users.external_ref', query.externalRefs!));
    if (query.revOrgIds) select = select.where((eb) => inList(eb, 'users.rev_org_id', query.revOrgIds!));
    const rows = await select.orderBy('users.number').limit(query.limit).execute();
    return rows.map((row) => toUser(row as UserRow));
  }

  async update(id: number, changes: UserChanges): Promise<User> {
    await translateUnique(() =>
      this.db
        .updateTable('users')
        .set({
          ...(changes.displayName !== undefined && { display_name: changes.displayName }),
          ...(changes.fullName !== undefined && { full_name: changes.fullName }),
          ...(changes.state !== undefined && { state: changes.state }),
          ...(changes.email !== undefined && { email: changes.email }),
          ...(changes.externalRef !== undefined && { external_ref: changes.externalRef }),
          ...(changes.displayPictureId !== undefined && { display_picture_id: changes.displayPictureId }),
          ...(changes.revOrgId !== undefined && { rev_org_id: changes.revOrgId }),
          ...(changes.phoneNumbers !== undefined && { phone_numbers: changes.phoneNumbers.length === 0 ? null : JSON.stringify(changes.phoneNumbers) }),
          ...(changes.customFields !== undefined && { custom_fields: changes.customFields && JSON.stringify(changes.customFields) }),
          modified_at: changes.at,
        })
        .where('id', '=', id)
        .execute(),
    );
    return (await this.findById(id))!;
  }
}

function userRow(input: NewUser): Insertable<UsersTable> {
  return {
    org_id: input.orgId,
    number: input.number,
    type: input.type,
    email: input.email,
    display_name: input.displayName,
    full_name: input.fullName,
    state: input.state,
    is_admin: input.isAdmin ? 1 : 0,
    external_ref: input.externalRef ?? null,
    rev_org_id: input.revOrgId ?? null,
    phone_numbers: input.phoneNumbers?.length ? JSON.stringify(input.phoneNumbers) : null,
    custom_fields: input.customFields ? JSON.stringify(input.customFields) : null,
    created_at: input.at,
    modified_at: input.modifiedAt ?? input.at,
  };
}
