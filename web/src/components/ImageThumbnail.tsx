/**
 * A picture on a message, in a box of fixed height so that the messages below do not move
 * when it loads (only its width follows the picture); it opens full size in a new tab.
 */
import { useEffect } from 'preact/hooks';
import type { ArtifactSummary } from '../../../src/schema/common.js';
import { fileName } from '../files.js';
import { useLocatedUrl } from '../hooks/useLocatedUrl.js';

export function ImageThumbnail({ artifact, onUnreadable }: { artifact: ArtifactSummary; onUnreadable(): void }) {
  const located = useLocatedUrl(artifact.id);
  const name = fileName(artifact);
  useEffect(() => {
    if (located.state === 'unavailable') onUnreadable();
  }, [located.state]);
  if (located.state === 'unavailable') return null;
  if (located.state === 'locating') return <span class="image-thumbnail loading" role="img" aria-label={`${name} (loading)`} />;
  return (
    <a class="image-thumbnail" href={located.url} target="_blank" rel="noopener noreferrer" title={`${name} — open full size`}>
      <img src={located.url} alt={name} onError={onUnreadable} />
    </a>
  );
}
