/** The emulator's own operations (`/confab.*`, emulator mode only): snapshots and tenants. */
import { Type, type Static } from '@sinclair/typebox';

const SnapshotName = Type.String({ pattern: '^[a-z0-9_-]{1,64}$' });

export const SnapshotNameRequest = Type.Object({ name: SnapshotName }, { additionalProperties: false });
export type SnapshotNameRequest = Static<typeof SnapshotNameRequest>;

export const Snapshot = Type.Object({
  name: Type.String(),
  created_date: Type.String(),
  size_bytes: Type.Integer(),
});

export const SnapshotResponse = Type.Object({ snapshot: Snapshot });
export const SnapshotsListRequest = Type.Object({}, { additionalProperties: false });
export const SnapshotsListResponse = Type.Object({ snapshots: Type.Array(Snapshot) });
