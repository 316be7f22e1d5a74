/**
 * Reads for `confab export` (and for an import's check of what is already there): every
 * object of an organization by its natural key — numbers, and users as (type, number) —
 * never by row id, since row ids differ from one database to the next. Pages are keyset
 * slices of the (org, number) unique indexes, or an explicit list of numbers.
 */
import { sql, type ExpressionBuilder, type Kysely, type SelectQueryBuilder } from 'kysely';
import { USER_TYPES, type UserType } from '../model/index.js';
import type { Database } from './schema.js';

export interface UserKey {
  type: UserType;
  number: number;
}

/** Which objects of a kind: the next page after a number, or these numbers. */
export type Selection = { after: number; limit: number } | { numbers: readonly number[] };

export interface PortableOrg {
  id: number;
  slug: string;
  name: string;
  createdAt: string;
  /** The last number handed out, per kind of object. */
  sequences: Record<string, number>;
}

export interface PortableRevOrg {
  number: number;
  displayName: string;
  externalRef: string | null;
  createdAt: string;
  modifiedAt: string;
}

export interface PortableUser {
  id: number;
  type: UserType;
  number: number;
  email: string | null;
  displayName: string;
  fullName: string | null;
  state: string;
  isAdmin: boolean;
  externalRef: string | null;
  revOrgNumber: number | null;
  createdAt: string;
  modifiedAt: string;
}

export interface PortableGroup {
  id: number;
  number: number;
  name: string;
  description: string | null;
  memberType: string;
  createdAt: string;
  modifiedAt: string;
}

export interface PortableGroupMember {
  groupNumber: number;
  user: UserKey;
  createdAt: string;
}

export interface PortableChat {
  number: number;
  title: string | null;
  isDefault: boolean;
  /** The stored JSON texts, as they are. */
  customFields: string | null;
  records: string | null;
  syncMetadata: string | null;
  users: UserKey[];
  groupNumbers: number[];
  createdBy: UserKey;
  modifiedBy: UserKey;
  createdAt: string;
  modifiedAt: string;
  activityAt: string;
}

export interface PortableReaction {
  emoji: string;
  user: UserKey;
  createdAt: string;
}

export interface PortableEntry {
  number: number;
  chatNumber: number;
  parentNumber: number | null;
  body: string | null;
  bodyType: string | null;
  externalRef: string | null;
  visibility: string;
  /** The stored JSON array, as it is. */
  labels: string | null;
  privateTo: UserKey[];
  expiresAt: string | null;
  deletedAt: string | null;
  createdBy: UserKey;
  modifiedBy: UserKey;
  createdAt: string;
  modifiedAt: string;
  reactions: PortableReaction[];
}

export interface PortableReadState {
  chatNumber: number;
  user: UserKey;
  readAt: string;
  /** The last entry at `readAt` that the marker covers, if any (see chatReads). */
  readThroughNumber: number | null;
  modifiedAt: string;
}

export interface PortableWebhook {
  number: number;
  url: string;
  secret: string;
  eventTypes: string | null;
  headers: string | null;
  status: string;
  verified: boolean;
  deleted: boolean;
  createdBy: UserKey;
  modifiedBy: UserKey;
  createdAt: string;
  modifiedAt: string;
}

export interface PortableToken {
  number: number;
  user: UserKey;
  hash: string;
  requestedTokenType: string | null;
  tokenHint: string | null;
  createdBy: UserKey | null;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
}

export interface PortableArtifact {
  number: number;
  fileName: string;
  declaredType: string | null;
  contentType: string | null;
  size: number | null;
  /** Only when asked for: the bytes are the bulk of an artifact. */
  content?: Buffer | null;
  uploadedAt: string | null;
  parentKind: string | null;
  parentNumber: number | null;
  createdBy: UserKey;
  createdAt: string;
  modifiedAt: string;
}

export interface PortableDisplayPicture {
  user: UserKey;
  artifactNumber: number;
}

/** How many records of each kind an organization has: the export's header announces the sum. */
export interface PortableCounts {
  revOrgs: number;
  users: number;
  groups: number;
  groupMembers: number;
  chats: number;
  entries: number;
  readStates: number;
  webhooks: number;
  tokens: number;
  artifacts: number;
  displayPictures: number;
}

/** `USER_TYPES` order, which is the order users are exported in. */
const TYPE_RANK = new Map<string, number>(USER_TYPES.map((type, index) => [type, index]));

/** Natural-key order of users, the same in every database (no collation involved). */
export function compareUserKeys(a: UserKey, b: UserKey): number {
  return TYPE_RANK.get(a.type)! - TYPE_RANK.get(b.type)! || a.number - b.number;
}

