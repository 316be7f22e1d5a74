/**
 * Listing a chat's timeline, DevRev-style, through the two-way pager (paging.ts). Pages
 * are keyset slices of (created_date, id), so an entry posted or deleted while a client
 * pages neither shifts nor repeats what it sees.
 */
import type { Store } from '../store/index.js';
import type { TimelinePosition, TimelineView } from '../store/timeline-entries.js';
import { readerOf } from './policy/visibility.js';
import { cursorSecret, openCursor, sealCursor, type ListMode } from './cursors.js';
import { now, type Principal, type TimelineEntry, type TimelineVisibility } from '../model/index.js';
import { findTimeline } from './timeline-entries.js';
import { pageBothWays } from './paging.js';
import { DEFAULT_PAGE_SIZE } from '../schema/limits.js';


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
    reader: readerOf(principal.user),
    now: now(),
    visibility: input.visibility,
    labels: input.labels,
    ...(parent && { thread: parent.id }),
  };
  const from: TimelinePosition | undefined = cursor && { createdAt: cursor.createdAt, id: cursor.id };
  const { rows, nextCursor, prevCursor } = await pageBothWays<TimelinePosition, TimelineEntry>(
    {
      slice: (direction, position, size) => store.timelineEntries.slice(view, { direction, limit: size, ...(position && { from: position }) }),
      anyBeyond: (direction, position) => store.timelineEntries.anyBeyond(view, direction, position),
      positionOf: (entry) => ({ createdAt: entry.createdAt, id: entry.id }),
      seal: (position, cursorMode) => sealCursor(secret, { chatId: chat.id, createdAt: position.createdAt, id: position.id, mode: cursorMode }),
    },
    mode,
    from,
    limit,
  );
  return { entries: rows, ...(nextCursor && { nextCursor }), ...(prevCursor && { prevCursor }) };
}
