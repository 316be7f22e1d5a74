/**
 * Objects as an export carries them: by natural key (numbers, users as type and number),
 * never by row id. What store/export-reads.ts reads and portability/records.ts writes.
 */
import { USER_TYPES, type UserType } from '../model/index.js';

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
  customFields: Record<string, unknown> | null;
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
  phoneNumbers: string[];
  customFields: Record<string, unknown> | null;
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
  /** Its place among a comment's files; null for a display picture or a loose upload. */
  parentPosition: number | null;
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

/** Code-unit order, as JavaScript and SQLite compare text; PostgreSQL's collation may not. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
