/** The files on a message: pictures inline, every other file (or a picture that will not load) as a card. */
import { useState } from 'preact/hooks';
import type { ArtifactSummary } from '../../../src/schema/common.js';
import { isPreviewableImage } from '../files.js';
import { FileCard } from './FileCard.js';
import { ImageThumbnail } from './ImageThumbnail.js';
import './MessageFiles.css';

export function MessageFiles({ artifacts }: { artifacts: ArtifactSummary[] }) {
  return (
    <ul class="message-files" aria-label="Files">
      {artifacts.map((artifact) => (
        <li key={artifact.id}>
          <MessageFile artifact={artifact} />
        </li>
      ))}
    </ul>
  );
}

function MessageFile({ artifact }: { artifact: ArtifactSummary }) {
  // The type is the uploader's word; the server serves inline only what its bytes say is
  // an image, so a "picture" that does not load is offered as a download instead.
  const [unreadable, setUnreadable] = useState(false);
  if (isPreviewableImage(artifact.file?.type) && !unreadable) return <ImageThumbnail artifact={artifact} onUnreadable={() => setUnreadable(true)} />;
  return <FileCard artifact={artifact} />;
}