const key = (type: string, number: number): UserKey => ({ type: type as UserType, number });

export class ExportReadStore {
  constructor(private readonly db: Kysely<Database>) {}

  /** Every organization, or those with these slugs, with their counters. */
  async orgs(slugs?: readonly string[]): Promise<PortableOrg[]> {
    if (slugs?.length === 0) return [];
    let query = this.db.selectFrom('orgs').selectAll();
    if (slugs) query = query.where('slug', 'in', [...slugs]);
    const rows = await query.execute();
    if (rows.length === 0) return [];
    const sequences = await this.db
      .selectFrom('sequences')
      .selectAll()
      .where('org_id', 'in', rows.map((row) => row.id))
      .execute();
    return rows.map((row) => ({
      id: row.id,
      slug: row.slug,
      name: row.name,
      createdAt: row.created_at,
      sequences: Object.fromEntries(
        sequences
          .filter((sequence) => sequence.org_id === row.id)
          .map((sequence): [string, number] => [sequence.kind, Number(sequence.last)])
          .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
      ),
    }));
  }

  async counts(orgId: number, withTokens: boolean): Promise<PortableCounts> {
    const count = async (query: ReturnType<typeof sql<{ n: number | string }>>) => Number((await query.execute(this.db)).rows[0]?.n ?? 0);
    const inOrg = (table: 'rev_orgs' | 'users' | 'groups' | 'chats' | 'timeline_entries' | 'webhooks' | 'tokens' | 'artifacts') =>
      count(sql<{ n: number | string }>`select count(*) as n from ${sql.table(table)} where org_id = ${orgId}`);
    return {
      revOrgs: await inOrg('rev_orgs'),
      users: await inOrg('users'),
      groups: await inOrg('groups'),
      groupMembers: await count(
        sql`select count(*) as n from group_members join groups on groups.id = group_members.group_id where groups.org_id = ${orgId}`,
      ),
      chats: await inOrg('chats'),
      entries: await inOrg('timeline_entries'),
      readStates: await count(sql`select count(*) as n from chat_reads join chats on chats.id = chat_reads.chat_id where chats.org_id = ${orgId}`),
      webhooks: await inOrg('webhooks'),
      tokens: withTokens ? await inOrg('tokens') : 0,
      artifacts: await inOrg('artifacts'),
      displayPictures: await count(sql`select count(*) as n from users where org_id = ${orgId} and display_picture_id is not null`),
    };
  }

  async revOrgs(orgId: number, selection: Selection): Promise<PortableRevOrg[]> {
    const rows = await select(this.db.selectFrom('rev_orgs').selectAll().where('org_id', '=', orgId), 'number', selection).execute();
    return rows.map((row) => ({
      number: row.number,
      displayName: row.display_name,
      externalRef: row.external_ref,
      createdAt: row.created_at,
      modifiedAt: row.modified_at,
    }));
  }

  async users(orgId: number, type: UserType, selection: Selection): Promise<PortableUser[]> {
    const query = this.db
      .selectFrom('users')
      .leftJoin('rev_orgs', 'rev_orgs.id', 'users.rev_org_id')
      .selectAll('users')
      .select('rev_orgs.number as rev_org_number')
      .where('users.org_id', '=', orgId)
      .where('users.type', '=', type);
    const rows = await select(query, 'users.number', selection).execute();
    return rows.map((row) => ({
      id: row.id,
      type,
      number: row.number,
      email: row.email,
      displayName: row.display_name,
      fullName: row.full_name,
      state: row.state,
      isAdmin: row.is_admin === 1,
      externalRef: row.external_ref,
      revOrgNumber: row.rev_org_number,
      createdAt: row.created_at,
      modifiedAt: row.modified_at,
    }));
  }

  async groups(orgId: number, selection: Selection): Promise<PortableGroup[]> {
    const rows = await select(this.db.selectFrom('groups').selectAll().where('org_id', '=', orgId), 'number', selection).execute();
    return rows.map((row) => ({
      id: row.id,
      number: row.number,
      name: row.name,
      description: row.description,
      memberType: row.member_type,
      createdAt: row.created_at,
      modifiedAt: row.modified_at,
    }));
  }

