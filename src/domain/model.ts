/** The domain's view of stored objects, independent of how the store lays them out. */

export const USER_TYPES = ['dev_user', 'rev_user', 'service_account', 'sys_user'] as const;
export type UserType = (typeof USER_TYPES)[number];

export const USER_STATES = ['active', 'deactivated', 'deleted', 'locked', 'shadow', 'unassigned'] as const;
export type UserState = (typeof USER_STATES)[number];

export const GROUP_MEMBER_TYPES = ['dev_user', 'rev_user'] as const;
export type GroupMemberType = (typeof GROUP_MEMBER_TYPES)[number];

export interface Org {
  id: number;
  slug: string;
  name: string;
  createdAt: string;
}

export interface RevOrg {
  id: number;
  orgId: number;
  number: number;
  displayName: string;
  externalRef: string | null;
  createdAt: string;
  modifiedAt: string;
}

export interface RevOrgSummary {
  number: number;
  displayName: string;
}

/** What every user summary shows of a display picture (DevRev's `artifact-summary`). */
export interface ArtifactSummary {
  number: number;
  fileName: string;
  fileType: string | null;
  size: number | null;
}

export interface User {
  id: number;
  orgId: number;
  type: UserType;
  number: number;
  email: string | null;
  displayName: string;
  fullName: string | null;
  state: UserState;
  isAdmin: boolean;
  externalRef: string | null;
  revOrg: RevOrgSummary | null;
  displayPicture: ArtifactSummary | null;
  createdAt: string;
  modifiedAt: string;
}

export interface Group {
  id: number;
  orgId: number;
  number: number;
  name: string;
  memberType: GroupMemberType;
  description: string | null;
  createdAt: string;
  modifiedAt: string;
}

export interface SyncMetadata {
  external_reference?: string;
  origin_system?: string;
  [field: string]: unknown;
}

export interface Chat {
  id: number;
  orgId: number;
  number: number;
  type: 'dm';
  title: string | null;
  isDefault: boolean;
  memberKey: string;
  customFields: Record<string, unknown> | null;
  records: string[];
  syncMetadata: SyncMetadata | null;
  users: User[];
  groups: Group[];
  createdBy: User;
  modifiedBy: User;
  createdAt: string;
  modifiedAt: string;
}

/** An uploaded file. `content` is only read when the bytes are served. */
export interface Artifact extends ArtifactSummary {
  id: number;
  orgId: number;
  declaredType: string | null;
  uploadedAt: string | null;
  parent: { kind: string; number: number } | null;
  createdBy: User;
  createdAt: string;
  modifiedAt: string;
}

/** Who is calling: resolved from the token on every authenticated request. */
export interface Principal {
  org: Org;
  user: User;
  tokenId: number;
}

/** Timestamps are produced in one place so that every one has milliseconds and a Z. */
export function now(): string {
  return new Date().toISOString();
}

export const TIMELINE_VISIBILITIES = ['external', 'internal', 'private', 'public'] as const;
export type TimelineVisibility = (typeof TIMELINE_VISIBILITIES)[number];

export const TIMELINE_BODY_TYPES = ['data', 'snap_kit', 'snap_widget', 'text'] as const;
export type TimelineBodyType = (typeof TIMELINE_BODY_TYPES)[number];

/** A message: DevRev's `timeline_comment` on a chat. */
export interface TimelineEntry {
  id: number;
  orgId: number;
  chatId: number;
  chatNumber: number;
  number: number;
  body: string | null;
  bodyType: TimelineBodyType | null;
  externalRef: string | null;
  visibility: TimelineVisibility;
  labels: string[];
  expiresAt: string | null;
  deletedAt: string | null;
  createdBy: User;
  modifiedBy: User;
  createdAt: string;
  modifiedAt: string;
}
