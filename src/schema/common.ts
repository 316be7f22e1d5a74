/**
 * TypeBox definitions of DevRev's wire objects. Each is defined once and serves request
 * validation, response serialization (Fastify compiles them), TypeScript types and the
 * OpenAPI document.
 */
import { Type, type Static, type TUnsafe } from '@sinclair/typebox';
import { USER_STATES, USER_TYPES, GROUP_MEMBER_TYPES } from '../model/index.js';

/** An id in either form (DON or display id); the domain parses it and says what is wrong. */
export const Id = Type.String({ description: 'An object id: a DON or a display id (e.g. DEVU-12).' });

export const Timestamp = Type.String({ format: 'date-time' });

/** A plain `enum` (not a union of literals), so a bad value is one `invalid_enum_value` error. */
export function StringEnum<T extends string>(values: readonly T[]): TUnsafe<T> {
  return Type.Unsafe<T>({ type: 'string', enum: [...values] });
}

export const UserType = StringEnum(USER_TYPES);
export const UserState = StringEnum(USER_STATES);
export const GroupMemberType = StringEnum(GROUP_MEMBER_TYPES);

export const ArtifactSummary = Type.Object({
  id: Type.String(),
  display_id: Type.Optional(Type.String()),
  file: Type.Optional(
    Type.Object({
      type: Type.Optional(Type.String()),
      name: Type.Optional(Type.String()),
      size: Type.Optional(Type.Integer()),
    }),
  ),
});
export type ArtifactSummary = Static<typeof ArtifactSummary>;

export const OrgSummary = Type.Object({
  type: Type.Literal('rev_org'),
  id: Type.String(),
  display_id: Type.Optional(Type.String()),
  display_name: Type.Optional(Type.String()),
});

/**
 * DevRev's `user-summary` is a union on `type`; one object with the union's fields keeps
 * serialization fast, and only rev users carry `external_ref` and `rev_org`.
 */
export const UserSummary = Type.Object(
  {
    type: UserType,
    id: Type.String(),
    display_id: Type.Optional(Type.String()),
    display_name: Type.Optional(Type.String()),
    full_name: Type.Optional(Type.String()),
    email: Type.Optional(Type.String()),
    state: Type.Optional(UserState),
    display_picture: Type.Optional(ArtifactSummary),
    external_ref: Type.Optional(Type.String()),
    rev_org: Type.Optional(OrgSummary),
  },
  { $id: 'user-summary' },
);
export type UserSummary = Static<typeof UserSummary>;

export const SyncMetadataSummary = Type.Object({
  external_reference: Type.Optional(Type.String()),
  origin_system: Type.Optional(Type.String()),
});

export const GroupSummary = Type.Object({
  id: Type.String(),
  display_id: Type.Optional(Type.String()),
  member_type: Type.Optional(GroupMemberType),
  name: Type.Optional(Type.String()),
  sync_metadata: Type.Optional(SyncMetadataSummary),
});
export type GroupSummary = Static<typeof GroupSummary>;

const SyncRun = Type.Object({
  mode: Type.Optional(Type.String()),
  progress: Type.Optional(Type.Object({ state: Type.Optional(Type.String()) })),
});

const SyncUnit = Type.Object({
  id: Type.String(),
  display_id: Type.Optional(Type.String()),
  external_system_type: Type.Optional(Type.String()),
  is_archived: Type.Optional(Type.Boolean()),
  name: Type.Optional(Type.String()),
  sync_run: Type.Optional(SyncRun),
  sync_type: Type.Optional(Type.String()),
});

const SyncHistory = Type.Object({
  status: Type.Optional(Type.String()),
  sync_date: Type.Optional(Timestamp),
  sync_unit: Type.Optional(SyncUnit),
});

export const SyncMetadata = Type.Object({
  external_reference: Type.Optional(Type.String()),
  last_sync_in: Type.Optional(SyncHistory),
  last_sync_out: Type.Optional(SyncHistory),
  origin_system: Type.Optional(Type.String()),
});