  /** The members of these groups (optionally only these users), by group and then user. */
  async groupMembers(orgId: number, groupNumbers: readonly number[], onlyUsers?: readonly UserKey[]): Promise<PortableGroupMember[]> {
    if (groupNumbers.length === 0 || onlyUsers?.length === 0) return [];
    let query = this.db
      .selectFrom('group_members')
      .innerJoin('groups', 'groups.id', 'group_members.group_id')
      .innerJoin('users', 'users.id', 'group_members.user_id')
      .select(['groups.number as group_number', 'users.type', 'users.number as user_number', 'group_members.created_at'])
      .where('groups.org_id', '=', orgId)
      .where('groups.number', 'in', [...groupNumbers]);
    if (onlyUsers) query = query.where((eb) => usersIn(eb, onlyUsers));
    const rows = await query.execute();
    return rows
      .map((row) => ({ groupNumber: row.group_number, user: key(row.type, row.user_number), createdAt: row.created_at }))
      .sort((a, b) => a.groupNumber - b.groupNumber || compareUserKeys(a.user, b.user));
  }

  async chats(orgId: number, selection: Selection): Promise<PortableChat[]> {
    const query = this.db
      .selectFrom('chats')
      .innerJoin('users as creators', 'creators.id', 'chats.created_by')
      .innerJoin('users as modifiers', 'modifiers.id', 'chats.modified_by')
      .selectAll('chats')
      .select(['creators.type as creator_type', 'creators.number as creator_number', 'modifiers.type as modifier_type', 'modifiers.number as modifier_number'])
      .where('chats.org_id', '=', orgId);
    const rows = await select(query, 'chats.number', selection).execute();
    if (rows.length === 0) return [];
    const ids = rows.map((row) => row.id);
    const [members, groups] = await Promise.all([
      this.db
        .selectFrom('chat_users')
        .innerJoin('users', 'users.id', 'chat_users.user_id')
        .select(['chat_users.chat_id', 'users.type', 'users.number'])
        .where('chat_users.chat_id', 'in', ids)
        .orderBy('chat_users.chat_id')
        .orderBy('chat_users.position')
        .execute(),
      this.db
        .selectFrom('chat_groups')
        .innerJoin('groups', 'groups.id', 'chat_groups.group_id')
        .select(['chat_groups.chat_id', 'groups.number'])
        .where('chat_groups.chat_id', 'in', ids)
        .orderBy('chat_groups.chat_id')
        .orderBy('chat_groups.position')
        .execute(),
    ]);
    return rows.map((row) => ({
      number: row.number,
      title: row.title,
      isDefault: row.is_default === 1,
      customFields: row.custom_fields,
      records: row.records,
      syncMetadata: row.sync_metadata,
      users: members.filter((member) => member.chat_id === row.id).map((member) => key(member.type, member.number)),
      groupNumbers: groups.filter((group) => group.chat_id === row.id).map((group) => group.number),
      createdBy: key(row.creator_type, row.creator_number),
      modifiedBy: key(row.modifier_type, row.modifier_number),
      createdAt: row.created_at,
      modifiedAt: row.modified_at,
      activityAt: row.activity_at,
    }));
  }

