/**
 * Opaque list cursors. A cursor names the list it came from (organization and list) and
 * the last key on the page; the next page is `key > last`, so a page costs the same
 * wherever it is. Keys are per-organization numbers, never row ids, so a cursor reveals
 * nothing about other tenants. A cursor that does not decode, or that another list or
 * organization issued, is the caller's mistake: 400 on `cursor`.
 */
import { BadRequest } from './errors.js';
import { MAX_OBJECT_NUMBER } from './ids.js';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 100;

interface CursorBody {
  s: string;
  a: number;
}

export function encodeCursor(scope: string, after: number): string {
  return Buffer.from(JSON.stringify({ s: scope, a: after } satisfies CursorBody)).toString('base64url');
}

/** The key to continue after; 0 (the start) when there is no cursor. */
export function decodeCursor(scope: string, cursor: string | undefined): number {
  if (cursor === undefined || cursor === '') return 0;
  const body = parseCursor(cursor);
  if (!body || body.s !== scope) throw BadRequest.invalidField('cursor', 'is not a cursor this list issued');
  return body.a;
}

function parseCursor(cursor: string): CursorBody | undefined {
  if (cursor.length > 512 || !/^[A-Za-z0-9_-]+$/.test(cursor)) return undefined;
  try {
    const body = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Partial<CursorBody> | null;
    if (typeof body?.s !== 'string' || !Number.isInteger(body.a)) return undefined;
    if (body.a! < 0 || body.a! > MAX_OBJECT_NUMBER) return undefined;
    return body as CursorBody;
  } catch {
    return undefined;
  }
}

/** A page and the cursor to the next one, which is absent on the last page. */
export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

/**
 * Reads one more row than asked: if it is there, there is a next page, and the caller
 * never gets an empty last page to fetch.
 */
export async function readPage<T>(
  scope: string,
  limit: number | undefined,
  cursor: string | undefined,
  fetch: (afterNumber: number, limit: number) => Promise<T[]>,
  keyOf: (item: T) => number,
): Promise<Page<T>> {
  const size = limit ?? DEFAULT_PAGE_SIZE;
  const rows = await fetch(decodeCursor(scope, cursor), size + 1);
  if (rows.length <= size) return { items: rows };
  const items = rows.slice(0, size);
  return { items, nextCursor: encodeCursor(scope, keyOf(items[items.length - 1]!)) };
}
