/**
 * The export format (JSONL, version 2). The first line is a header; every other line is
 * one record, in dependency order, organization by organization: the org, its rev orgs,
 * users, groups, group members, chats, timeline entries (with their reactions, replies
 * naming their parent), read state, webhooks, tokens (only with secrets), artifacts (with
 * their bytes) and display pictures. Records name objects by natural key — the org's slug
 * and display ids (`DEVU-3`, `CHAN-12`) — never by row id, so an import re-creates the same
 * ids, and an export of the result is the same file byte for byte.
 *
 * Each record's fields are written in the order its schema lists them, optional ones left
 * out when they have no value, so equal data is always the same text.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { MAX_ARTIFACT_MAX_BYTES } from '../config.js';
import { formatDisplayId, MAX_OBJECT_NUMBER, parseRef, type ObjectKind } from '../domain/ids.js';
import { GROUP_MEMBER_TYPES, TIMELINE_BODY_TYPES, TIMELINE_VISIBILITIES, USER_STATES, USER_TYPES, WEBHOOK_STATUSES } from '../model/index.js';
import { StringEnum } from '../schema/common.js';
import { MAX_BODY_LENGTH } from '../schema/timeline-entries.js';

export const FORMAT = 'confab-export';
/**
 * 2: files on messages (issue 26). An artifact's parent may be a comment
 * (`parent_kind: "timeline_comment"`), its place among the comment's files in
 * `parent_position`. Version 1 files read as before: they have neither.
 */
export const FORMAT_VERSION = 2;
/** The longest line read: an artifact of the largest size allowed (ARTIFACT_MAX_BYTES' ceiling), base64-encoded, with room to spare. */
export const MAX_LINE_BYTES = Math.ceil(MAX_ARTIFACT_MAX_BYTES / 3) * 4 + 1024 * 1024;

export const Header = Type.Object(
  {
    format: Type.Literal(FORMAT),
    version: Type.Integer({ minimum: 1 }),
    /** How many records follow: an import that finds fewer knows the file was cut short. */
    records: Type.Integer({ minimum: 0 }),
  },
  { additionalProperties: false },
);
export type Header = Static<typeof Header>;

/** Stored timestamps: RFC 3339 in UTC with milliseconds, which sort as text in both databases. */
const Timestamp = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z$' });
const Slug = Type.String({ pattern: '^[A-Za-z0-9]{1,32}$' });
const Name = Type.String({ maxLength: 65_536 });
const ObjectNumber = Type.Integer({ minimum: 1, maximum: MAX_OBJECT_NUMBER });
const Strings = Type.Array(Name, { maxItems: 10_000 });
/** Free-form JSON, kept as given. */
const JsonObject = Type.Record(Type.String(), Type.Unknown());

const USER_KINDS = USER_TYPES satisfies readonly ObjectKind[];
const REF_FORMATS = {
  'user-ref': USER_KINDS,
  'rev-org-ref': ['rev_org'],
  'group-ref': ['group'],
  'chat-ref': ['chat'],
  'entry-ref': ['timeline_comment'],
  'webhook-ref': ['webhook'],
  'token-ref': ['token'],
  'artifact-ref': ['artifact'],
} as const satisfies Record<string, readonly ObjectKind[]>;
type RefFormat = keyof typeof REF_FORMATS;

/** A display id of one of the format's kinds, exactly as Confab writes it (`DEVU-3`). */
const Ref = (format: RefFormat) => Type.String({ format, maxLength: 32 });
const UserRef = Ref('user-ref');

const record = <T extends string, P extends Record<string, TSchema>>(type: T, properties: P) =>
  Type.Object({ type: Type.Literal(type), org: Slug, ...properties }, { additionalProperties: false });

export const OrgRecord = Type.Object(
  {
    type: Type.Literal('org'),
    slug: Slug,
    name: Name,
    created_at: Timestamp,
    /** The last number handed out per kind: new objects after an import continue past them. */
    sequences: Type.Record(Type.String({ pattern: '^[a-z_]{1,32}$' }), Type.Integer({ minimum: 0, maximum: MAX_OBJECT_NUMBER })),
  },
  { additionalProperties: false },
);

