/**
 * The outbox's stored format, versioned and spelled out field by field. Events are kept
 * for days (and read by every process of a deployment, old and new, during an upgrade),
 * so what an event row holds must not change because a domain type gained a field:
 * reactions or threads added to `TimelineEntry` stay out of stored events until a new
 * version says they are in. Every version ever written is read back.
 *
 * - v1 (no `v`): the domain objects as they were serialized, with `audience` (a private
 *   entry's author and readers) and `internalOnly`.
 * - v2: the fields below, with `privateTo` (a private entry's readers besides its author).
 * - v3: entries also carry their reactions and their place in a thread; `chat_read`
 *   events carry the reader's marker (`read`) and are for that reader alone (`forUser`).
 * - v4: a reply's events also carry its comment's audience (`parent`), which the
 *   visibility rule asks alongside the reply's own; chats carry which of their users staff
 *   brought in (`vouchedUserIds`), which decides whose email their customers see.
 * - v5: entries also carry their files (`artifacts`: number, name, type, size); scrubbing
 *   an entry (an edit, a delete) removes them with its words.
 * - v6: entries carry their chat's type (`chatType`: a DM or a conversation); support
 *   conversation events carry the conversation (`conversation`, `oldConversation`).
 */
import type { Chat, ChatType, Conversation, EntryAudienceOf, EventPayload, Group, TagRef, TimelineEntry, User } from '../model/index.js';

export const EVENT_PAYLOAD_VERSION = 6;

interface StoredUser {
  id: number;
  orgId: number;
  type: User['type'];
  number: number;
  email: string | null;
  displayName: string;
  fullName: string | null;
  state: User['state'];
  isAdmin: boolean;
  externalRef: string | null;
  revOrg: { number: number; displayName: string } | null;
  displayPicture: { number: number; fileName: string; fileType: string | null; size: number | null } | null;
  createdAt: string;
  modifiedAt: string;
}

interface StoredGroup {
  id: number;
  orgId: number;
  number: number;
  name: string;
  memberType: Group['memberType'];
  description: string | null;
  createdAt: string;
  modifiedAt: string;
}

interface StoredChat {
  id: number;
  orgId: number;
  number: number;
  /** Always `dm` before v6. */
  type: ChatType;
  title: string | null;
  isDefault: boolean;
  memberKey: string;
  customFields: Record<string, unknown> | null;
  records: string[];
  syncMetadata: Chat['syncMetadata'];
  users: StoredUser[];
  /** Absent in events from before migration 0023: then no member counts as vouched for. */
  vouchedUserIds?: number[];
  groups: StoredGroup[];
  createdBy: StoredUser;
  modifiedBy: StoredUser;
  createdAt: string;
  modifiedAt: string;
}

interface StoredEntry {
  id: number;
  orgId: number;
  chatId: number;
  chatNumber: number;
  /** v6 and later; before, every entry was on a DM. */
  chatType?: ChatType;
  number: number;
  body: string | null;
  bodyType: TimelineEntry['bodyType'];
  externalRef: string | null;
  visibility: TimelineEntry['visibility'];
  labels: string[];
  expiresAt: string | null;
  deletedAt: string | null;
  createdBy: StoredUser;
  modifiedBy: StoredUser;
  createdAt: string;
  modifiedAt: string;
  /** v3 and later. */
  reactions?: { emoji: string; userIds: number[] }[];
  parentId?: number | null;
  parentNumber?: number | null;
  totalReplies?: number;
  /** v5 and later. */
  artifacts?: StoredArtifactSummary[];
}

interface StoredArtifactSummary {
  number: number;
  fileName: string;
  fileType: string | null;
  size: number | null;
}

interface StoredConversation extends StoredChat {
  type: 'conversation';
  description: string | null;
  stage: Conversation['stage'];
  isSpam: boolean;
  isFrozen: boolean;
  ownedBy: StoredUser[];
  group: StoredGroup | null;
  revOrg: { number: number; displayName: string } | null;
  sourceChannel: string | null;
  tags: TagRef[];
  actualCloseDate: string | null;
}

export interface StoredPayloadV6 extends Omit<StoredPayloadV5, 'v'> {
  v: 6;
  conversation?: StoredConversation;
  oldConversation?: StoredConversation;
}

export interface StoredPayloadV5 extends Omit<StoredPayloadV4, 'v'> {
  v: 5;
}

export interface StoredPayloadV4 extends Omit<StoredPayloadV3, 'v'> {
  v: 4;
  parent?: EntryAudienceOf;
}

