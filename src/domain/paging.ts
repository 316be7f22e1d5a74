/**
 * The one keyset pager (DESIGN.md "Lists are keyset-paginated"). Every list reads one row
 * more than it shows: if that row is there, there is a page beyond, and a client never
 * fetches an empty last page. DevRev's two-way lists (a timeline, chats.list) add the
 * other side: `mode: after` (the default) walks toward older rows from the cursor, `mode:
 * before` toward newer ones, every page comes back newest first, and each side's cursor is
 * there only when something lies beyond it — the side walked toward is known from the
 * extra row, the other takes one probe.
 */
import type { ListMode } from './cursors.js';

export type Direction = 'older' | 'newer';

/** Up to `limit` rows from `read` (asked for one more), and whether more lie beyond them. */
export async function readBeyond<T>(limit: number, read: (limit: number) => Promise<T[]>): Promise<{ rows: T[]; more: boolean }> {
  const rows = await read(limit + 1);
  const more = rows.length > limit;
  if (more) rows.pop();
  return { rows, more };
}

/** A list ordered newest first by a position `P` (a time and an id), read in slices of rows `R`. */
export interface TwoWayList<P, R> {
  /** Up to `limit` rows strictly beyond `from` (from the newest, or the oldest, without it), nearest first. */
  slice(direction: Direction, from: P | undefined, limit: number): Promise<R[]>;
  /** Whether any row lies beyond `position`. */
  anyBeyond(direction: Direction, position: P): Promise<boolean>;
  positionOf(row: R): P;
  seal(position: P, mode: ListMode): string;
}

export interface TwoWayPage<R> {
  rows: R[];
  nextCursor?: string;
  prevCursor?: string;
}

/** One page of `list` from `from` in `mode`, newest first, with the cursors to either side. */
export async function pageBothWays<P, R>(list: TwoWayList<P, R>, mode: ListMode, from: P | undefined, limit: number): Promise<TwoWayPage<R>> {
  const toward: Direction = mode === 'after' ? 'older' : 'newer';
  const { rows: slice, more } = await readBeyond(limit, (size) => list.slice(toward, from, size));
  const rows = mode === 'after' ? slice : slice.reverse();
  const newest = rows[0] ? list.positionOf(rows[0]) : from;
  const oldest = rows.length > 0 ? list.positionOf(rows[rows.length - 1]!) : from;

  const page: TwoWayPage<R> = { rows };
  if (mode === 'after') {
    if (more) page.nextCursor = list.seal(oldest!, 'after');
    if (newest && (await list.anyBeyond('newer', newest))) page.prevCursor = list.seal(newest, 'before');
  } else {
    if (more) page.prevCursor = list.seal(newest!, 'before');
    if (oldest && (await list.anyBeyond('older', oldest))) page.nextCursor = list.seal(oldest, 'after');
  }
  return page;
}
