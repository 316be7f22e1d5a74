import { Type, type Static } from '@sinclair/typebox';
import { MAX_CURSOR_LENGTH, MAX_PAGE_SIZE } from './limits.js';
import { TIMELINE_BODY_TYPES, TIMELINE_VISIBILITIES, type TimelineVisibility } from '../model/index.js';
import { ArtifactSummary, Id, StringEnum, Timestamp, UserSummary } from './common.js';

export const MAX_LABELS = 16;
export const MAX_LABEL_LENGTH = 64;
export const MAX_EXTERNAL_REF_LENGTH = 512;
/** Confab's limit, not DevRev's (which publishes none): a message, not a document. */
export const MAX_BODY_LENGTH = 64 * 1024;
/** List filters take this many values each, which keeps every query's parameters few. */
export const MAX_FILTER_VALUES = 16;
/** Confab's limit: DevRev publishes none, and a chat has at most 16 users. */
export const MAX_PRIVATE_TO = 16;

const EntryType = StringEnum(['timeline_comment'] as const);
const Visibility = StringEnum(TIMELINE_VISIBILITIES);
const BodyType = StringEnum(TIMELINE_BODY_TYPES);
const Collection = StringEnum(['discussions', 'events'] as const);
const Label = Type.String({ minLength: 1, maxLength: MAX_LABEL_LENGTH });
const EXTERNAL_REF_LENGTH = { minLength: 1, maxLength: MAX_EXTERNAL_REF_LENGTH };
const ExternalRef = Type.String(EXTERNAL_REF_LENGTH);
/** Setting one is the vendor's: a customer's ref would be checked against entries hidden from them. */
const SettableExternalRef = Type.String({
  ...EXTERNAL_REF_LENGTH,
  description: 'Unique within the chat (409 conflict when taken). Rev users cannot set it: 400 value_not_permitted on external_ref.',
});
const Body = Type.String({ maxLength: MAX_BODY_LENGTH });

/** DevRev's `timeline-reaction`: `reacted` is for the caller, absent where no one user is looking (webhooks). */
export const TimelineReaction = Type.Object({
  emoji: Type.String(),
  reacted: Type.Optional(Type.Boolean()),
  total_users: Type.Integer(),
});

/** DevRev's `timeline-entry`, as its `timeline_comment` branch on a DM. */
export const TimelineEntry = Type.Object({
  type: Type.Literal('timeline_comment'),
  id: Type.String(),
  display_id: Type.String(),
  object: Type.String(),
  object_display_id: Type.String(),
  /** `dm` for an entry of a chat, `conversation` of a support conversation, `timeline_comment` for a reply in a comment's thread. */
  object_type: StringEnum(['conversation', 'dm', 'timeline_comment'] as const),
  created_by: UserSummary,
  created_date: Timestamp,
  modified_by: UserSummary,
  modified_date: Timestamp,
  body: Type.Optional(Type.String()),
  body_type: Type.Optional(BodyType),
  external_ref: Type.Optional(Type.String()),
  labels: Type.Optional(Type.Array(Type.String())),
  reactions: Type.Array(TimelineReaction),
  /** Files on the message, in the order its author gave; absent when it has none. */
  artifacts: Type.Optional(Type.Array(ArtifactSummary)),
  /** DevRev's `timeline-thread`, on a comment that has replies. */
  thread: Type.Optional(Type.Object({ total_replies: Type.Integer() })),
  visibility: Visibility,
});
export type TimelineEntry = Static<typeof TimelineEntry>;

export const TimelineEntryResponse = Type.Object({ timeline_entry: TimelineEntry });
export type TimelineEntryResponse = Static<typeof TimelineEntryResponse>;