export interface StoredPayloadV3 {
  v: 3;
  chat?: StoredChat;
  entry?: StoredEntry;
  oldEntry?: StoredEntry;
  group?: StoredGroup;
  member?: StoredUser;
  privateTo?: number[];
  read?: { entryNumber?: number; unreadCount: number };
  forUser?: number;
}

export interface StoredPayloadV2 {
  v: 2;
  chat?: StoredChat;
  entry?: StoredEntry;
  oldEntry?: StoredEntry;
  group?: StoredGroup;
  member?: StoredUser;
  privateTo?: number[];
}

/** What v1 rows hold: the domain objects of the day, whole. */
interface StoredPayloadV1 {
  v?: undefined;
  chat?: StoredChat;
  entry?: StoredEntry;
  oldEntry?: StoredEntry;
  group?: StoredGroup;
  member?: StoredUser;
  audience?: number[];
  internalOnly?: boolean;
}

type StoredPayload = StoredPayloadV1 | StoredPayloadV2 | StoredPayloadV3 | StoredPayloadV4 | StoredPayloadV5 | StoredPayloadV6;

/** The text an event row stores for `payload`, in the current version. */
export function serializePayload(payload: EventPayload): string {
  const stored: StoredPayloadV6 = { v: 6 };
  if (payload.chat) stored.chat = storedChat(payload.chat);
  if (payload.conversation) stored.conversation = storedConversation(payload.conversation);
  if (payload.oldConversation) stored.oldConversation = storedConversation(payload.oldConversation);
  if (payload.entry) stored.entry = storedEntry(payload.entry);
  if (payload.oldEntry) stored.oldEntry = storedEntry(payload.oldEntry);
  if (payload.group) stored.group = storedGroup(payload.group);
  if (payload.member) stored.member = storedUser(payload.member);
  if (payload.privateTo) stored.privateTo = [...payload.privateTo];
  if (payload.read) stored.read = { ...payload.read };
  if (payload.forUser !== undefined) stored.forUser = payload.forUser;
  if (payload.parent) stored.parent = { ...payload.parent, privateTo: [...payload.parent.privateTo] };
  return JSON.stringify(stored);
}

/** An event row's payload, of whatever version, as the domain reads it. */
export function parsePayload(text: string): EventPayload {
  const stored = JSON.parse(text) as StoredPayload;
  const payload: EventPayload = {};
  if (stored.chat) payload.chat = chatOf(stored.chat);
  if (stored.v === 6 && stored.conversation) payload.conversation = conversationOf(stored.conversation);
  if (stored.v === 6 && stored.oldConversation) payload.oldConversation = conversationOf(stored.oldConversation);
  if (stored.entry) payload.entry = entryOf(stored.entry);
  if (stored.oldEntry) payload.oldEntry = entryOf(stored.oldEntry);
  if (stored.group) payload.group = { ...stored.group };
  if (stored.member) payload.member = userOf(stored.member);
  if (stored.v === 3 || stored.v === 4 || stored.v === 5 || stored.v === 6) {
    if (stored.read) payload.read = stored.read;
    if (stored.forUser !== undefined) payload.forUser = stored.forUser;
  }
  if ((stored.v === 4 || stored.v === 5 || stored.v === 6) && stored.parent) payload.parent = stored.parent;
  if (stored.v === 2 || stored.v === 3 || stored.v === 4 || stored.v === 5 || stored.v === 6) {
    if (stored.privateTo) payload.privateTo = stored.privateTo;
  } else if (stored.audience) {
    // v1 named the author among the audience; v2 keeps only the others.
    const author = (stored.entry ?? stored.oldEntry)?.createdBy.id;
    payload.privateTo = stored.audience.filter((id) => id !== author);
  }
  return payload;
}

/** A stored payload (of any version) with its entries' words removed: that something happened stays. */
export function withoutBodies(text: string): string {
  const stored = JSON.parse(text) as StoredPayload;
  // A scrubbed entry shows no files either: a deleted message's are gone, an edited one's may be.
  const scrub = (entry: StoredEntry | undefined) => entry && { ...entry, body: null, bodyType: null, ...(entry.artifacts && { artifacts: [] }) };
  return JSON.stringify({
    ...stored,
    ...(stored.entry && { entry: scrub(stored.entry) }),
    ...(stored.oldEntry && { oldEntry: scrub(stored.oldEntry) }),
  });
}

