/**
 * Opaque list cursors. A cursor names the list it came from (organization and list) and
 * the last key on the page; the next page is `key > last`, so a page costs the same
 * wherever it is. Keys are per-organization numbers, never row ids, so a cursor reveals
 * nothing about other tenants. A cursor that does not decode or verify, or that another list
 * or organization issued, is the caller's mistake: 400 on `cursor`.
 */
import type { Store } from '../store/index.js';
import { cursorSecret, invalidCursor, seal, unseal } from './cursors.js';
import { MAX_OBJECT_NUMBER } from './ids.js';
import { readBeyond } from './paging.js';
import { DEFAULT_PAGE_SIZE } from '../schema/limits.js';


/**
 * Sealed like a timeline cursor (HMAC under the server's cursor secret): a cursor edited
 * to point elsewhere, truncated, or made up is refused before it reaches a query.
 */
export function encodeCursor(secret: Buffer, scope: string, after: number): string {
  return seal(secret, { s: scope, a: after });
}

/** The key to continue after; 0 (the start) when there is no cursor. */
export function decodeCursor(secret: Buffer, scope: string, cursor: string | undefined): number {
  if (cursor === undefined || cursor === '') return 0;
  const { s, a } = unseal(secret, cursor);
  // Signed by us, but for another list or organization: not this list's place.
  if (s !== scope || !Number.isSafeInteger(a) || (a as number) < 0 || (a as number) > MAX_OBJECT_NUMBER) throw invalidCursor();
  return a as number;
}

/** A page and the cursor to the next one, which is absent on the last page. */
export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

/** One page of an identity list, through the pager (paging.ts). */
export async function readPage<T>(
  store: Store,
  scope: string,
  limit: number | undefined,
  cursor: string | undefined,
  fetch: (afterNumber: number, limit: number) => Promise<T[]>,
  keyOf: (item: T) => number,
): Promise<Page<T>> {
  const size = limit ?? DEFAULT_PAGE_SIZE;
  const secret = await cursorSecret(store);
  const { rows: items, more } = await readBeyond(size, (count) => fetch(decodeCursor(secret, scope, cursor), count));
  return more ? { items, nextCursor: encodeCursor(secret, scope, keyOf(items[items.length - 1]!)) } : { items };
}
