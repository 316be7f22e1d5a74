import { Type, type Static } from '@sinclair/typebox';
import { Id, Timestamp, UserSummary } from './common.js';

const Text = Type.String({ maxLength: 256 });

export const ArtifactFile = Type.Object({
  type: Type.Optional(Type.String()),
  name: Type.Optional(Type.String()),
  size: Type.Optional(Type.Integer()),
});

/** DevRev's `artifact`. */
export const Artifact = Type.Object({
  id: Type.String(),
  display_id: Type.Optional(Type.String()),
  created_by: Type.Optional(UserSummary),
  created_date: Type.Optional(Timestamp),
  modified_by: Type.Optional(UserSummary),
  modified_date: Type.Optional(Timestamp),
  file: Type.Optional(ArtifactFile),
});
export type Artifact = Static<typeof Artifact>;

export const ArtifactVersion = Type.Object({
  modified_by: Type.Optional(UserSummary),
  timestamp: Timestamp,
  version: Type.String(),
});

/** Longer names are cut to 255 characters, keeping the extension (domain/file-names.ts). */
const FileName = Type.String({
  maxLength: 1024,
  description:
    'Kept without path separators (the last segment), control characters or bidi overrides, and cut to 255 characters; ' +
    '400 invalid_field when nothing is left.',
});

export const ArtifactsPrepareRequest = Type.Object({
  file_name: FileName,
  file_type: Type.Optional(Text),
  /** DevRev's upload configuration; Confab has one for every file and ignores it. */
  configuration_set: Type.Optional(Type.String({ maxLength: 64 })),
});

const FormData = Type.Object({ key: Type.String(), value: Type.String() });

export const ArtifactsPrepareResponse = Type.Object({
  id: Type.String(),
  url: Type.String(),
  form_data: Type.Array(FormData),
});

/** Versions are not kept apart: every artifact has the one version its upload made. */
export const ArtifactsGetRequest = Type.Object({ id: Id, version: Type.Optional(Text) });

export const ArtifactsGetResponse = Type.Object({ artifact: Artifact, version: ArtifactVersion });

export const ArtifactsLocateResponse = Type.Object({ url: Type.String(), expires_at: Type.Optional(Timestamp) });

export const ArtifactsListRequest = Type.Object({ parent_id: Type.Optional(Id) });

export const ArtifactsListResponse = Type.Object({ artifacts: Type.Array(Artifact) });
