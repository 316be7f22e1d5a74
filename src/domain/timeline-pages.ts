/**
 * Listing a chat's timeline, DevRev-style: newest first; `mode: after` (the default) walks
 * toward older entries from the cursor, `mode: before` toward newer ones, and every page
 * comes back newest first. Pages are keyset slices of (created_date, id), so an entry
 * posted or deleted while a client pages neither shifts nor repeats what it sees.
 */
import type { Store } from '../store/index.js';
import type { TimelinePosition, TimelineView } from '../store/timeline-entries.js';
import { cursorSecret, openCursor, sealCursor, type ListMode } from './cursors.js';
import { now, type Principal, type TimelineEntry, type TimelineVisibility } from '../model/index.js';
import { findTimeline } from './timeline-entries.js';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 100;

export interface ListTimelineEntriesInput {
  object: string;
  cursor?: string;
  limit?: number;
  mode?: ListMode;
  labels?: string[];
  visibility?: TimelineVisibility[];
  collections?: string[];
}

export interface TimelinePage {
  entries: TimelineEntry[];
  nextCursor?: string;
  prevCursor?: string;
}

export async function listTimelineEntries(store: Store, principal: Principal, input: ListTimelineEntriesInput): Promise<TimelinePage> {
  const { chat, parent } = await findTimeline(store, principal, input.object);
  const secret = await cursorSecret(store);
  const cursor = input.cursor === undefined ? undefined : openCursor(secret, input.cursor, chat.id);
  // Every message is a discussion; a list of other collections (events) has nothing in it.
  if (input.collections && input.collections.length > 0 && !input.collections.includes('discussions')) return { entries: [] };

  const limit = input.limit ?? DEFAULT_PAGE_SIZE;
  // An explicit mode wins; otherwise a cursor goes the way it was issued for.
  const mode = input.mode ?? cursor?.mode ?? 'after';
  const view: TimelineView = {
    chatId: chat.id,
    viewerId: principal.user.id,
    hideInternal: principal.user.type === 'rev_user',
    now: now(),
    visibility: input.visibility,
    labels: input.labels,
    ...(parent && { thread: parent.id }),
  };
  const from: TimelinePosition | undefined = cursor && { createdAt: cursor.createdAt, id: cursor.id };
  const seal = (position: TimelinePosition, cursorMode: ListMode) =>
    sealCursor(secret, { chatId: chat.id, createdAt: position.createdAt, id: position.id, mode: cursorMode });

  const forward = mode === 'after' ? 'older' : 'newer';
  const slice = await store.timelineEntries.slice(view, { direction: forward, from, limit: limit + 1 });
  const more = slice.length > limit;
  if (more) slice.pop();
  const entries = mode === 'after' ? slice : slice.reverse();
  const newest = entries[0] ?? from;
  const oldest = entries[entries.length - 1] ?? from;

  // The side we walked toward is known from the extra row; the other side takes one probe.
  const page: TimelinePage = { entries };
  if (mode === 'after') {
    if (more) page.nextCursor = seal(oldest!, 'after');
    if (newest && (await store.timelineEntries.anyBeyond(view, 'newer', newest))) page.prevCursor = seal(newest, 'before');
  } else {
    if (more) page.prevCursor = seal(newest!, 'before');
    if (oldest && (await store.timelineEntries.anyBeyond(view, 'older', oldest))) page.nextCursor = seal(oldest, 'after');
  }
  return page;
}
