import { Type, type Static } from '@sinclair/typebox';
import { CREATABLE_STATES } from './limits.js';
import { ArtifactSummary, Id, StringEnum, Timestamp, UserState, UserSummary } from './common.js';

/** DevRev's `dev-user`, with the fields Confab keeps. */
export const DevUser = Type.Object({
  type: Type.Literal('dev_user'),
  id: Type.String(),
  display_id: Type.String(),
  display_name: Type.Optional(Type.String()),
  full_name: Type.Optional(Type.String()),
  email: Type.Optional(Type.String()),
  state: Type.Optional(UserState),
  display_picture: Type.Optional(ArtifactSummary),
  created_by: Type.Optional(UserSummary),
  created_date: Type.Optional(Timestamp),
  modified_by: Type.Optional(UserSummary),
  modified_date: Type.Optional(Timestamp),
});
export type DevUser = Static<typeof DevUser>;

export const DevUsersSelfResponse = Type.Object({ dev_user: DevUser });
export type DevUsersSelfResponse = Static<typeof DevUsersSelfResponse>;

export const Empty = Type.Object({});

const Cursor = Type.String({ maxLength: 512 });
/** Confab caps pages at 100; DevRev's contract says only int32. */
export const Limit = Type.Integer({ minimum: 1, maximum: 100 });
const Text = Type.String({ maxLength: 256 });

export const DevUsersCreateRequest = Type.Object({
  email: Text,
  /** DevRev's enum is `shadow` alone; `active` is Confab's, for accounts that sign in at once. */
  state: StringEnum(CREATABLE_STATES),
  full_name: Type.Optional(Text),
  /** Confab addition: DevRev derives it from the email, as Confab does when it is absent. */
  display_name: Type.Optional(Text),
  custom_fields: Type.Optional(Type.Object({})),
  custom_schema_spec: Type.Optional(Type.Object({})),
});

export const DevUserResponse = Type.Object({ dev_user: DevUser });

export const IdRequest = Type.Object({ id: Id });

export const DevUsersListRequest = Type.Object({
  cursor: Type.Optional(Cursor),
  limit: Type.Optional(Limit),
  email: Type.Optional(Type.Array(Text, { maxItems: 100 })),
  state: Type.Optional(Type.Array(UserState, { maxItems: 16 })),
});

export const DevUsersListResponse = Type.Object({
  dev_users: Type.Array(DevUser),
  next_cursor: Type.Optional(Type.String()),
});

/** An artifact id; null removes the picture. DevRev has it on rev users; Confab on dev users too. */
export const DisplayPictureInput = Type.Union([Type.String({ maxLength: 256 }), Type.Null()]);

export const DevUsersSelfUpdateRequest = Type.Object({
  display_name: Type.Optional(Text),
  full_name: Type.Optional(Text),
  display_picture: Type.Optional(DisplayPictureInput),
});

export const DevUsersUpdateRequest = Type.Object({
  id: Id,
  display_name: Type.Optional(Text),
  full_name: Type.Optional(Text),
  display_picture: Type.Optional(DisplayPictureInput),
});

export const DevUsersActivateRequest = Type.Object({
  id: Id,
  /** Adding to groups on activation is not supported yet: any group is refused, not ignored. */
  groups: Type.Optional(Type.Array(Id, { maxItems: 0 })),
});

export const DevUsersActivateResponse = Type.Object({ invite_sent: Type.Boolean() });
