/** rev-orgs and rev-users: customers and their organizations. */
import { Type } from '@sinclair/typebox';
import { ArtifactSummary, Id, OrgSummary, Timestamp, UserState } from './common.js';
import { DisplayPictureInput, Limit } from './users.js';

const Text = Type.String({ maxLength: 256 });
const Cursor = Type.String({ maxLength: 512 });
const Filter = Type.Array(Text, { maxItems: 100 });

export const RevOrg = Type.Object({
  id: Type.String(),
  display_id: Type.String(),
  display_name: Type.String(),
  external_ref: Type.Optional(Type.String()),
  custom_fields: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  created_date: Timestamp,
  modified_date: Timestamp,
});

export const RevOrgResponse = Type.Object({ rev_org: RevOrg });

/** DevRev requires `account`; Confab has no accounts, so it is accepted and not required. */
export const RevOrgsCreateRequest = Type.Object({
  display_name: Text,
  external_ref: Type.Optional(Text),
  account: Type.Optional(Id),
});

export const RevOrgsListRequest = Type.Object({
  cursor: Type.Optional(Cursor),
  limit: Type.Optional(Limit),
  external_ref: Type.Optional(Filter),
  display_name: Type.Optional(Filter),
});

export const RevOrgsListResponse = Type.Object({ rev_orgs: Type.Array(RevOrg), next_cursor: Type.Optional(Type.String()) });

export const RevOrgsUpdateRequest = Type.Object({ id: Id, display_name: Type.Optional(Text), external_ref: Type.Optional(Text) });

export const RevUser = Type.Object({
  type: Type.Literal('rev_user'),
  id: Type.String(),
  display_id: Type.String(),
  display_name: Type.String(),
  email: Type.Optional(Type.String()),
  state: UserState,
  external_ref: Type.Optional(Type.String()),
  rev_org: Type.Optional(OrgSummary),
  display_picture: Type.Optional(ArtifactSummary),
  phone_numbers: Type.Optional(Type.Array(Type.String())),
  custom_fields: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  created_date: Timestamp,
  modified_date: Timestamp,
});

export const RevUserResponse = Type.Object({ rev_user: RevUser });

export const RevUsersCreateRequest = Type.Object({
  display_name: Type.Optional(Text),
  email: Type.Optional(Text),
  external_ref: Type.Optional(Text),
  rev_org: Type.Optional(Id),
});

export const RevUsersListRequest = Type.Object({
  cursor: Type.Optional(Cursor),
  limit: Type.Optional(Limit),
  email: Type.Optional(Filter),
  external_ref: Type.Optional(Filter),
  rev_org: Type.Optional(Type.Array(Id, { maxItems: 100 })),
});

export const RevUsersListResponse = Type.Object({ rev_users: Type.Array(RevUser), next_cursor: Type.Optional(Type.String()) });

export const RevUsersUpdateRequest = Type.Object({
  id: Id,
  display_name: Type.Optional(Text),
  email: Type.Optional(Text),
  external_ref: Type.Optional(Text),
  display_picture: Type.Optional(DisplayPictureInput),
});