export const RevOrgRecord = record('rev_org', {
  id: Ref('rev-org-ref'),
  display_name: Name,
  external_ref: Type.Optional(Name),
  custom_fields: Type.Optional(JsonObject),
  created_at: Timestamp,
  modified_at: Timestamp,
});

export const UserRecord = record('user', {
  id: UserRef,
  email: Type.Optional(Name),
  display_name: Name,
  full_name: Type.Optional(Name),
  state: StringEnum(USER_STATES),
  is_admin: Type.Boolean(),
  external_ref: Type.Optional(Name),
  rev_org: Type.Optional(Ref('rev-org-ref')),
  phone_numbers: Type.Optional(Type.Array(Type.String({ maxLength: 32 }), { maxItems: 16 })),
  custom_fields: Type.Optional(JsonObject),
  created_at: Timestamp,
  modified_at: Timestamp,
});

export const GroupRecord = record('group', {
  id: Ref('group-ref'),
  name: Name,
  description: Type.Optional(Name),
  member_type: StringEnum(GROUP_MEMBER_TYPES),
  created_at: Timestamp,
  modified_at: Timestamp,
});

export const GroupMemberRecord = record('group_member', {
  group: Ref('group-ref'),
  user: UserRef,
  created_at: Timestamp,
});

export const ChatRecord = record('chat', {
  id: Ref('chat-ref'),
  title: Type.Optional(Name),
  is_default: Type.Boolean(),
  users: Type.Array(UserRef, { minItems: 1, maxItems: 16, uniqueItems: true }),
  groups: Type.Optional(Type.Array(Ref('group-ref'), { maxItems: 16, uniqueItems: true })),
  records: Type.Optional(Type.Array(Name, { maxItems: 16 })),
  custom_fields: Type.Optional(JsonObject),
  sync_metadata: Type.Optional(JsonObject),
  created_by: UserRef,
  modified_by: UserRef,
  created_at: Timestamp,
  modified_at: Timestamp,
  /** When its latest entry was written (else its creation): what chats.list orders by. */
  activity_at: Timestamp,
});

export const Reaction = Type.Object(
  { emoji: Type.String({ pattern: '^[0-9a-f]{1,8}(-[0-9a-f]{1,8}){0,15}$' }), user: UserRef, created_at: Timestamp },
  { additionalProperties: false },
);

export const EntryRecord = record('timeline_entry', {
  id: Ref('entry-ref'),
  chat: Ref('chat-ref'),
  /** A reply's comment, which comes earlier in the file (or is in the database already). */
  parent: Type.Optional(Ref('entry-ref')),
  body: Type.Optional(Type.String({ maxLength: MAX_BODY_LENGTH })),
  body_type: Type.Optional(StringEnum(TIMELINE_BODY_TYPES)),
  external_ref: Type.Optional(Name),
  visibility: StringEnum(TIMELINE_VISIBILITIES),
  labels: Type.Optional(Strings),
  private_to: Type.Optional(Type.Array(UserRef, { maxItems: 10_000, uniqueItems: true })),
  expires_at: Type.Optional(Timestamp),
  deleted_at: Type.Optional(Timestamp),
  created_by: UserRef,
  modified_by: UserRef,
  created_at: Timestamp,
  modified_at: Timestamp,
  reactions: Type.Optional(Type.Array(Reaction, { maxItems: 100_000 })),
});

export const ReadStateRecord = record('read_state', {
  chat: Ref('chat-ref'),
  user: UserRef,
  /** Everything written before this time is read ... */
  read_at: Timestamp,
  /** ... and, of what was written at that very millisecond, this entry and those before it. */
  read_through: Type.Optional(Ref('entry-ref')),
  modified_at: Timestamp,
});

export const WebhookRecord = record('webhook', {
  id: Ref('webhook-ref'),
  url: Type.String({ maxLength: 65_536 }),
  /** Only in an export made with secrets; without one an import gives the webhook a new secret. */
  secret: Type.Optional(Type.String({ minLength: 1, maxLength: 65_536 })),
  event_types: Type.Optional(Strings),
  headers: Type.Optional(Type.Array(Type.Object({ name: Name, value: Name }, { additionalProperties: false }), { maxItems: 1000 })),
  status: StringEnum(WEBHOOK_STATUSES),
  verified: Type.Boolean(),
  deleted: Type.Boolean(),
  created_by: UserRef,
  modified_by: UserRef,
  created_at: Timestamp,
  modified_at: Timestamp,
});

