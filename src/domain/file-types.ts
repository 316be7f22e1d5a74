/**
 * What type an uploaded file is served as. Images are recognised by their bytes
 * (domain/images.ts) and only they may be shown inline; any other file takes the type
 * its uploader declared (`file_type`) or, without one, a type read from its first bytes,
 * and is always served as an attachment, so a declared type never makes a browser render it.
 */
import { IMAGE_TYPES, sniffImageType, type ImageType } from './images.js';

export const FALLBACK_TYPE = 'application/octet-stream';

/** RFC 6838 type/subtype, parameters dropped: what a Content-Type header may safely carry. */
const MEDIA_TYPE = /^([a-z0-9][a-z0-9!#$&^_.+-]{0,126})\/([a-z0-9][a-z0-9!#$&^_.+-]{0,126})$/;

/** A few common formats with an unmistakable start, for uploads that declare nothing. */
const SIGNATURES: readonly [string, string][] = [
  ['%PDF-', 'application/pdf'],
  ['PK\u0003\u0004', 'application/zip'],
  ['\u001f\u008b', 'application/gzip'],
];

export function fileTypeOf(content: Uint8Array, declared: string | null): string {
  const image = sniffImageType(content);
  if (image) return image;
  const mediaType = declared?.split(';')[0]!.trim().toLowerCase();
  // An image type the bytes do not bear out would be served inline: it falls to the bytes.
  if (mediaType && MEDIA_TYPE.test(mediaType) && !isInlineImage(mediaType)) return mediaType;
  const head = Buffer.from(content.subarray(0, 8)).toString('latin1');
  return SIGNATURES.find(([signature]) => head.startsWith(signature))?.[1] ?? FALLBACK_TYPE;
}

/** Only these are shown in the browser (as `inline`); everything else downloads. */
export function isInlineImage(contentType: string): contentType is ImageType {
  return (IMAGE_TYPES as readonly string[]).includes(contentType);
}
