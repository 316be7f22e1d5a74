/** The files waiting to go with the next message: each a chip with its upload's progress and a way to take it off. */
import { fileBadge, humanSize } from '../files.js';
import type { PendingFile } from '../hooks/useAttachments.js';
import './PendingFiles.css';

export function PendingFiles({ files, onRemove }: { files: PendingFile[]; onRemove(key: number): void }) {
  return (
    <ul class="pending-files" aria-label="Files to send">
      {files.map(({ key, file, name, progress, artifactId, previewUrl }) => (
        <li key={key} class={artifactId ? 'pending-file uploaded' : 'pending-file'}>
          {previewUrl ? <img class="pending-file-preview" src={previewUrl} alt="" /> : <span class="pending-file-icon" aria-hidden="true">
              {fileBadge(name, file.type)}
            </span>}
          <span class="pending-file-text">
            <span class="pending-file-name">{name}</span>
            {artifactId ? (
              <span class="pending-file-size">{humanSize(file.size)}</span>
            ) : (
              <progress max={1} value={progress} aria-label={`Uploading ${name}`} />
            )}
          </span>
          <button type="button" class="pending-file-remove" aria-label={`Remove ${name}`} title="Remove" onClick={() => onRemove(key)}>
            ×
          </button>
        </li>
      ))}
    </ul>
  );
}
