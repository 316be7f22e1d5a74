/**
 * Writes for `confab import`: rows exactly as an export describes them — their numbers,
 * timestamps and states as stored, not as a new object would get them — plus the lookups
 * that turn an export's natural keys back into this database's row ids. Unchecked beyond
 * the database's own constraints: the import decides what may be written.
 */
import type { Kysely } from 'kysely';
import { batches } from './batches.js';
import { translateUnique } from './errors.js';
import { usersIn } from './export-reads.js';
import type { UserKey } from './portable.js';
import type { Database } from './schema.js';

export interface ImportedRevOrg {
  orgId: number;
  number: number;
  displayName: string;
  externalRef: string | null;
  createdAt: string;
  modifiedAt: string;
}

export interface ImportedUser {
  orgId: number;
  type: string;
  number: number;
  email: string | null;
  displayName: string;
  fullName: string | null;
  state: string;
  isAdmin: boolean;
  externalRef: string | null;
  revOrgId: number | null;
  createdAt: string;
  modifiedAt: string;
}

export interface ImportedGroup {
  orgId: number;
  number: number;
  name: string;
  description: string | null;
  memberType: string;
  createdAt: string;
  modifiedAt: string;
}

export interface ImportedChat {
  orgId: number;
  number: number;
  title: string | null;
  isDefault: boolean;
  memberKey: string;
  customFields: string | null;
  records: string | null;
  syncMetadata: string | null;
  userIds: number[];
  groupIds: number[];
  createdBy: number;
  modifiedBy: number;
  createdAt: string;
  modifiedAt: string;
  activityAt: string;
}

export interface ImportedEntry {
  orgId: number;
  chatId: number;
  number: number;
  /** Null here and set by `setParents` when the parent is written in the same statement. */
  parentId: number | null;
  body: string | null;
  bodyType: string | null;
  externalRef: string | null;
  visibility: string;
  labels: string[] | null;
  privateTo: number[];
  expiresAt: string | null;
  deletedAt: string | null;
  createdBy: number;
  modifiedBy: number;
  createdAt: string;
  modifiedAt: string;
  reactions: { emoji: string; userId: number; createdAt: string }[];
}

export interface ImportedReadState {
  userId: number;
  chatId: number;
  readAt: string;
  readId: number;
  modifiedAt: string;
}

export interface ImportedWebhook {
  orgId: number;
  number: number;
  url: string;
  secret: string;
  eventTypes: string | null;
  headers: string | null;
  status: string;
  verified: boolean;
  deleted: boolean;
  createdBy: number;
  modifiedBy: number;
  createdAt: string;
  modifiedAt: string;
}

export interface ImportedToken {
  orgId: number;
  number: number;
  userId: number;
  hash: string;
  requestedTokenType: string | null;
  tokenHint: string | null;
  createdBy: number | null;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
}

export interface ImportedArtifact {
  orgId: number;
  number: number;
  fileName: string;
  declaredType: string | null;
  contentType: string | null;
  size: number | null;
  content: Buffer | null;
  uploadedAt: string | null;
  parentKind: string | null;
  parentNumber: number | null;
  createdBy: number;
  createdAt: string;
  modifiedAt: string;
}

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

export class ImportWriteStore {
  constructor(private readonly db: Kysely<Database>) {}

  async orgIds(slugs: readonly string[]): Promise<Map<string, number>> {
    if (slugs.length === 0) return new Map();
    const rows = await this.db.selectFrom('orgs').select(['id', 'slug']).where('slug', 'in', [...slugs]).execute();
    return new Map(rows.map((row) => [row.slug, row.id]));
  }

