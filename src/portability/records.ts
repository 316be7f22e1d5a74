/**
 * Stored objects (by natural key, from store/export-reads.ts) → export records. An export
 * writes these; an import builds the same records from what the database already holds
 * and compares them with the file's, so "the same data" means "would export the same".
 */
import { formatDisplayId, parseRef, type ObjectKind } from '../domain/ids.js';
import type { UserType } from '../model/index.js';
import type {
  PortableArtifact,
  PortableChat,
  PortableDisplayPicture,
  PortableEntry,
  PortableGroup,
  PortableGroupMember,
  PortableOrg,
  PortableReadState,
  PortableRevOrg,
  PortableToken,
  PortableUser,
  PortableWebhook,
  UserKey,
} from '../store/portable.js';
import type {
  ArtifactRecord,
  ChatRecord,
  DisplayPictureRecord,
  EntryRecord,
  GroupMemberRecord,
  GroupRecord,
  OrgRecord,
  ReadStateRecord,
  RevOrgRecord,
  TokenRecord,
  UserRecord,
  WebhookRecord,
} from './format.js';

export const userRef = (user: UserKey): string => formatDisplayId(user.type, user.number);

/** The natural key a display id names; the format has checked that it is one. */
export function userKeyOf(ref: string): UserKey {
  const parsed = parseRef(ref)!;
  return { type: parsed.kind as UserType, number: parsed.number };
}

export function numberOf(ref: string): number {
  return parseRef(ref)!.number;
}

const ref = (kind: ObjectKind, number: number) => formatDisplayId(kind, number);
const optional = <T>(value: T | null): T | undefined => value ?? undefined;
const json = <T>(text: string | null): T | undefined => (text === null ? undefined : (JSON.parse(text) as T));

export function orgRecord(org: PortableOrg): OrgRecord {
  return { type: 'org', slug: org.slug, name: org.name, created_at: org.createdAt, sequences: org.sequences };
}

export function revOrgRecord(org: string, row: PortableRevOrg): RevOrgRecord {
  return {
    type: 'rev_org',
    org,
    id: ref('rev_org', row.number),
    display_name: row.displayName,
    external_ref: optional(row.externalRef),
    custom_fields: optional(row.customFields),
    created_at: row.createdAt,
    modified_at: row.modifiedAt,
  };
}

export function userRecord(org: string, row: PortableUser): UserRecord {
  return {
    type: 'user',
    org,
    id: userRef(row),
    email: optional(row.email),
    display_name: row.displayName,
    full_name: optional(row.fullName),
    state: row.state as UserRecord['state'],
    is_admin: row.isAdmin,
    external_ref: optional(row.externalRef),
    rev_org: row.revOrgNumber === null ? undefined : ref('rev_org', row.revOrgNumber),
    phone_numbers: row.phoneNumbers.length === 0 ? undefined : row.phoneNumbers,
    custom_fields: optional(row.customFields),
    created_at: row.createdAt,
    modified_at: row.modifiedAt,
  };
}

export function groupRecord(org: string, row: PortableGroup): GroupRecord {
  return {
    type: 'group',
    org,
    id: ref('group', row.number),
    name: row.name,
    description: optional(row.description),
    member_type: row.memberType as GroupRecord['member_type'],
    created_at: row.createdAt,
    modified_at: row.modifiedAt,
  };
}

export function groupMemberRecord(org: string, row: PortableGroupMember): GroupMemberRecord {
  return { type: 'group_member', org, group: ref('group', row.groupNumber), user: userRef(row.user), created_at: row.createdAt };
}

export function chatRecord(org: string, row: PortableChat): ChatRecord {
  return {
    type: 'chat',
    org,
    id: ref('chat', row.number),
    title: optional(row.title),
    is_default: row.isDefault,
    users: row.users.map(userRef),
    groups: row.groupNumbers.length === 0 ? undefined : row.groupNumbers.map((number) => ref('group', number)),
    records: json(row.records),
    custom_fields: json(row.customFields),
    sync_metadata: json(row.syncMetadata),
    created_by: userRef(row.createdBy),
    modified_by: userRef(row.modifiedBy),
    created_at: row.createdAt,
    modified_at: row.modifiedAt,
    activity_at: row.activityAt,
  };
}

