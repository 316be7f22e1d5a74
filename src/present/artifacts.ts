/** Artifacts (display pictures) → DevRev wire objects. */
import { formatDisplayId, formatDon } from '../domain/ids.js';
import type { Artifact, ArtifactSummary as ArtifactSummaryModel } from '../model/index.js';
import type { Artifact as ArtifactWire } from '../schema/artifacts.js';
import type { ArtifactSummary } from '../schema/common.js';
import { presentUserSummary } from './users.js';
import type { Viewpoint } from './viewpoint.js';

export function presentArtifactSummary(artifact: ArtifactSummaryModel, view: Viewpoint): ArtifactSummary {
  const file: NonNullable<ArtifactSummary['file']> = { name: artifact.fileName };
  if (artifact.fileType !== null) file.type = artifact.fileType;
  if (artifact.size !== null) file.size = artifact.size;
  return { id: formatDon('artifact', view.org.slug, artifact.number), display_id: formatDisplayId('artifact', artifact.number), file };
}

export function presentArtifact(artifact: Artifact, view: Viewpoint): ArtifactWire {
  return {
    ...presentArtifactSummary(artifact, view),
    created_by: presentUserSummary(artifact.createdBy, view),
    created_date: artifact.createdAt,
    modified_date: artifact.modifiedAt,
  };
}