  async entries(orgId: number, selection: Selection): Promise<PortableEntry[]> {
    const query = this.db
      .selectFrom('timeline_entries')
      .innerJoin('chats', 'chats.id', 'timeline_entries.chat_id')
      .leftJoin('timeline_entries as parents', 'parents.id', 'timeline_entries.parent_id')
      .innerJoin('users as creators', 'creators.id', 'timeline_entries.created_by')
      .innerJoin('users as modifiers', 'modifiers.id', 'timeline_entries.modified_by')
      .select([
        'timeline_entries.id',
        'timeline_entries.number',
        'timeline_entries.body',
        'timeline_entries.body_type',
        'timeline_entries.external_ref',
        'timeline_entries.visibility',
        'timeline_entries.labels',
        'timeline_entries.expires_at',
        'timeline_entries.deleted_at',
        'timeline_entries.created_at',
        'timeline_entries.modified_at',
        'chats.number as chat_number',
        'parents.number as parent_number',
        'creators.type as creator_type',
        'creators.number as creator_number',
        'modifiers.type as modifier_type',
        'modifiers.number as modifier_number',
      ])
      .where('timeline_entries.org_id', '=', orgId);
    const rows = await select(query, 'timeline_entries.number', selection).execute();
    if (rows.length === 0) return [];
    const ids = rows.map((row) => row.id);
    const [readers, reactions] = await Promise.all([
      this.db
        .selectFrom('timeline_entry_private_to')
        .innerJoin('users', 'users.id', 'timeline_entry_private_to.user_id')
        .select(['timeline_entry_private_to.entry_id', 'users.type', 'users.number'])
        .where('timeline_entry_private_to.entry_id', 'in', ids)
        .execute(),
      this.db
        .selectFrom('timeline_reactions')
        .innerJoin('users', 'users.id', 'timeline_reactions.user_id')
        .select(['timeline_reactions.entry_id', 'timeline_reactions.emoji', 'timeline_reactions.created_at', 'users.type', 'users.number'])
        .where('timeline_reactions.entry_id', 'in', ids)
        .execute(),
    ]);
    const readersOf = groupBy(readers, (reader) => reader.entry_id);
    const reactionsOf = groupBy(reactions, (reaction) => reaction.entry_id);
    return rows.map((row) => ({
      number: row.number,
      chatNumber: row.chat_number,
      parentNumber: row.parent_number,
      body: row.body,
      bodyType: row.body_type,
      externalRef: row.external_ref,
      visibility: row.visibility,
      labels: row.labels,
      privateTo: (readersOf.get(row.id) ?? []).map((reader) => key(reader.type, reader.number)).sort(compareUserKeys),
      expiresAt: row.expires_at,
      deletedAt: row.deleted_at,
      createdBy: key(row.creator_type, row.creator_number),
      modifiedBy: key(row.modifier_type, row.modifier_number),
      createdAt: row.created_at,
      modifiedAt: row.modified_at,
      // In the order people reacted; ties by emoji, then by user: no collation decides it.
      reactions: (reactionsOf.get(row.id) ?? [])
        .map((reaction) => ({ emoji: reaction.emoji, user: key(reaction.type, reaction.number), createdAt: reaction.created_at }))
        .sort((a, b) => compareText(a.createdAt, b.createdAt) || compareText(a.emoji, b.emoji) || compareUserKeys(a.user, b.user)),
    }));
  }

  /**
   * Read markers of these users (by row id), optionally only in these chats. A marker is a
   * position (read_at, read_id) whose id is a row id; it travels as the last entry at
   * read_at that it covers, which the (chat_id, created_at, id) index finds.
   */
  async readStates(orgId: number, userIds: readonly number[], onlyChats?: readonly number[]): Promise<PortableReadState[]> {
    if (userIds.length === 0 || onlyChats?.length === 0) return [];
    let query = this.db
      .selectFrom('chat_reads')
      .innerJoin('chats', 'chats.id', 'chat_reads.chat_id')
      .innerJoin('users', 'users.id', 'chat_reads.user_id')
      .select((eb) => [
        'chats.number as chat_number',
        'users.type',
        'users.number as user_number',
        'chat_reads.read_at',
        'chat_reads.modified_at',
        eb
          .selectFrom('timeline_entries as covered')
          .select('covered.number')
          .whereRef('covered.chat_id', '=', 'chat_reads.chat_id')
          .whereRef('covered.created_at', '=', 'chat_reads.read_at')
          .whereRef('covered.id', '<=', 'chat_reads.read_id')
          .orderBy('covered.id', 'desc')
          .limit(1)
          .as('read_through'),
      ])
      .where('chats.org_id', '=', orgId)
      .where('chat_reads.user_id', 'in', [...userIds]);
    if (onlyChats) query = query.where('chats.number', 'in', [...onlyChats]);
    const rows = await query.execute();
    return rows
      .map((row) => ({
        chatNumber: row.chat_number,
        user: key(row.type, row.user_number),
        readAt: row.read_at,
        readThroughNumber: row.read_through ?? null,
        modifiedAt: row.modified_at,
      }))
      .sort((a, b) => compareUserKeys(a.user, b.user) || a.chatNumber - b.chatNumber);
  }

  async webhooks(orgId: number, selection: Selection): Promise<PortableWebhook[]> {
    const query = this.db
      .selectFrom('webhooks')
      .innerJoin('users as creators', 'creators.id', 'webhooks.created_by')
      .innerJoin('users as modifiers', 'modifiers.id', 'webhooks.modified_by')
      .selectAll('webhooks')
      .select(['creators.type as creator_type', 'creators.number as creator_number', 'modifiers.type as modifier_type', 'modifiers.number as modifier_number'])
      .where('webhooks.org_id', '=', orgId);
    const rows = await select(query, 'webhooks.number', selection).execute();
    return rows.map((row) => ({
      number: row.number,
      url: row.url,
      secret: row.secret,
      eventTypes: row.event_types,
      headers: row.headers,
      status: row.status,
      verified: row.verified === 1,
      deleted: row.deleted === 1,
      createdBy: key(row.creator_type, row.creator_number),
      modifiedBy: key(row.modifier_type, row.modifier_number),
      createdAt: row.created_at,
      modifiedAt: row.modified_at,
    }));
  }

