/** A file on a message that is not shown inline: its name, size and type; a click downloads it. */
import type { ArtifactSummary } from '../../../src/schema/common.js';
import { fileBadge, fileName, humanSize } from '../files.js';
import { useLocatedUrl } from '../hooks/useLocatedUrl.js';

export function FileCard({ artifact }: { artifact: ArtifactSummary }) {
  const located = useLocatedUrl(artifact.id);
  const name = fileName(artifact);
  const type = artifact.file?.type;
  const details = [humanSize(artifact.file?.size), located.state === 'unavailable' ? 'no longer available' : type].filter(Boolean).join(' · ');
  const content = (
    <>
      {located.state === 'located' && <span class="visually-hidden">Download </span>}
      <span class="file-card-badge" aria-hidden="true">
        {fileBadge(name, type)}
      </span>
      <span class="file-card-text">
        <span class="file-card-name">{name}</span>
        <span class="file-card-details">{details}</span>
      </span>
    </>
  );
  // Until the link is known (or when there is none) the card is not a link.
  if (located.state !== 'located') return <span class="file-card">{content}</span>;
  return (
    <a class="file-card" href={located.url} download={name}>
      {content}
    </a>
  );
}