export const TimelineEntriesCreateRequest = Type.Object({
  type: EntryType,
  object: Id,
  body: Type.Optional(Body),
  body_type: Type.Optional(BodyType),
  labels: Type.Optional(Type.Array(Label, { maxItems: MAX_LABELS })),
  external_ref: Type.Optional(SettableExternalRef),
  visibility: Type.Optional(
    Type.Unsafe<TimelineVisibility>({
      ...Visibility,
      description:
        "Who may read the entry. A reply (object is a comment) defaults to its comment's visibility and readers; " +
        'one wider than the comment is 400 value_not_permitted on visibility.',
    }),
  ),
  private_to: Type.Optional(
    Type.Array(Id, {
      maxItems: MAX_PRIVATE_TO,
      description: 'Chat members who may read a private entry. On a reply, each must be able to read the comment (400 value_not_permitted otherwise).',
    }),
  ),
  expires_at: Type.Optional(Timestamp),
  collections: Type.Optional(Type.Array(Collection)),
  artifacts: Type.Optional(
    Type.Array(Id, {
      maxItems: 50,
      description:
        'Files on the message (artifacts.prepare, then upload). Each must be uploaded, by the caller (or the caller is an admin), ' +
        'and attached to nothing else: 400 value_not_permitted, 403 forbidden, 400 artifact_already_attached_to_a_parent. ' +
        'With files, body may be empty.',
    }),
  ),
});
export type TimelineEntriesCreateRequest = Static<typeof TimelineEntriesCreateRequest>;

export const TimelineEntriesGetRequest = Type.Object({
  id: Id,
  external_ref: Type.Optional(ExternalRef),
});
export type TimelineEntriesGetRequest = Static<typeof TimelineEntriesGetRequest>;

export const TimelineEntriesUpdateRequest = Type.Object({
  type: EntryType,
  id: Id,
  body: Type.Optional(Body),
  body_type: Type.Optional(BodyType),
  external_ref: Type.Optional(Type.Union([SettableExternalRef, Type.Null()])),
  /** DevRev's `timeline-entries-update-request-timeline-comment-artifacts`. */
  artifacts: Type.Optional(
    Type.Object(
      {
        add: Type.Optional(Type.Array(Id, { maxItems: 10 })),
        remove: Type.Optional(Type.Array(Id, { maxItems: 10 })),
        set: Type.Optional(Type.Array(Id, { maxItems: 50 })),
      },
      {
        description:
          'set replaces the files (alone: with add or remove it is 400 value_not_permitted); remove takes off those named, add appends. ' +
          'A file taken off is attached to nothing and removed by the sweep after ARTIFACT_UNATTACHED_RETENTION_MS. At most 50 files a message.',
      },
    ),
  ),
});
export type TimelineEntriesUpdateRequest = Static<typeof TimelineEntriesUpdateRequest>;

export const TimelineEntriesDeleteRequest = Type.Object({ id: Id });
export type TimelineEntriesDeleteRequest = Static<typeof TimelineEntriesDeleteRequest>;

export const TimelineEntriesDeleteResponse = Type.Object({});

export const TimelineEntriesListRequest = Type.Object({
  object: Id,
  cursor: Type.Optional(Type.String({ maxLength: MAX_CURSOR_LENGTH })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE_SIZE })),
  mode: Type.Optional(StringEnum(['after', 'before'] as const)),
  labels: Type.Optional(Type.Array(Label, { maxItems: MAX_FILTER_VALUES })),
  visibility: Type.Optional(Type.Array(Visibility, { maxItems: MAX_FILTER_VALUES })),
  collections: Type.Optional(Type.Array(Collection, { maxItems: MAX_FILTER_VALUES })),
});
export type TimelineEntriesListRequest = Static<typeof TimelineEntriesListRequest>;

export const TimelineEntriesListResponse = Type.Object({
  timeline_entries: Type.Array(TimelineEntry),
  next_cursor: Type.Optional(Type.String()),
  prev_cursor: Type.Optional(Type.String()),
});
export type TimelineEntriesListResponse = Static<typeof TimelineEntriesListResponse>;
