/** The emulator's own operations (`/confab.*`, emulator mode only): snapshots and tenants. */
import { Type, type Static } from '@sinclair/typebox';
import { TenantFixtures } from '../emulator/fixtures.js';
import { UserSummary } from './common.js';

const SnapshotName = Type.String({ pattern: '^[a-z0-9_-]{1,64}$' });

export const SnapshotNameRequest = Type.Object({ name: SnapshotName }, { additionalProperties: false });
export type SnapshotNameRequest = Static<typeof SnapshotNameRequest>;

export const Snapshot = Type.Object({
  name: Type.String(),
  created_date: Type.String(),
  size_bytes: Type.Integer(),
});

export const SnapshotResponse = Type.Object({ snapshot: Snapshot });
export const ResetRequest = Type.Object({}, { additionalProperties: false });
export const ResetResponse = Type.Object({ status: Type.Literal('reset') });
export const SnapshotsListRequest = Type.Object({}, { additionalProperties: false });
export const SnapshotsListResponse = Type.Object({ snapshots: Type.Array(Snapshot) });

export const OrgsCreateRequest = Type.Object({ fixtures: Type.Optional(TenantFixtures) }, { additionalProperties: false });
export type OrgsCreateRequest = Static<typeof OrgsCreateRequest>;

export const OrgsCreateResponse = Type.Object({
  org: Type.Object({ id: Type.String(), slug: Type.String(), name: Type.String(), created_date: Type.String() }),
  /** The new organization's admin and its token (shown once, like any new token). */
  admin: Type.Object({ user: UserSummary, token: Type.String() }),
});
