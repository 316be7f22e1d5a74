/** The domain's view of stored objects, independent of how the store lays them out. */

export const USER_TYPES = ['dev_user', 'rev_user', 'service_account', 'sys_user'] as const;
export type UserType = (typeof USER_TYPES)[number];

/** What presence reports of a person. */
export const PRESENCE_STATES = ['online', 'offline'] as const;
export type PresenceState = (typeof PRESENCE_STATES)[number];

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

/** A chat row's kind: a DM, or a support conversation (domain/conversations.ts), which is a chat with more to it. */
export const CHAT_TYPES = ['dm', 'conversation'] as const;
export type ChatType = (typeof CHAT_TYPES)[number];

export interface Chat {
  id: number;
  orgId: number;
  number: number;
  type: ChatType;
  title: string | null;
  isDefault: boolean;
  memberKey: string;
  customFields: Record<string, unknown> | null;
  records: string[];
  syncMetadata: SyncMetadata | null;
  users: User[];
  /** Of `users`, those there by staff's doing (domain/policy/customers.ts `vouchesForStaff`). */
  vouchedUserIds: number[];
  groups: Group[];
  createdBy: User;
  modifiedBy: User;
  createdAt: string;
  modifiedAt: string;
}

/**
 * DevRev's stages of a support conversation, as its object reference documents them
 * (developer.devrev.ai, AirSync "conversation" fields: `stage`).
 */
export const CONVERSATION_STAGES = ['new', 'needs_response', 'waiting_on_user', 'hold', 'resolved', 'suspended', 'archived'] as const;
export type ConversationStage = (typeof CONVERSATION_STAGES)[number];

/** A tag on a conversation: the id of a DevRev tag (Confab keeps no tag objects) and its value. */
export interface TagRef {
  id: string;
  value?: string;
}

/** A support conversation: a chat (its `users` are DevRev's `members`) with the support side's fields. */
export interface Conversation extends Chat {
  type: 'conversation';
  description: string | null;
  stage: ConversationStage;
  isSpam: boolean;
  isFrozen: boolean;
  ownedBy: User[];
  group: Group | null;
  /** The customer's rev org, recorded when a customer starts it or staff start it for customers. */
  revOrg: RevOrgSummary | null;
  sourceChannel: string | null;
  tags: TagRef[];
  actualCloseDate: string | null;
}

/** An uploaded file. `content` is only read when the bytes are served. */
export interface Artifact extends ArtifactSummary {
  id: number;
  orgId: number;
  declaredType: string | null;
  uploadedAt: string | null;
  parent: { kind: string; number: number } | null;
  /** Its place among its parent's files (a comment's); null for a display picture or none. */
  parentPosition: number | null;
  createdBy: User;
  createdAt: string;
  modifiedAt: string;
}

/** Bytes `start` to `end` of a file, both included (as HTTP's Content-Range counts them). */
export interface ByteRange {
  start: number;
  end: number;
}

/** Who is calling: resolved from the token on every authenticated request. */
export interface Principal {
  org: Org;
  user: User;
  tokenId: number;
  /** The token's number in its organization (its DON); absent for work done on no token's behalf. */
  tokenNumber?: number;
}

/** Timestamps are produced in one place so that every one has milliseconds and a Z. */
export function now(): string {
  return new Date().toISOString();
}

export const TIMELINE_VISIBILITIES = ['external', 'internal', 'private', 'public'] as const;
export type TimelineVisibility = (typeof TIMELINE_VISIBILITIES)[number];

export const TIMELINE_BODY_TYPES = ['data', 'snap_kit', 'snap_widget', 'text'] as const;
export type TimelineBodyType = (typeof TIMELINE_BODY_TYPES)[number];

/**
 * Who reads a chat's timeline, as the visibility rule needs them (domain/policy/visibility.ts):
 * their id, and whether they belong to the dev organization, which alone sees `internal`.
 */
export interface EntryReader {
  userId: number;
  seesInternal: boolean;
}

