/** Row → domain object mapping, shared by every entity store. */
import type { Selectable } from 'kysely';
import type { Group, GroupMemberType, Org, User, UserState, UserType } from '../model/index.js';
import type { GroupsTable, OrgsTable, UsersTable } from './schema.js';

export type UserRow = Selectable<UsersTable> & {
  rev_org_number: number | null;
  rev_org_name: string | null;
  display_picture_number: number | null;
  display_picture_name: string | null;
  display_picture_type: string | null;
  display_picture_size: number | null;
};

/**
 * A user's rev org and display picture come with the user in the same query (joined as
 * `rev_orgs` and `display_pictures`), so reading a chat stays one query per table.
 */
export const USER_JOINED_COLUMNS = [
  'rev_orgs.number as rev_org_number',
  'rev_orgs.display_name as rev_org_name',
  'display_pictures.number as display_picture_number',
  'display_pictures.file_name as display_picture_name',
  'display_pictures.content_type as display_picture_type',
  'display_pictures.size as display_picture_size',
] as const;

export function toOrg(row: Selectable<OrgsTable>): Org {
  return { id: row.id, slug: row.slug, name: row.name, createdAt: row.created_at };
}

export function toUser(row: UserRow): User {
  return {
    id: row.id,
    orgId: row.org_id,
    type: row.type as UserType,
    number: row.number,
    email: row.email,
    displayName: row.display_name,
    fullName: row.full_name,
    state: row.state as UserState,
    isAdmin: row.is_admin === 1,
    externalRef: row.external_ref,
    revOrg:
      row.rev_org_number === null || row.rev_org_name === null
        ? null
        : { number: row.rev_org_number, displayName: row.rev_org_name },
    displayPicture:
      row.display_picture_number === null || row.display_picture_name === null
        ? null
        : {
            number: row.display_picture_number,
            fileName: row.display_picture_name,
            fileType: row.display_picture_type,
            size: row.display_picture_size,
          },
    phoneNumbers: row.phone_numbers === null ? [] : (JSON.parse(row.phone_numbers) as string[]),
    customFields: row.custom_fields === null ? null : (JSON.parse(row.custom_fields) as Record<string, unknown>),
    createdAt: row.created_at,
    modifiedAt: row.modified_at,
  };
}

export function toGroup(row: Selectable<GroupsTable>): Group {
  return {
    id: row.id,
    orgId: row.org_id,
    number: row.number,
    name: row.name,
    memberType: row.member_type as GroupMemberType,
    description: row.description,
    createdAt: row.created_at,
    modifiedAt: row.modified_at,
  };
}

export function parseJson<T>(text: string | null): T | null {
  return text === null ? null : (JSON.parse(text) as T);
}

/**
 * A JSON column's value, stored as it is. A new object's list is normalized (an empty one
 * is stored as none); an import stores what the export held, `[]` included, or the object
 * would export differently than it came in. JSON.stringify of what JSON.parse read from an
 * export is the text it was exported from, so the bytes survive the round trip.
 */
export class Verbatim<T> {
  constructor(readonly value: T | null) {}
}

/** The column's text: a verbatim value as it is, any other as `normalize` stores a new object's. */
export function jsonColumn<T>(value: T | Verbatim<T>, normalize: (value: T) => string | null): string | null {
  if (!(value instanceof Verbatim)) return normalize(value);
  return value.value === null ? null : JSON.stringify(value.value);
}

/** The list a column holds, whichever form it was given in. */
export function listOf<T>(value: T[] | Verbatim<T[]>): T[] {
  return value instanceof Verbatim ? (value.value ?? []) : value;
}

/** `items` by key, each list in the order of `items`. */
export function groupBy<T, K>(items: readonly T[], keyOf: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const list = groups.get(keyOf(item));
    if (list) list.push(item);
    else groups.set(keyOf(item), [item]);
  }
  return groups;
}
