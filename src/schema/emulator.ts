/** The emulator's own operations (`/confab.*`, emulator mode only): snapshots, tenants and imports. */
import { Type, type Static } from '@sinclair/typebox';
import { TenantFixtures } from './fixtures.js';
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

/** The largest export `confab.import` takes over HTTP; `confab import` reads files of any size. */
export const IMPORT_BODY_LIMIT_BYTES = 64 * 1024 * 1024;

export const ImportRequest = Type.Object(
  {
    /** The text of an export file (`confab export`): JSONL, header first. */
    data: Type.String({ minLength: 1, maxLength: IMPORT_BODY_LIMIT_BYTES }),
    /** Records per transaction (default 1000). */
    batch_size: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })),
  },
  { additionalProperties: false },
);
export type ImportRequest = Static<typeof ImportRequest>;

export const ImportResponse = Type.Object({
  /** Records in the file. */
  records: Type.Integer(),
  /** Written by this import. */
  created: Type.Integer(),
  /** Already there with the same data (an import run again changes nothing). */
  unchanged: Type.Integer(),
});