/** Only with secrets: the SHA-256 of the token, which is what authenticates it. */
export const TokenRecord = record('token', {
  id: Ref('token-ref'),
  user: UserRef,
  hash: Type.String({ pattern: '^[0-9a-f]{64}$' }),
  requested_token_type: Type.Optional(Name),
  token_hint: Type.Optional(Name),
  created_by: Type.Optional(UserRef),
  created_at: Timestamp,
  expires_at: Type.Optional(Timestamp),
  revoked_at: Type.Optional(Timestamp),
});

export const ArtifactRecord = record('artifact', {
  id: Ref('artifact-ref'),
  file_name: Name,
  declared_type: Type.Optional(Name),
  content_type: Type.Optional(Name),
  size: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_OBJECT_NUMBER })),
  uploaded_at: Type.Optional(Timestamp),
  /** The object it is attached to, by kind and number, as stored. */
  parent_kind: Type.Optional(Type.String({ pattern: '^[a-z_]{1,32}$' })),
  parent_number: Type.Optional(ObjectNumber),
  /** Version 2: its place among a comment's files. */
  parent_position: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000 })),
  created_by: UserRef,
  created_at: Timestamp,
  modified_at: Timestamp,
  /** The bytes, base64. */
  content: Type.Optional(Type.String({ maxLength: MAX_LINE_BYTES, pattern: '^[A-Za-z0-9+/]*={0,2}$' })),
});

export const DisplayPictureRecord = record('display_picture', {
  user: UserRef,
  artifact: Ref('artifact-ref'),
});

export const RECORD_SCHEMAS = {
  org: OrgRecord,
  rev_org: RevOrgRecord,
  user: UserRecord,
  group: GroupRecord,
  group_member: GroupMemberRecord,
  chat: ChatRecord,
  timeline_entry: EntryRecord,
  read_state: ReadStateRecord,
  webhook: WebhookRecord,
  token: TokenRecord,
  artifact: ArtifactRecord,
  display_picture: DisplayPictureRecord,
} as const;

export type RecordType = keyof typeof RECORD_SCHEMAS;
export type RecordOf<T extends RecordType> = Static<(typeof RECORD_SCHEMAS)[T]>;
export type ExportRecord = { [T in RecordType]: RecordOf<T> }[RecordType];

/** The slug of the organization a record belongs to (an org record's own). */
export function organizationOf(record: ExportRecord): string {
  return record.type === 'org' ? record.slug : record.org;
}
export type OrgRecord = RecordOf<'org'>;
export type RevOrgRecord = RecordOf<'rev_org'>;
export type UserRecord = RecordOf<'user'>;
export type GroupRecord = RecordOf<'group'>;
export type GroupMemberRecord = RecordOf<'group_member'>;
export type ChatRecord = RecordOf<'chat'>;
export type EntryRecord = RecordOf<'timeline_entry'>;
export type ReadStateRecord = RecordOf<'read_state'>;
export type WebhookRecord = RecordOf<'webhook'>;
export type TokenRecord = RecordOf<'token'>;
export type ArtifactRecord = RecordOf<'artifact'>;
export type DisplayPictureRecord = RecordOf<'display_picture'>;

/** A record's text: its fields in its schema's order, absent optional fields left out. */
export function serializeRecord(record: ExportRecord): string {
  return JSON.stringify(ordered(RECORD_SCHEMAS[record.type], record));
}

export function serializeHeader(records: number): string {
  return JSON.stringify({ format: FORMAT, version: FORMAT_VERSION, records } satisfies Header);
}

function ordered(schema: TSchema, value: unknown): unknown {
  const properties = (schema as { properties?: Record<string, TSchema> }).properties;
  if (properties && typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const result: Record<string, unknown> = {};
    for (const [name, property] of Object.entries(properties)) {
      const field = (value as Record<string, unknown>)[name];
      if (field !== undefined) result[name] = ordered(property, field);
    }
    return result;
  }
  const items = (schema as { items?: TSchema }).items;
  if (items && Array.isArray(value)) return value.map((item) => ordered(items, item));
  return value;
}

