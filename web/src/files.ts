/** How files are described and shown: sizes people read, and which images show inline. */
import type { ArtifactSummary } from '../../src/schema/common.js';

/** The image types the server serves inline (by their bytes), so the console shows them as pictures. */
const INLINE_IMAGE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

export function isPreviewableImage(type: string | undefined): boolean {
  return type !== undefined && INLINE_IMAGE_TYPES.has(type.toLowerCase());
}

const UNITS = ['KB', 'MB', 'GB'];

/** 1 KB = 1,000 bytes, as file managers and chat apps say sizes. */
export function humanSize(bytes: number | undefined): string {
  if (bytes === undefined) return '';
  if (bytes < 1000) return `${bytes} B`;
  let value = bytes;
  let unit = -1;
  do {
    value /= 1000;
    unit++;
  } while (value >= 1000 && unit < UNITS.length - 1);
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${UNITS[unit]}`;
}

/** What the file card's badge says: the name's extension, else the type's subtype. */
export function fileBadge(name: string, type: string | undefined): string {
  const extension = /\.([A-Za-z0-9]{1,5})$/.exec(name)?.[1];
  return (extension ?? type?.split('/')[1]?.slice(0, 4) ?? 'file').toUpperCase();
}

/** The name a file is shown and saved under. */
export function fileName(artifact: ArtifactSummary): string {
  return artifact.file?.name ?? artifact.display_id ?? 'file';
}
