/**
 * Whether an uploaded file is an image, read from its first bytes. The client's `file_type`
 * and Content-Type are not trusted: a display picture is served to everyone who sees the
 * user, so only these image formats may be one, and they are served with the sniffed type.
 */

/** The largest display picture accepted (files on messages have ARTIFACT_MAX_BYTES). */
export const MAX_DISPLAY_PICTURE_BYTES = 5 * 1024 * 1024;

export const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'] as const;
export type ImageType = (typeof IMAGE_TYPES)[number];

const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG = [0xff, 0xd8, 0xff];

export function sniffImageType(bytes: Uint8Array): ImageType | undefined {
  if (startsWith(bytes, PNG)) return 'image/png';
  if (startsWith(bytes, JPEG)) return 'image/jpeg';
  const head = Buffer.from(bytes.subarray(0, 12)).toString('latin1');
  if (head.startsWith('GIF87a') || head.startsWith('GIF89a')) return 'image/gif';
  if (head.length === 12 && head.startsWith('RIFF') && head.endsWith('WEBP')) return 'image/webp';
  return undefined;
}

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return bytes.length >= prefix.length && prefix.every((byte, index) => bytes[index] === byte);
}