  async insertOrg(slug: string, name: string, createdAt: string): Promise<number> {
    const row = await translateUnique(() =>
      this.db.insertInto('orgs').values({ slug, name, created_at: createdAt }).returning('id').executeTakeFirstOrThrow(),
    );
    return row.id;
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

  async insertRevOrg(input: ImportedRevOrg): Promise<void> {
    await translateUnique(() =>
      this.db
        .insertInto('rev_orgs')
        .values({
          org_id: input.orgId,
          number: input.number,
          display_name: input.displayName,
          external_ref: input.externalRef,
          created_at: input.createdAt,
          modified_at: input.modifiedAt,
        })
        .execute(),
    );
  }

  /** Throws `UniqueViolation` when the email or external_ref is another user's. */
  async insertUser(input: ImportedUser): Promise<void> {
    await translateUnique(() =>
      this.db
        .insertInto('users')
        .values({
          org_id: input.orgId,
          type: input.type,
          number: input.number,
          email: input.email,
          display_name: input.displayName,
          full_name: input.fullName,
          state: input.state,
          is_admin: input.isAdmin ? 1 : 0,
          external_ref: input.externalRef,
          rev_org_id: input.revOrgId,
          created_at: input.createdAt,
          modified_at: input.modifiedAt,
        })
        .execute(),
    );
  }

  /** Throws `UniqueViolation` when the name is another group's. */
  async insertGroup(input: ImportedGroup): Promise<void> {
    await translateUnique(() =>
      this.db
        .insertInto('groups')
        .values({
          org_id: input.orgId,
          number: input.number,
          name: input.name,
          description: input.description,
          member_type: input.memberType,
          created_at: input.createdAt,
          modified_at: input.modifiedAt,
        })
        .execute(),
    );
  }

  async insertGroupMembers(members: readonly { groupId: number; userId: number; createdAt: string }[]): Promise<void> {
    const rows = members.map((member) => ({ group_id: member.groupId, user_id: member.userId, created_at: member.createdAt }));
    for (const batch of batches(rows)) await translateUnique(() => this.db.insertInto('group_members').values(batch).execute());
  }

  /** Throws `UniqueViolation` when the organization has a default DM of the same users. */
  async insertChat(input: ImportedChat): Promise<void> {
    const { id } = await translateUnique(() =>
      this.db
        .insertInto('chats')
        .values({
          org_id: input.orgId,
          number: input.number,
          type: 'dm',
          title: input.title,
          is_default: input.isDefault ? 1 : 0,
          member_key: input.memberKey,
          default_key: input.isDefault ? input.memberKey : null,
          custom_fields: input.customFields,
          records: input.records,
          sync_metadata: input.syncMetadata,
          created_by: input.createdBy,
          modified_by: input.modifiedBy,
          created_at: input.createdAt,
          modified_at: input.modifiedAt,
          activity_at: input.activityAt,
        })
        .returning('id')
        .executeTakeFirstOrThrow(),
    );
    // Membership rows carry the chat's activity (see ChatStore.touch). The outbox is not
    // exported, so there is nothing from before the import for a join time to hide: every
    // member counts as one since the chat was made, as migration 0019 did for old rows.
    const activity_at = input.activityAt;
    const joined_at = input.createdAt;
    if (input.userIds.length > 0) {
      await this.db
        .insertInto('chat_users')
        .values(input.userIds.map((userId, position) => ({ chat_id: id, user_id: userId, position, activity_at, joined_at })))
        .execute();
    }
    if (input.groupIds.length > 0) {
      await this.db
        .insertInto('chat_groups')
        .values(input.groupIds.map((groupId, position) => ({ chat_id: id, group_id: groupId, position, activity_at, joined_at })))
        .execute();
    }
  }

  /** Entries with their labels, private readers and reactions, in few statements; their row ids by number. */
  async insertEntries(inputs: readonly ImportedEntry[]): Promise<Map<number, number>> {
    const ids = new Map<number, number>();
    const rows = inputs.map((input) => ({
      org_id: input.orgId,
      chat_id: input.chatId,
      number: input.number,
      parent_id: input.parentId,
      body: input.body,
      body_type: input.bodyType,
      external_ref: input.externalRef,
      visibility: input.visibility,
      labels: input.labels === null ? null : JSON.stringify(input.labels),
      expires_at: input.expiresAt,
      deleted_at: input.deletedAt,
      created_by: input.createdBy,
      modified_by: input.modifiedBy,
      created_at: input.createdAt,
      modified_at: input.modifiedAt,
    }));
    for (const batch of batches(rows)) {
      const inserted = await translateUnique(() => this.db.insertInto('timeline_entries').values(batch).returning(['id', 'number']).execute());
      for (const row of inserted) ids.set(row.number, row.id);
    }
    const idOf = (input: ImportedEntry) => ids.get(input.number)!;
    const labels = inputs.flatMap((input) => [...new Set(input.labels ?? [])].map((label) => ({ entry_id: idOf(input), label })));
    for (const batch of batches(labels)) await this.db.insertInto('timeline_entry_labels').values(batch).execute();
    const readers = inputs.flatMap((input) => input.privateTo.map((userId) => ({ entry_id: idOf(input), user_id: userId })));
    for (const batch of batches(readers)) await this.db.insertInto('timeline_entry_private_to').values(batch).execute();
    const reactions = inputs.flatMap((input) =>
      input.reactions.map((reaction) => ({ entry_id: idOf(input), emoji: reaction.emoji, user_id: reaction.userId, created_at: reaction.createdAt })),
    );
    for (const batch of batches(reactions)) await this.db.insertInto('timeline_reactions').values(batch).execute();
    return ids;
  }

  /** Replies whose parent was written in the same statement as they were. */
  async setParents(parentOf: ReadonlyMap<number, number[]>): Promise<void> {
    for (const [parentId, replyIds] of parentOf) {
      await this.db.updateTable('timeline_entries').set({ parent_id: parentId }).where('id', 'in', replyIds).execute();
    }
  }

  async insertReadStates(states: readonly ImportedReadState[]): Promise<void> {
    const rows = states.map((state) => ({
      user_id: state.userId,
      chat_id: state.chatId,
      read_at: state.readAt,
      read_id: state.readId,
      modified_at: state.modifiedAt,
    }));
    for (const batch of batches(rows)) await translateUnique(() => this.db.insertInto('chat_reads').values(batch).execute());
  }

  async insertWebhook(input: ImportedWebhook): Promise<void> {
    await translateUnique(() =>
      this.db
        .insertInto('webhooks')
        .values({
          org_id: input.orgId,
          number: input.number,
          url: input.url,
          secret: input.secret,
          event_types: input.eventTypes,
          headers: input.headers,
          status: input.status,
          verified: input.verified ? 1 : 0,
          deleted: input.deleted ? 1 : 0,
          created_by: input.createdBy,
          modified_by: input.modifiedBy,
          created_at: input.createdAt,
          modified_at: input.modifiedAt,
        })
        .execute(),
    );
  }

  /** Throws `UniqueViolation` when another token has the same hash. */
  async insertToken(input: ImportedToken): Promise<void> {
    await translateUnique(() =>
      this.db
        .insertInto('tokens')
        .values({
          org_id: input.orgId,
          number: input.number,
          user_id: input.userId,
          hash: input.hash,
          requested_token_type: input.requestedTokenType,
          token_hint: input.tokenHint,
          created_by: input.createdBy,
          created_at: input.createdAt,
          expires_at: input.expiresAt,
          revoked_at: input.revokedAt,
        })
        .execute(),
    );
  }

  async insertArtifact(input: ImportedArtifact): Promise<void> {
    await translateUnique(() =>
      this.db
        .insertInto('artifacts')
        .values({
          org_id: input.orgId,
          number: input.number,
          file_name: input.fileName,
          declared_type: input.declaredType,
          content_type: input.contentType,
          size: input.size,
          content: input.content,
          uploaded_at: input.uploadedAt,
          parent_kind: input.parentKind,
          parent_number: input.parentNumber,
          created_by: input.createdBy,
          created_at: input.createdAt,
          modified_at: input.modifiedAt,
        })
        .execute(),
    );
  }

  /** Sets a user's picture as it was: the user's modified_date is the export's, not now. */
  async setDisplayPicture(userId: number, artifactId: number): Promise<void> {
    await this.db.updateTable('users').set({ display_picture_id: artifactId }).where('id', '=', userId).execute();
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
