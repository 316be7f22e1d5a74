/**
 * How a file goes out: its Content-Disposition and, for a `Range` request, which bytes.
 * Both are the uploader's doing (the name) or the client's (the range), so both are
 * checked here rather than trusted.
 */
import { safeFileName } from '../domain/file-names.js';
import type { ByteRange } from '../model/index.js';

/**
 * RFC 6266: `inline` only where the caller says the type may be shown; the name in an
 * ASCII `filename` for old clients and exactly in `filename*` (RFC 8187), both from its
 * safe form, so no name can end the header, add a parameter or point outside a folder.
 */
export function contentDisposition(fileName: string, inline: boolean): string {
  const safe = safeFileName(fileName) || 'file';
  const ascii = safe.replace(/[^\x20-\x7e]/g, '_').replace(/["\\%]/g, '_');
  return `${inline ? 'inline' : 'attachment'}; filename="${ascii}"; filename*=UTF-8''${encodeRfc8187(safe)}`;
}

/** encodeURIComponent leaves `!'()*` as they are; RFC 8187's attr-char allows only `!`. */
function encodeRfc8187(text: string): string {
  return encodeURIComponent(text).replace(/['()*]/g, (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * RFC 9110 §14: one range of `size` bytes; `undefined` to send the whole file (no Range, a
 * unit other than bytes, several ranges or a malformed one, which a server may ignore);
 * `unsatisfiable` for a range that starts past the end (416).
 */
export function requestedRange(header: string | undefined, size: number): ByteRange | 'unsatisfiable' | undefined {
  if (header === undefined) return undefined;
  const match = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (!match || (match[1] === '' && match[2] === '')) return undefined;
  const [first, last] = [match[1]!, match[2]!];
  if (first === '') {
    // A suffix: the last N bytes.
    const length = Number(last);
    if (length === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - length), end: size - 1 };
  }
  const start = Number(first);
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  if (last !== '' && Number(last) < start) return undefined;
  if (start >= size) return 'unsatisfiable';
  return { start, end };
}
