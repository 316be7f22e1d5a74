import { Type, type Static } from '@sinclair/typebox';
import { ArtifactSummary, Timestamp, UserState, UserSummary } from './common.js';

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
