/**
 * Reads for `confab export` (and for an import's check of what is already there): every
 * object of an organization by its natural key — numbers, and users as (type, number) —
 * never by row id, since row ids differ from one database to the next. Pages are keyset
 * slices of the (org, number) unique indexes, or an explicit list of numbers.
 */
import { sql, type ExpressionBuilder, type Kysely, type SelectQueryBuilder } from 'kysely';
import type { UserType } from '../model/index.js';
import { SUMMARY_COLUMNS } from './artifacts.js';
import type { BlobStore } from './blobs.js';
import {
  compareText,
  compareUserKeys,
  type PortableArtifact,
  type PortableChat,
  type PortableCounts,
  type PortableDisplayPicture,
  type PortableEntry,
  type PortableGroup,
  type PortableGroupMember,
  type PortableOrg,
  type PortableReadState,
  type PortableRevOrg,
  type PortableToken,
  type PortableUser,
  type PortableWebhook,
  type Selection,
  type UserKey,
} from './portable.js';
import type { Database } from './schema.js';
import { groupBy } from './rows.js';

const key = (type: string, number: number): UserKey => ({ type: type as UserType, number });

export class ExportReadStore {
  constructor(
    private readonly db: Kysely<Database>,
    /** Where artifacts' bytes live (store/blobs.ts). */
    private readonly blobs: BlobStore,
  ) {}

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
    const rows = await select(this.db.selectFrom('users').selectAll().where('org_id', '=', orgId).where('type', '=', type), 'number', selection).execute();
    const revOrgs = await this.numbersOf('rev_orgs', rows.flatMap((row) => (row.rev_org_id === null ? [] : [row.rev_org_id])));
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
      revOrgNumber: row.rev_org_id === null ? null : revOrgs.get(row.rev_org_id)!,
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
    // Support conversations are not in the export format yet: only DMs travel.
    const rows = await select(this.db.selectFrom('chats').selectAll().where('org_id', '=', orgId).where('type', '=', 'dm'), 'number', selection).execute();
    if (rows.length === 0) return [];
    const ids = rows.map((row) => row.id);
    const [members, groups] = await Promise.all([
      this.db
        .selectFrom('chat_users')
        .select(['chat_id', 'user_id'])
        .where('chat_id', 'in', ids)
        .orderBy('chat_id')
        .orderBy('position')
        .execute(),
      this.db
        .selectFrom('chat_groups')
        .select(['chat_id', 'group_id'])
        .where('chat_id', 'in', ids)
        .orderBy('chat_id')
        .orderBy('position')
        .execute(),
    ]);
    const [users, groupNumbers] = await Promise.all([
      this.userKeysOf([...members.map((member) => member.user_id), ...rows.flatMap((row) => [row.created_by, row.modified_by])]),
      this.numbersOf('groups', groups.map((group) => group.group_id)),
    ]);
    const membersOf = groupBy(members, (member) => member.chat_id);
    const groupsOf = groupBy(groups, (group) => group.chat_id);
    return rows.map((row) => ({
      number: row.number,
      title: row.title,
      isDefault: row.is_default === 1,
      customFields: row.custom_fields,
      records: row.records,
      syncMetadata: row.sync_metadata,
      users: (membersOf.get(row.id) ?? []).map((member) => users.get(member.user_id)!),
      groupNumbers: (groupsOf.get(row.id) ?? []).map((group) => groupNumbers.get(group.group_id)!),
      createdBy: users.get(row.created_by)!,
      modifiedBy: users.get(row.modified_by)!,
      createdAt: row.created_at,
      modifiedAt: row.modified_at,
      activityAt: row.activity_at,
    }));
  }

  /**
   * A page is read from timeline_entries alone, in (org, number) index order, and what it
   * refers to is looked up by row id afterwards: joined in one query, PostgreSQL with
   * stale statistics (right after a bulk import) joins every later entry before the LIMIT.
   */
  async entries(orgId: number, selection: Selection): Promise<PortableEntry[]> {
    const conversations = this.db.selectFrom('chats').select('chats.id').where('chats.org_id', '=', orgId).where('chats.type', '<>', 'dm');
    const rows = await select(
      this.db.selectFrom('timeline_entries').selectAll().where('org_id', '=', orgId).where('chat_id', 'not in', conversations),
      'number',
      selection,
    ).execute();
    if (rows.length === 0) return [];
    const ids = rows.map((row) => row.id);
    const [readers, reactions, chats, parents] = await Promise.all([
      this.db.selectFrom('timeline_entry_private_to').select(['entry_id', 'user_id']).where('entry_id', 'in', ids).execute(),
      this.db.selectFrom('timeline_reactions').select(['entry_id', 'emoji', 'user_id', 'created_at']).where('entry_id', 'in', ids).execute(),
      this.numbersOf('chats', rows.map((row) => row.chat_id)),
      this.numbersOf('timeline_entries', rows.flatMap((row) => (row.parent_id === null ? [] : [row.parent_id]))),
    ]);
    const users = await this.userKeysOf([
      ...rows.flatMap((row) => [row.created_by, row.modified_by]),
      ...readers.map((reader) => reader.user_id),
      ...reactions.map((reaction) => reaction.user_id),
    ]);
    const readersOf = groupBy(readers, (reader) => reader.entry_id);
    const reactionsOf = groupBy(reactions, (reaction) => reaction.entry_id);
    return rows.map((row) => ({
      number: row.number,
      chatNumber: chats.get(row.chat_id)!,
      parentNumber: row.parent_id === null ? null : (parents.get(row.parent_id) ?? null),
      body: row.body,
      bodyType: row.body_type,
      externalRef: row.external_ref,
      visibility: row.visibility,
      labels: row.labels,
      privateTo: (readersOf.get(row.id) ?? []).map((reader) => users.get(reader.user_id)!).sort(compareUserKeys),
      expiresAt: row.expires_at,
      deletedAt: row.deleted_at,
      createdBy: users.get(row.created_by)!,
      modifiedBy: users.get(row.modified_by)!,
      createdAt: row.created_at,
      modifiedAt: row.modified_at,
      // In the order people reacted; ties by emoji, then by user: no collation decides it.
      reactions: (reactionsOf.get(row.id) ?? [])
        .map((reaction) => ({ emoji: reaction.emoji, user: users.get(reaction.user_id)!, createdAt: reaction.created_at }))
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
      .where('chats.type', '=', 'dm')
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
    const rows = await select(this.db.selectFrom('webhooks').selectAll().where('org_id', '=', orgId), 'number', selection).execute();
    const users = await this.userKeysOf(rows.flatMap((row) => [row.created_by, row.modified_by]));
    return rows.map((row) => ({
      number: row.number,
      url: row.url,
      secret: row.secret,
      eventTypes: row.event_types,
      headers: row.headers,
      status: row.status,
      verified: row.verified === 1,
      deleted: row.deleted === 1,
      createdBy: users.get(row.created_by)!,
      modifiedBy: users.get(row.modified_by)!,
      createdAt: row.created_at,
      modifiedAt: row.modified_at,
    }));
  }

  async tokens(orgId: number, selection: Selection): Promise<PortableToken[]> {
    const rows = await select(this.db.selectFrom('tokens').selectAll().where('org_id', '=', orgId), 'number', selection).execute();
    const users = await this.userKeysOf(rows.flatMap((row) => (row.created_by === null ? [row.user_id] : [row.user_id, row.created_by])));
    return rows.map((row) => ({
      number: row.number,
      user: users.get(row.user_id)!,
      hash: row.hash,
      requestedTokenType: row.requested_token_type,
      tokenHint: row.token_hint,
      createdBy: row.created_by === null ? null : users.get(row.created_by)!,
      createdAt: row.created_at,
      expiresAt: row.expires_at,
      revokedAt: row.revoked_at,
    }));
  }

  async artifacts(orgId: number, selection: Selection, withContent: boolean): Promise<PortableArtifact[]> {
    const query = this.db
      .selectFrom('artifacts')
      .select(SUMMARY_COLUMNS)
      .where('org_id', '=', orgId);
    const rows = await select(query, 'number', selection).execute();
    const users = await this.userKeysOf(rows.map((row) => row.created_by));
    // One at a time: a page holds few artifacts, and each may be megabytes.
    const contents = new Map<number, Buffer | null>();
    if (withContent) for (const row of rows) contents.set(row.id, (await this.blobs.read(row.id)) ?? null);
    return rows.map((row) => ({
      number: row.number,
      fileName: row.file_name,
      declaredType: row.declared_type,
      contentType: row.content_type,
      size: row.size === null ? null : Number(row.size),
      ...(withContent && { content: contents.get(row.id) ?? null }),
      uploadedAt: row.uploaded_at,
      parentKind: row.parent_kind,
      parentNumber: row.parent_number,
      parentPosition: row.parent_position,
      createdBy: users.get(row.created_by)!,
      createdAt: row.created_at,
      modifiedAt: row.modified_at,
    }));
  }

  /** Users of one type that have a display picture, by user number. */
  async displayPictures(orgId: number, type: UserType, selection: Selection): Promise<PortableDisplayPicture[]> {
    const query = this.db
      .selectFrom('users')
      .select(['number', 'display_picture_id'])
      .where('org_id', '=', orgId)
      .where('type', '=', type)
      .where('display_picture_id', 'is not', null);
    const rows = await select(query, 'number', selection).execute();
    const artifacts = await this.numbersOf('artifacts', rows.map((row) => row.display_picture_id!));
    return rows.map((row) => ({ user: key(type, row.number), artifactNumber: artifacts.get(row.display_picture_id!)! }));
  }

  /** Users' natural keys by row id. */
  private async userKeysOf(ids: readonly number[]): Promise<Map<number, UserKey>> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return new Map();
    const rows = await this.db.selectFrom('users').select(['id', 'type', 'number']).where('id', 'in', unique).execute();
    return new Map(rows.map((row) => [row.id, key(row.type, row.number)]));
  }

  /** Objects' numbers by row id. */
  private async numbersOf(table: 'rev_orgs' | 'groups' | 'chats' | 'timeline_entries' | 'artifacts', ids: readonly number[]): Promise<Map<number, number>> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return new Map();
    const rows = await this.db
      .selectFrom(table as 'chats')
      .select(['id', 'number'])
      .where('id', 'in', unique)
      .execute();
    return new Map(rows.map((row) => [row.id, row.number]));
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

