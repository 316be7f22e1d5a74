/**
 * Where the "New" marker goes in an open chat: above the first of the messages that were
 * unread when it was opened — the oldest of the last `unreadAtOpen` messages others wrote.
 * Older pages are loaded until it is among those shown (279 unread are ten pages back),
 * so that opening a chat can land on it. Fixed once found; Mark unread moves it.
 */
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { TimelineEntry } from '../../../src/schema/timeline-entries.js';
import { isDeleted } from '../components/messageRows.js';
import { useConsole } from '../context.js';
import type { useMessages } from './useMessages.js';

/** How far back the first unread is looked for: 1,500 messages at 30 a page. */
const MAX_PAGES = 50;

export function useFirstUnread(messages: ReturnType<typeof useMessages>, unreadAtOpen: number) {
  const { self } = useConsole();
  const [firstUnreadId, setFirstUnreadId] = useState<string | undefined>();
  /** Whether the search is over (found, or given up): the view may land. */
  const [settled, setSettled] = useState(unreadAtOpen === 0);
  const pages = useRef(0);

  useLayoutEffect(() => {
    if (settled || messages.loading) return;
    const { found, oldest } = countBack(messages.entries, self.id, unreadAtOpen);
    if (!found && messages.hasOlder && pages.current < MAX_PAGES) {
      pages.current++;
      void messages.loadOlder();
      return;
    }
    const first = found ?? oldest;
    if (first) setFirstUnreadId(first.id);
    setSettled(true);
  }, [settled, messages.loading, messages.entries, messages.hasOlder]);

  return { firstUnreadId, settled, moveTo: setFirstUnreadId };
}

/** The `count`-th message from the end written by others (deleted ones are not unread), and the oldest such seen. */
function countBack(entries: TimelineEntry[], selfId: string, count: number): { found?: TimelineEntry; oldest?: TimelineEntry } {
  let seen = 0;
  let oldest: TimelineEntry | undefined;
  for (let index = entries.length - 1; index >= 0; index--) {
    const entry = entries[index]!;
    if (entry.created_by.id === selfId || isDeleted(entry)) continue;
    oldest = entry;
    if (++seen === count) return { found: entry, oldest };
  }
  return { ...(oldest && { oldest }) };
}
