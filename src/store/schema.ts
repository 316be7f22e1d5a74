/**
 * Kysely's view of every table. Timestamps are ISO-8601 strings with milliseconds in
 * UTC (`2024-01-01T12:00:00.000Z`): they sort lexically in both SQLite and PostgreSQL,
 * and are what the wire carries. Booleans are 0/1 integers so that one set of queries
 * runs on both dialects.
 */
import type { Generated } from 'kysely';

export interface OrgsTable {
  id: Generated<number>;
  slug: string;
  name: string;
  created_at: string;
}

export interface SequencesTable {
  org_id: number;
  kind: string;
  last: number;
}

export interface UsersTable {
  id: Generated<number>;
  org_id: number;
  type: string;
  number: number;
  email: string | null;
  display_name: string;
  full_name: string | null;
  state: string;
  is_admin: number;
  external_ref: string | null;
  rev_org_id: number | null;
  display_picture_id: number | null;
  created_at: string;
  modified_at: string;
}

export interface RevOrgsTable {
  id: Generated<number>;
  org_id: number;
  number: number;
  display_name: string;
  external_ref: string | null;
  created_at: string;
  modified_at: string;
}

export interface GroupsTable {
  id: Generated<number>;
  org_id: number;
  number: number;
  name: string;
  description: string | null;
  member_type: string;
  created_at: string;
  modified_at: string;
}

export interface GroupMembersTable {
  group_id: number;
  user_id: number;
  created_at: string;
}

export interface ChatsTable {
  id: Generated<number>;
  org_id: number;
  number: number;
  type: string;
  title: string | null;
  is_default: number;
  /** Canonical member-set key; equals `default_key` when the chat is the default DM. */
  member_key: string;
  /** Unique per org: the database, not the code, guarantees one default DM per member set. */
  default_key: string | null;
  custom_fields: string | null;
  records: string | null;
  sync_metadata: string | null;
  created_by: number;
  modified_by: number;
  created_at: string;
  modified_at: string;
  /** The latest entry's created_at, else created_at: what chats.list orders by. */
  activity_at: Generated<string>;
  /** A deleted conversation's (migration 0026); NULL for everything else. */
  deleted_at: Generated<string | null>;
}

/** What a support conversation has beyond its chat row (migration 0026). */
export interface ConversationsTable {
  chat_id: number;
  org_id: number;
  description: string | null;
  stage: string;
  is_spam: number;
  is_frozen: number;
  group_id: number | null;
  rev_org_id: number | null;
  source_channel: string | null;
  /** JSON array of {id, value?}. */
  tags: string | null;
  actual_close_date: string | null;
}

export interface ConversationOwnersTable {
  chat_id: number;
  user_id: number;
  position: number;
}

/** `activity_at` is the chat's, copied so that a member's chats list is one index range. */
export interface ChatUsersTable {
  chat_id: number;
  user_id: number;
  position: number;
  activity_at: Generated<string>;
  /** When the user became a member (migration 0019). */
  joined_at: string;
  /** 1 when the user is in the chat by staff's doing (migration 0023, domain/policy/customers.ts `vouchesForStaff`). */
  vouched: number;
}

export interface ChatGroupsTable {
  chat_id: number;
  group_id: number;
  position: number;
  activity_at: Generated<string>;
  /** When the group was put in the chat (migration 0019). */
  joined_at: string;
  /** 1 when staff put the group in the chat (migration 0023). */
  vouched: number;
}

/** A user's read marker in a chat: everything at or before (read_at, read_id) is read. */
export interface ChatReadsTable {
  user_id: number;
  chat_id: number;
  read_at: string;
  read_id: number;
  modified_at: string;
}

export interface TokensTable {
  id: Generated<number>;
  org_id: number;
  number: number;
  user_id: number;
  /** SHA-256 of the secret, hex: the secret itself is shown once and never stored. */
  hash: string;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
  /** DevRev's `requested_token_type`; NULL for tokens made before the API could make them. */
  requested_token_type: string | null;
  token_hint: string | null;
  /** Who issued the token: the user it acts as, or an admin acting for them. */
  created_by: number | null;
}