/** A message: DevRev's `timeline_comment` on a chat. */
export interface TimelineEntry {
  id: number;
  orgId: number;
  chatId: number;
  chatNumber: number;
  /** What the entry's chat is: its `object` on the wire is a DM or a conversation. */
  chatType: ChatType;
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
  /** Per emoji, in the order first used: who reacted, so any viewer's `reacted` can be told. */
  reactions: EntryReaction[];
  /** A reply's comment; null for an entry of the chat's own timeline. */
  parentId: number | null;
  parentNumber: number | null;
  /** Replies in this comment's thread (0 for a reply: threads are one level deep). */
  totalReplies: number;
  /** Files on the message, in the order its author gave; none once it is deleted. */
  artifacts: ArtifactSummary[];
}

export interface EntryReaction {
  /** The code point(s), lowercase and dash-joined: `1f44d`, `1f44d-1f3fb`. */
  emoji: string;
  userIds: number[];
}

/**
 * What the outbox records: DevRev's event names, plus Confab's `chat_created` and
 * `chat_updated` (DevRev has no chat events; documented in the README).
 */
export const CHAT_EVENT_TYPES = [
  'chat_created',
  'chat_updated',
  'timeline_entry_created',
  'timeline_entry_updated',
  'timeline_entry_deleted',
] as const;
export type ChatEventType = (typeof CHAT_EVENT_TYPES)[number];
/** `chat_read` goes to the reader's own streams only (their other devices), never to webhooks. */
export type EventType = ChatEventType | ConversationEventType | 'group_member_added' | 'group_member_removed' | 'chat_read';

/** DevRev's support conversation events (domain/conversations.ts). */
export const CONVERSATION_EVENT_TYPES = ['conversation_created', 'conversation_updated', 'conversation_deleted'] as const;
export type ConversationEventType = (typeof CONVERSATION_EVENT_TYPES)[number];

/** The domain objects an event carries; they are presented to the wire when read. */
export interface EventPayload {
  chat?: Chat;
  conversation?: Conversation;
  oldConversation?: Conversation;
  entry?: TimelineEntry;
  oldEntry?: TimelineEntry;
  group?: Group;
  member?: User;
  /** A private entry's readers besides its author: who else of the chat may see the event. */
  privateTo?: number[];
  /** A reply's comment, as the visibility rule needs it: the reply is for those who may read both. */
  parent?: EntryAudienceOf;
  /** An event for one user's own streams alone (chat_read), whatever the chat's members. */
  forUser?: number;
  /** chat_read: where the reader's marker now is (absent: nothing read) and what is left. */
  read?: { entryNumber?: number; unreadCount: number };
}

/** Who an entry is for (domain/policy/visibility.ts `EntryAudience`, without a parent of its own). */
export interface EntryAudienceOf {
  visibility: TimelineVisibility;
  authorId: number;
  privateTo: readonly number[];
}

export interface StoredEvent {
  id: number;
  orgId: number;
  chatId: number | null;
  type: EventType;
  payload: EventPayload;
  createdAt: string;
}

export const WEBHOOK_STATUSES = ['unverified', 'active', 'inactive', 'degraded'] as const;
export type WebhookStatus = (typeof WEBHOOK_STATUSES)[number];

export interface WebhookHeader {
  name: string;
  value: string;
}

export interface Webhook {
  id: number;
  orgId: number;
  number: number;
  url: string;
  secret: string;
  /** null: every event type, Confab's additions included. */
  eventTypes: string[] | null;
  headers: WebhookHeader[];
  status: WebhookStatus;
  /** It has answered a verify challenge at its current URL at least once. */
  verified: boolean;
  createdBy: User;
  modifiedBy: User;
  createdAt: string;
  modifiedAt: string;
}

export interface DeliveryAttempt {
  at: string;
  duration_ms: number;
  status_code?: number;
  error?: string;
}

export interface WebhookDelivery {
  id: number;
  webhookId: number;
  eventId: number | null;
  type: string;
  challenge: string | null;
  state: 'pending' | 'succeeded' | 'failed';
  attempts: number;
  nextAttemptAt: string;
  log: DeliveryAttempt[];
  createdAt: string;
  finishedAt: string | null;
}