export function entryRecord(org: string, row: PortableEntry): EntryRecord {
  return {
    type: 'timeline_entry',
    org,
    id: ref('timeline_comment', row.number),
    chat: ref('chat', row.chatNumber),
    parent: row.parentNumber === null ? undefined : ref('timeline_comment', row.parentNumber),
    body: optional(row.body),
    body_type: optional(row.bodyType) as EntryRecord['body_type'],
    external_ref: optional(row.externalRef),
    visibility: row.visibility as EntryRecord['visibility'],
    labels: json(row.labels),
    private_to: row.privateTo.length === 0 ? undefined : row.privateTo.map(userRef),
    expires_at: optional(row.expiresAt),
    deleted_at: optional(row.deletedAt),
    created_by: userRef(row.createdBy),
    modified_by: userRef(row.modifiedBy),
    created_at: row.createdAt,
    modified_at: row.modifiedAt,
    reactions:
      row.reactions.length === 0
        ? undefined
        : row.reactions.map((reaction) => ({ emoji: reaction.emoji, user: userRef(reaction.user), created_at: reaction.createdAt })),
  };
}

export function readStateRecord(org: string, row: PortableReadState): ReadStateRecord {
  return {
    type: 'read_state',
    org,
    chat: ref('chat', row.chatNumber),
    user: userRef(row.user),
    read_at: row.readAt,
    read_through: row.readThroughNumber === null ? undefined : ref('timeline_comment', row.readThroughNumber),
    modified_at: row.modifiedAt,
  };
}

export function webhookRecord(org: string, row: PortableWebhook, withSecret: boolean): WebhookRecord {
  return {
    type: 'webhook',
    org,
    id: ref('webhook', row.number),
    url: row.url,
    secret: withSecret ? row.secret : undefined,
    event_types: json(row.eventTypes),
    headers: json(row.headers),
    status: row.status as WebhookRecord['status'],
    verified: row.verified,
    deleted: row.deleted,
    created_by: userRef(row.createdBy),
    modified_by: userRef(row.modifiedBy),
    created_at: row.createdAt,
    modified_at: row.modifiedAt,
  };
}

export function tokenRecord(org: string, row: PortableToken): TokenRecord {
  return {
    type: 'token',
    org,
    id: ref('token', row.number),
    user: userRef(row.user),
    hash: row.hash,
    requested_token_type: optional(row.requestedTokenType),
    token_hint: optional(row.tokenHint),
    created_by: row.createdBy === null ? undefined : userRef(row.createdBy),
    created_at: row.createdAt,
    expires_at: optional(row.expiresAt),
    revoked_at: optional(row.revokedAt),
  };
}

export function artifactRecord(org: string, row: PortableArtifact): ArtifactRecord {
  return {
    type: 'artifact',
    org,
    id: ref('artifact', row.number),
    file_name: row.fileName,
    declared_type: optional(row.declaredType),
    content_type: optional(row.contentType),
    size: optional(row.size),
    uploaded_at: optional(row.uploadedAt),
    parent_kind: optional(row.parentKind),
    parent_number: optional(row.parentNumber),
    parent_position: optional(row.parentPosition),
    created_by: userRef(row.createdBy),
    created_at: row.createdAt,
    modified_at: row.modifiedAt,
    content: row.content == null ? undefined : row.content.toString('base64'),
  };
}

export function displayPictureRecord(org: string, row: PortableDisplayPicture): DisplayPictureRecord {
  return { type: 'display_picture', org, user: userRef(row.user), artifact: ref('artifact', row.artifactNumber) };
}
