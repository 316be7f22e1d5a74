import { Type } from '@sinclair/typebox';
import { GroupMemberType, Id, StringEnum, Timestamp, UserSummary } from './common.js';
import { Limit } from './users.js';

const Text = Type.String({ maxLength: 256 });
const Description = Type.String({ maxLength: 4096 });
const Cursor = Type.String({ maxLength: 512 });

export const Group = Type.Object({
  id: Type.String(),
  display_id: Type.String(),
  created_date: Timestamp,
  modified_date: Timestamp,
  description: Type.Optional(Type.String()),
  is_default: Type.Boolean(),
  member_type: GroupMemberType,
  name: Type.String(),
});

export const GroupResponse = Type.Object({ group: Group });

export const GroupsCreateRequest = Type.Object({
  name: Text,
  description: Description,
  member_type: Type.Optional(GroupMemberType),
  type: Type.Optional(StringEnum(['static', 'dynamic'] as const)),
});

export const GroupsListRequest = Type.Object({
  cursor: Type.Optional(Cursor),
  limit: Type.Optional(Limit),
  member_type: Type.Optional(Type.Array(GroupMemberType, { maxItems: 2 })),
  name: Type.Optional(Type.Array(Text, { maxItems: 100 })),
});

export const GroupsListResponse = Type.Object({
  groups: Type.Array(Group),
  next_cursor: Type.Optional(Type.String()),
});

export const GroupsUpdateRequest = Type.Object({
  id: Id,
  name: Type.Optional(Text),
  description: Type.Optional(Description),
});

export const GroupMembersChangeRequest = Type.Object({ group: Id, member: Id });

export const GroupMembersListRequest = Type.Object({
  group: Id,
  cursor: Type.Optional(Cursor),
  limit: Type.Optional(Limit),
});

export const GroupMembersListResponse = Type.Object({
  members: Type.Array(Type.Object({ member: UserSummary })),
  next_cursor: Type.Optional(Type.String()),
});