export interface TimelineEntriesTable {
  id: Generated<number>;
  org_id: number;
  chat_id: number;
  number: number;
  /** NULL once the entry is deleted: it keeps its place in the timeline, not its text. */
  body: string | null;
  body_type: string | null;
  external_ref: string | null;
  visibility: string;
  /** JSON array in the order given; `timeline_entry_labels` holds the same for filtering. */
  labels: string | null;
  expires_at: string | null;
  deleted_at: string | null;
  created_by: number;
  modified_by: number;
  created_at: string;
  modified_at: string;
  /** A reply's comment (same chat); NULL for an entry of the chat's own timeline. */
  parent_id: Generated<number | null>;
}

export interface TimelineEntryLabelsTable {
  entry_id: number;
  label: string;
}

export interface TimelineEntryPrivateToTable {
  entry_id: number;
  user_id: number;
}

/** One user's reaction with one emoji (a lowercase code point, `1f44d`) on one comment. */
export interface TimelineReactionsTable {
  entry_id: number;
  emoji: string;
  user_id: number;
  created_at: string;
}

export interface ArtifactsTable {
  id: Generated<number>;
  org_id: number;
  number: number;
  file_name: string;
  /** What the client said the file is (`file_type`); the served type is `content_type`. */
  declared_type: string | null;
  /** Sniffed from the bytes on upload; NULL until then. */
  content_type: string | null;
  size: number | null;
  content: Uint8Array | null;
  uploaded_at: string | null;
  /** The first attempt to upload through the link: one attempt per link, whatever its outcome. */
  upload_started_at: string | null;
  /** The object the artifact is attached to (a user, for a display picture), by kind and number. */
  parent_kind: string | null;
  parent_number: number | null;
  /** Where among its parent's files it is shown (a comment's, in the order its author gave). */
  parent_position: number | null;
  created_by: number;
  created_at: string;
  modified_at: string;
}

export interface FaultRulesTable {
  org_id: number;
  /** JSON: the organization's rules, in order. */
  rules: string;
  modified_at: string;
}

/** Who is online (migration 0020): the last time a process vouched for the user, and the state last announced. */
export interface UserPresenceTable {
  user_id: number;
  org_id: number;
  state: 'online' | 'offline';
  seen_at: string;
}

export interface ServerSecretsTable {
  name: string;
  value: string;
  created_at: string;
}

export interface EventsTable {
  id: Generated<number>;
  org_id: number;
  chat_id: number | null;
  type: string;
  /** JSON: the domain objects the event carries, presented to the wire when it is read. */
  payload: string;
  created_at: string;
  /** The timeline entry the event carries, if any (scrubbed when the entry goes). */
  entry_id: number | null;
}

export interface WebhooksTable {
  id: Generated<number>;
  org_id: number;
  number: number;
  url: string;
  secret: string;
  event_types: string | null;
  headers: string | null;
  status: string;
  verified: number;
  deleted: number;
  created_by: number;
  modified_by: number;
  created_at: string;
  modified_at: string;
}

export interface WebhookDeliveriesTable {
  id: Generated<number>;
  webhook_id: number;
  event_id: number | null;
  type: string;
  challenge: string | null;
  state: string;
  attempts: number;
  next_attempt_at: string;
  claimed_until: string | null;
  /** JSON array of attempts: {at, duration_ms, status_code?, error?}. */
  log: string;
  created_at: string;
  finished_at: string | null;
}

/** A view (migration 0007): every member of every chat, directly or through a group. */
export interface ChatMembersView {
  chat_id: number;
  user_id: number;
  /** When this way into the chat opened: a user in it both directly and through groups has a row for each. */
  joined_at: string;
}

export interface Database {
  orgs: OrgsTable;
  sequences: SequencesTable;
  users: UsersTable;
  rev_orgs: RevOrgsTable;
  groups: GroupsTable;
  group_members: GroupMembersTable;
  chats: ChatsTable;
  chat_users: ChatUsersTable;
  chat_groups: ChatGroupsTable;
  chat_members: ChatMembersView;
  chat_reads: ChatReadsTable;
  conversations: ConversationsTable;
  conversation_owners: ConversationOwnersTable;
  tokens: TokensTable;
  timeline_entries: TimelineEntriesTable;
  timeline_entry_labels: TimelineEntryLabelsTable;
  timeline_entry_private_to: TimelineEntryPrivateToTable;
  timeline_reactions: TimelineReactionsTable;
  server_secrets: ServerSecretsTable;
  fault_rules: FaultRulesTable;
  user_presence: UserPresenceTable;
  events: EventsTable;
  webhooks: WebhooksTable;
  webhook_deliveries: WebhookDeliveriesTable;
  artifacts: ArtifactsTable;
}