// Validation -----------------------------------------------------------------------------

interface Validators {
  header: ValidateFunction<Header>;
  records: Record<RecordType, ValidateFunction>;
}

let compiled: Validators | undefined;

/** Compiled at the first import, not at startup: most servers never read an export. */
function validators(): Validators {
  if (compiled) return compiled;
  const ajv = new Ajv({ allErrors: false, strict: false });
  for (const [format, kinds] of Object.entries(REF_FORMATS)) {
    ajv.addFormat(format, { type: 'string', validate: (value: string) => isRefOf(value, kinds) });
  }
  const records = Object.fromEntries(Object.entries(RECORD_SCHEMAS).map(([type, schema]) => [type, ajv.compile(schema)]));
  compiled = { header: ajv.compile<Header>(Header), records: records as Validators['records'] };
  return compiled;
}

function isRefOf(value: string, kinds: readonly ObjectKind[]): boolean {
  const ref = parseRef(value);
  return ref !== undefined && kinds.includes(ref.kind) && ref.number >= 1 && ref.number <= MAX_OBJECT_NUMBER && formatDisplayId(ref.kind, ref.number) === value;
}

/** A record that breaks the format: `problem` says how, for the line's error. */
export class FormatProblem extends Error {}

export function checkHeader(value: unknown): Header {
  if (typeof value !== 'object' || value === null || (value as { format?: unknown }).format !== FORMAT) {
    throw new FormatProblem(`this is not a Confab export: its first line must be the header {"format":"${FORMAT}","version":${FORMAT_VERSION},"records":…}`);
  }
  const validateHeader = validators().header;
  if (!validateHeader(value)) throw new FormatProblem(`the header ${describe(validateHeader.errors?.[0])}`);
  if (value.version > FORMAT_VERSION) {
    throw new FormatProblem(`the file is format version ${value.version}, written by a newer Confab; this one reads version ${FORMAT_VERSION}: upgrade Confab`);
  }
  return value;
}

export function checkRecord(value: unknown): ExportRecord {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new FormatProblem('a record must be a JSON object');
  const type = (value as { type?: unknown }).type;
  if (typeof type !== 'string' || !Object.hasOwn(RECORD_SCHEMAS, type)) {
    throw new FormatProblem(`'type' must be one of ${Object.keys(RECORD_SCHEMAS).join(', ')}`);
  }
  const validate = validators().records[type as RecordType];
  if (!validate(value)) throw new FormatProblem(`the ${type} record ${describe(validate.errors?.[0])}`);
  return value as ExportRecord;
}

function describe(error: ErrorObject | undefined): string {
  if (!error) return 'is invalid';
  const at = error.instancePath
    .split('/')
    .slice(1)
    .reduce((path, segment) => (/^\d+$/.test(segment) ? `${path}[${segment}]` : path ? `${path}.${segment}` : segment), '');
  const where = at ? `field '${at}'` : '';
  switch (error.keyword) {
    case 'additionalProperties':
      return `has an unknown field '${(error.params as { additionalProperty: string }).additionalProperty}'${where && ` in ${where}`}`;
    case 'required':
      return `needs the field '${[at, (error.params as { missingProperty: string }).missingProperty].filter(Boolean).join('.')}'`;
    case 'format':
      return `${where}: not a ${(error.params as { format: string }).format.replace('-ref', '').replace('-', ' ')} id as Confab writes it (e.g. ${EXAMPLES[(error.params as { format: RefFormat }).format]})`;
    case 'pattern':
      return `${where}: ${at.endsWith('_at') ? 'not a timestamp like 2024-01-31T12:00:00.000Z' : `does not match ${(error.params as { pattern: string }).pattern}`}`;
    default:
      return `${where}${where && ' '}${error.message ?? 'is invalid'}`;
  }
}

const EXAMPLES: Record<RefFormat, string> = {
  'user-ref': 'DEVU-1',
  'rev-org-ref': 'REV-1',
  'group-ref': 'GRP-1',
  'chat-ref': 'CHAN-1',
  'entry-ref': 'COMMENT-1',
  'webhook-ref': 'WEBHOOK-1',
  'token-ref': 'TKN-1',
  'artifact-ref': 'ARTIFACT-1',
};
