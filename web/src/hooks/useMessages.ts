/**
 * One chat's messages: the newest page first, older pages as the person scrolls up
 * (timeline cursors), live ones from the event stream. Entries are keyed by id, so a
 * message that arrives both as a send's answer and as an event — or again in the replay
 * after a reconnect — is shown once.
 */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { TimelineEntry, TimelineEntriesListResponse } from '../../../src/schema/timeline-entries.js';
import { useConsole } from '../context.js';
import { useLiveEvents } from './useEventStream.js';

const PAGE = 30;

/** Oldest first; an entry replaces the one with its id, wherever it is. */
function merge(current: TimelineEntry[], incoming: TimelineEntry[]): TimelineEntry[] {
  const byId = new Map(current.map((entry) => [entry.id, entry]));
  for (const entry of incoming) byId.set(entry.id, entry);
  return [...byId.values()].sort((a, b) => (a.created_date === b.created_date ? compareIds(a.id, b.id) : a.created_date < b.created_date ? -1 : 1));
}

/** Ids end in a number: compare it as a number so that 10 comes after 9. */
function compareIds(a: string, b: string): number {
  const number = (id: string) => Number(/(\d+)$/.exec(id)?.[1] ?? 0);
  return number(a) - number(b);
}

/** `chatId` is a chat, or a comment for the replies in its thread (their object is the comment). */
export function useMessages(chatId: string) {
  const { client, events, report } = useConsole();
  const [entries, setEntries] = useState<TimelineEntry[]>([]);
  const [olderCursor, setOlderCursor] = useState<string | undefined>();
  const [loading, setLoading] = useState(true);
  const loadingOlder = useRef(false);

  useEffect(() => {
    let current = true;
    setEntries([]);
    setOlderCursor(undefined);
    setLoading(true);
    client
      .call<TimelineEntriesListResponse>('timeline-entries.list', { object: chatId, limit: PAGE })
      .then((page) => {
        if (!current) return;
        setEntries((live) => merge(live, page.timeline_entries));
        setOlderCursor(page.next_cursor);
      }, report)
      .finally(() => current && setLoading(false));
    return () => {
      current = false;
    };
  }, [chatId, client]);

  const loadOlder = useCallback(async () => {
    if (!olderCursor || loadingOlder.current) return;
    loadingOlder.current = true;
    try {
      const page = await client.call<TimelineEntriesListResponse>('timeline-entries.list', { object: chatId, limit: PAGE, cursor: olderCursor });
      setEntries((current) => merge(current, page.timeline_entries));
      setOlderCursor(page.next_cursor);
    } catch (error) {
      report(error);
    } finally {
      loadingOlder.current = false;
    }
  }, [chatId, olderCursor, client]);

  useLiveEvents(
    events,
    (event) => {
      if (event.type === 'timeline_entry_created' || event.type === 'timeline_entry_updated') {
        const { entry } = event.data as { entry: TimelineEntry };
        if (entry.object === chatId) setEntries((current) => merge(current, [entry]));
        // A new reply to one of these messages: its thread grows by one.
        else if (event.type === 'timeline_entry_created' && entry.object_type === 'timeline_comment') {
          setEntries((current) =>
            current.map((root) =>
              root.id === entry.object ? { ...root, thread: { total_replies: (root.thread?.total_replies ?? 0) + 1 } } : root,
            ),
          );
        }
      } else if (event.type === 'timeline_entry_deleted') {
        const { old_entry } = event.data as { old_entry: TimelineEntry };
        if (old_entry.object === chatId) setEntries((current) => merge(current, [withoutBody(old_entry)]));
      }
    },
    [chatId],
  );

  /** `internal`: a note for the organization's staff only (a support conversation's internal note). */
  const send = useCallback(
    async (body: string, artifacts: string[] = [], visibility?: 'internal') => {
      // With files the text may be empty, and is then left out.
      const { timeline_entry } = await client.call('timeline-entries.create', {
        type: 'timeline_comment',
        object: chatId,
        ...((body !== '' || artifacts.length === 0) && { body }),
        ...(artifacts.length > 0 && { artifacts }),
        ...(visibility && { visibility }),
      });
      setEntries((current) => merge(current, [timeline_entry]));
    },
    [chatId, client],
  );

  const edit = useCallback(
    async (id: string, body: string) => {
      const { timeline_entry } = await client.call<{ timeline_entry: TimelineEntry }>('timeline-entries.update', { type: 'timeline_comment', id, body });
      setEntries((current) => merge(current, [timeline_entry]));
    },
    [client],
  );

  const remove = useCallback(
    async (entry: TimelineEntry) => {
      await client.call('timeline-entries.delete', { id: entry.id });
      setEntries((current) => merge(current, [withoutBody(entry)]));
    },
    [client],
  );

  /** Adds or takes back one's reaction; the entry is read again for its new counts. */
  const react = useCallback(
    async (entry: TimelineEntry, emoji: string, action: 'add' | 'remove') => {
      await client.call('reactions.update', { object: entry.id, emoji, action });
      const { timeline_entry } = await client.call<{ timeline_entry: TimelineEntry }>('timeline-entries.get', { id: entry.id });
      setEntries((current) => merge(current, [timeline_entry]));
    },
    [client],
  );

  /** The chat is unread again from `entry` on (chats.mark-unread): its badge comes back in the chat list. */
  const markUnread = useCallback(
    async (entry: TimelineEntry) => {
      await client.call('chats.mark-unread', { id: chatId, entry: entry.id });
    },
    [chatId, client],
  );

  return { entries, loading, hasOlder: olderCursor !== undefined, loadOlder, send, edit, remove, react, markUnread };
}

/** A deleted message keeps its place, without its text or files (as the API answers it). */
function withoutBody(entry: TimelineEntry): TimelineEntry {
  const { body: _body, body_type: _type, artifacts: _files, ...rest } = entry;
  return rest;
}