  async tokens(orgId: number, selection: Selection): Promise<PortableToken[]> {
    const query = this.db
      .selectFrom('tokens')
      .innerJoin('users as holders', 'holders.id', 'tokens.user_id')
      .leftJoin('users as issuers', 'issuers.id', 'tokens.created_by')
      .selectAll('tokens')
      .select(['holders.type as holder_type', 'holders.number as holder_number', 'issuers.type as issuer_type', 'issuers.number as issuer_number'])
      .where('tokens.org_id', '=', orgId);
    const rows = await select(query, 'tokens.number', selection).execute();
    return rows.map((row) => ({
      number: row.number,
      user: key(row.holder_type, row.holder_number),
      hash: row.hash,
      requestedTokenType: row.requested_token_type,
      tokenHint: row.token_hint,
      createdBy: row.issuer_type === null || row.issuer_number === null ? null : key(row.issuer_type, row.issuer_number),
      createdAt: row.created_at,
      expiresAt: row.expires_at,
      revokedAt: row.revoked_at,
    }));
  }

  async artifacts(orgId: number, selection: Selection, withContent: boolean): Promise<PortableArtifact[]> {
    const query = this.db
      .selectFrom('artifacts')
      .innerJoin('users as creators', 'creators.id', 'artifacts.created_by')
      .select([
        'artifacts.number',
        'artifacts.file_name',
        'artifacts.declared_type',
        'artifacts.content_type',
        'artifacts.size',
        'artifacts.uploaded_at',
        'artifacts.parent_kind',
        'artifacts.parent_number',
        'artifacts.created_at',
        'artifacts.modified_at',
        'creators.type as creator_type',
        'creators.number as creator_number',
      ])
      .$if(withContent, (builder) => builder.select('artifacts.content'))
      .where('artifacts.org_id', '=', orgId);
    const rows = await select(query, 'artifacts.number', selection).execute();
    return rows.map((row) => ({
      number: row.number,
      fileName: row.file_name,
      declaredType: row.declared_type,
      contentType: row.content_type,
      size: row.size === null ? null : Number(row.size),
      ...(withContent && { content: row.content == null ? null : Buffer.from(row.content) }),
      uploadedAt: row.uploaded_at,
      parentKind: row.parent_kind,
      parentNumber: row.parent_number,
      createdBy: key(row.creator_type, row.creator_number),
      createdAt: row.created_at,
      modifiedAt: row.modified_at,
    }));
  }

  /** Users of one type that have a display picture, by user number. */
  async displayPictures(orgId: number, type: UserType, selection: Selection): Promise<PortableDisplayPicture[]> {
    const query = this.db
      .selectFrom('users')
      .innerJoin('artifacts', 'artifacts.id', 'users.display_picture_id')
      .select(['users.number', 'artifacts.number as artifact_number'])
      .where('users.org_id', '=', orgId)
      .where('users.type', '=', type);
    const rows = await select(query, 'users.number', selection).execute();
    return rows.map((row) => ({ user: key(type, row.number), artifactNumber: row.artifact_number }));
  }
}

/** Narrows a query to a selection of numbers, in number order. */
function select<DB, TB extends keyof DB, O>(query: SelectQueryBuilder<DB, TB, O>, column: string, selection: Selection): SelectQueryBuilder<DB, TB, O> {
  const ref = sql.ref(column);
  if ('numbers' in selection) {
    const numbers = selection.numbers.length === 0 ? sql<boolean>`1 = 0` : sql<boolean>`${ref} in (${sql.join([...selection.numbers])})`;
    return query.where(numbers).orderBy(ref);
  }
  return query.where(sql<boolean>`${ref} > ${selection.after}`).orderBy(ref).limit(selection.limit);
}

/** `(type = t and number in (…)) or …`: users named by natural key. */
export function usersIn(eb: ExpressionBuilder<Database, 'users'>, keys: readonly UserKey[]) {
  const byType = new Map<string, number[]>();
  for (const user of keys) byType.set(user.type, [...(byType.get(user.type) ?? []), user.number]);
  return eb.or([...byType].map(([type, numbers]) => eb.and([eb('users.type', '=', type), eb('users.number', 'in', numbers)])));
}

function groupBy<T, K>(items: readonly T[], keyOf: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const list = groups.get(keyOf(item));
    if (list) list.push(item);
    else groups.set(keyOf(item), [item]);
  }
  return groups;
}

/** Code-unit order, as JavaScript and SQLite compare text; PostgreSQL's collation may not. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
