/**
 * File names as people give them, made safe to show and to send back in a header. A name
 * is the uploader's text: it may carry path separators (`../../etc/passwd`), control
 * characters (a CRLF that would split a header), or a right-to-left override that makes
 * `photo\u202Egnp.exe` read as `photoexe.png`. What is kept is its last path segment
 * without those characters, at most `MAX_FILE_NAME_LENGTH` characters, extension kept.
 */

export const MAX_FILE_NAME_LENGTH = 255;

/**
 * C0 and C1 controls, and the Unicode format characters that reorder or hide text:
 * bidi embeddings, overrides and isolates, directional marks, zero-width characters.
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g;

/** The safe form of `name`; empty when nothing of it is left. */
export function safeFileName(name: string): string {
  const cleaned = name.replace(UNSAFE, '');
  const lastSegment = cleaned.split(/[/\\]/).filter((segment) => segment.trim() !== '').pop() ?? '';
  // A name of dots alone names a directory, not a file.
  const trimmed = lastSegment.trim();
  return /^\.+$/.test(trimmed) ? '' : truncate(trimmed);
}

/** Cut by code points (never inside a surrogate pair), keeping a short extension. */
function truncate(name: string): string {
  const characters = [...name];
  if (characters.length <= MAX_FILE_NAME_LENGTH) return name;
  const dot = name.lastIndexOf('.');
  const extension = dot > 0 && name.length - dot <= 16 ? [...name.slice(dot)] : [];
  return [...characters.slice(0, MAX_FILE_NAME_LENGTH - extension.length), ...extension].join('').trim();
}