function storedUser(user: User): StoredUser {
  return {
    id: user.id,
    orgId: user.orgId,
    type: user.type,
    number: user.number,
    email: user.email,
    displayName: user.displayName,
    fullName: user.fullName,
    state: user.state,
    isAdmin: user.isAdmin,
    externalRef: user.externalRef,
    revOrg: user.revOrg && { number: user.revOrg.number, displayName: user.revOrg.displayName },
    displayPicture: user.displayPicture && {
      number: user.displayPicture.number,
      fileName: user.displayPicture.fileName,
      fileType: user.displayPicture.fileType,
      size: user.displayPicture.size,
    },
    createdAt: user.createdAt,
    modifiedAt: user.modifiedAt,
  };
}

function storedGroup(group: Group): StoredGroup {
  return {
    id: group.id,
    orgId: group.orgId,
    number: group.number,
    name: group.name,
    memberType: group.memberType,
    description: group.description,
    createdAt: group.createdAt,
    modifiedAt: group.modifiedAt,
  };
}

function storedChat(chat: Chat): StoredChat {
  return {
    id: chat.id,
    orgId: chat.orgId,
    number: chat.number,
    type: chat.type,
    title: chat.title,
    isDefault: chat.isDefault,
    memberKey: chat.memberKey,
    customFields: chat.customFields,
    records: chat.records,
    syncMetadata: chat.syncMetadata,
    users: chat.users.map(storedUser),
    vouchedUserIds: chat.vouchedUserIds,
    groups: chat.groups.map(storedGroup),
    createdBy: storedUser(chat.createdBy),
    modifiedBy: storedUser(chat.modifiedBy),
    createdAt: chat.createdAt,
    modifiedAt: chat.modifiedAt,
  };
}

function storedConversation(conversation: Conversation): StoredConversation {
  return {
    ...storedChat(conversation),
    type: 'conversation',
    description: conversation.description,
    stage: conversation.stage,
    isSpam: conversation.isSpam,
    isFrozen: conversation.isFrozen,
    ownedBy: conversation.ownedBy.map(storedUser),
    group: conversation.group && storedGroup(conversation.group),
    revOrg: conversation.revOrg && { number: conversation.revOrg.number, displayName: conversation.revOrg.displayName },
    sourceChannel: conversation.sourceChannel,
    tags: conversation.tags.map((tag) => ({ ...tag })),
    actualCloseDate: conversation.actualCloseDate,
  };
}

function storedEntry(entry: TimelineEntry): StoredEntry {
  return {
    id: entry.id,
    orgId: entry.orgId,
    chatId: entry.chatId,
    chatNumber: entry.chatNumber,
    chatType: entry.chatType,
    number: entry.number,
    body: entry.body,
    bodyType: entry.bodyType,
    externalRef: entry.externalRef,
    visibility: entry.visibility,
    labels: entry.labels,
    expiresAt: entry.expiresAt,
    deletedAt: entry.deletedAt,
    createdBy: storedUser(entry.createdBy),
    modifiedBy: storedUser(entry.modifiedBy),
    createdAt: entry.createdAt,
    modifiedAt: entry.modifiedAt,
    reactions: entry.reactions.map((reaction) => ({ emoji: reaction.emoji, userIds: [...reaction.userIds] })),
    parentId: entry.parentId,
    parentNumber: entry.parentNumber,
    totalReplies: entry.totalReplies,
    artifacts: entry.artifacts.map((file) => ({ number: file.number, fileName: file.fileName, fileType: file.fileType, size: file.size })),
  };
}

// Stored → domain. A field the domain gains later gets its value for old events here.

function userOf(user: StoredUser): User {
  return { ...user };
}

function chatOf(chat: StoredChat): Chat {
  return {
    ...chat,
    users: chat.users.map(userOf),
    vouchedUserIds: chat.vouchedUserIds ?? [],
    groups: chat.groups.map((group) => ({ ...group })),
    createdBy: userOf(chat.createdBy),
    modifiedBy: userOf(chat.modifiedBy),
  };
}

function conversationOf(conversation: StoredConversation): Conversation {
  return {
    ...conversation,
    ...chatOf(conversation),
    type: 'conversation',
    ownedBy: conversation.ownedBy.map(userOf),
    group: conversation.group && { ...conversation.group },
  };
}

function entryOf(entry: StoredEntry): TimelineEntry {
  return {
    ...entry,
    chatType: entry.chatType ?? 'dm',
    createdBy: userOf(entry.createdBy),
    modifiedBy: userOf(entry.modifiedBy),
    // Before v3 events kept no reactions and no threads.
    reactions: entry.reactions ?? [],
    parentId: entry.parentId ?? null,
    parentNumber: entry.parentNumber ?? null,
    totalReplies: entry.totalReplies ?? 0,
    // Before v5 events kept no files.
    artifacts: entry.artifacts ?? [],
  };
}
