/**
 * The conversation, oldest at the top, as rows grouped by person and divided by day.
 *
 * Where it opens: on the first unread message, with the "New" marker above it (older pages
 * are loaded until it is there), or at the newest message when nothing is unread; a target
 * message (a search hit's) is paged back to, scrolled to the middle and focused instead.
 * Scrolling near the top loads the page before it, keeping what the person looks at in
 * place; new messages keep the view at the bottom when it was there, and otherwise offer
 * "New messages ↓". "Jump to first unread" brings the marker back once it is off screen.
 */
import { Fragment } from 'preact';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { TimelineEntry } from '../../../src/schema/timeline-entries.js';
import { useConsole } from '../context.js';
import { useFirstUnread } from '../hooks/useFirstUnread.js';
import type { useMessages } from '../hooks/useMessages.js';
import { Message } from './Message.js';
import { isDeleted, messageRows } from './messageRows.js';
import './MessageList.css';

interface Props {
  messages: ReturnType<typeof useMessages>;
  unreadAtOpen?: number;
  onOpenThread?(entry: TimelineEntry): void;
  /** Offered in a chat (not a thread): the chat is unread again from this message on. */
  onMarkUnread?(entry: TimelineEntry): Promise<void>;
  /** The message being edited, and how editing starts and ends. */
  editingId?: string;
  onEditing?(id: string | undefined): void;
  /** The log's accessible name. */
  label?: string;
  /** A message to show: paged back to, scrolled into view and focused, once. */
  targetId?: string;
}

/** How far back a target is looked for: far enough for a search hit, bounded for a bad link. */
const MAX_TARGET_PAGES = 20;
/** Within this of the bottom counts as at the bottom. */
const NEAR_BOTTOM_PX = 40;

export function MessageList({ messages, unreadAtOpen = 0, onOpenThread, onMarkUnread, editingId, onEditing, label = 'Messages', targetId }: Props) {
  const { self, report } = useConsole();
  const unread = useFirstUnread(messages, targetId ? 0 : unreadAtOpen);
  const list = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const landed = useRef(false);
  const heightBefore = useRef<number | undefined>();
  const [markerOffScreen, setMarkerOffScreen] = useState(false);
  const [newBelow, setNewBelow] = useState(false);
  // The message whose toolbar is the list's Tab stop: the one last focused, else the newest.
  const [activeId, setActiveId] = useState<string | undefined>();
  const firstId = messages.entries[0]?.id;
  const last = messages.entries[messages.entries.length - 1];

  const marker = () => list.current?.querySelector<HTMLElement>('.unread-marker') ?? null;
  const showMarker = () => {
    const element = marker();
    // The marker at the top, a little below the edge; the browser stops at the bottom.
    if (element && list.current) list.current.scrollTop = element.offsetTop - 8;
  };
  const toBottom = () => {
    if (list.current) list.current.scrollTop = list.current.scrollHeight;
  };
  const lookAround = () => {
    const element = list.current;
    if (!element) return;
    atBottom.current = element.scrollHeight - element.scrollTop - element.clientHeight < NEAR_BOTTOM_PX;
    if (atBottom.current) setNewBelow(false);
    const shown = marker();
    setMarkerOffScreen(
      shown !== null && (shown.offsetTop + shown.offsetHeight < element.scrollTop || shown.offsetTop > element.scrollTop + element.clientHeight),
    );
  };

  // Layout, before paint: an older page keeps the view on the message that was in it; new
  // messages keep it at the bottom. Until it has landed, it stays at the bottom.
  useLayoutEffect(() => {
    const element = list.current;
    if (!element) return;
    if (heightBefore.current !== undefined) {
      element.scrollTop += element.scrollHeight - heightBefore.current;
      heightBefore.current = undefined;
    } else if (atBottom.current) {
      toBottom();
    }
  }, [messages.entries, firstId]);

  // Landing, once the first unread is known (and drawn with its marker above it).
  useLayoutEffect(() => {
    if (landed.current || targetId || messages.loading || !unread.settled) return;
    landed.current = true;
    if (unread.firstUnreadId) showMarker();
    else toBottom();
    lookAround();
  }, [messages.loading, unread.settled, unread.firstUnreadId]);

  // A message arriving at the end: one's own brings the view down; others' are announced
  // by "New messages ↓" when the view is not at the bottom.
  const lastSeen = useRef<string | undefined>();
  useLayoutEffect(() => {
    if (!last || messages.loading) return;
    const arrived = lastSeen.current !== undefined && last.id !== lastSeen.current;
    lastSeen.current = last.id;
    if (!arrived || !landed.current) return;
    if (last.created_by.id === self.id) {
      toBottom();
      atBottom.current = true;
    } else if (!atBottom.current) {
      setNewBelow(true);
    }
  }, [last?.id, messages.loading]);

  // The target: the page that holds it, then into view. `shown` remembers the one reached,
  // so that later messages (or older pages) do not pull the view back to it.
  const target = useRef<{ id?: string; pages: number; shown: boolean }>({ pages: 0, shown: false });
  useEffect(() => {
    if (target.current.id !== targetId) target.current = { ...(targetId && { id: targetId }), pages: 0, shown: false };
    if (!targetId || target.current.shown || messages.loading) return;
    const element = list.current?.querySelector<HTMLElement>(`[data-entry-id="${CSS.escape(targetId)}"]`);
    if (element) {
      target.current.shown = true;
      landed.current = true;
      atBottom.current = false;
      element.scrollIntoView({ block: 'center' });
      element.focus({ preventScroll: true });
    } else if (messages.hasOlder && target.current.pages < MAX_TARGET_PAGES) {
      target.current.pages++;
      void messages.loadOlder();
    } else {
      // Not there (deleted, or a bad link): the list is the person's to scroll.
      landed.current = true;
    }
  }, [targetId, messages.loading, messages.entries, messages.hasOlder]);

  const onScroll = () => {
    const element = list.current!;
    lookAround();
    if (landed.current && element.scrollTop < 60 && messages.hasOlder && heightBefore.current === undefined) {
      heightBefore.current = element.scrollHeight;
      void messages.loadOlder().finally(() => {
        // Nothing came (an error): let the next scroll try again.
        if (heightBefore.current === element.scrollHeight) heightBefore.current = undefined;
      });
    }
  };

  const markUnread =
    onMarkUnread &&
    ((entry: TimelineEntry) => {
      onMarkUnread(entry).then(() => unread.moveTo(entry.id), report);
    });

  const rows = messageRows(messages.entries, unread.firstUnreadId);
  const withToolbar = messages.entries.filter((entry) => !isDeleted(entry));
  const tabStop = withToolbar.some((entry) => entry.id === activeId) ? activeId : withToolbar[withToolbar.length - 1]?.id;
  return (
    <div class="message-list-frame">
      <div
        class="message-list"
        ref={list}
        onScroll={onScroll}
        role="log"
        aria-label={label}
        tabIndex={0}
        onFocusIn={(event) => {
          const id = (event.target as Element).closest<HTMLElement>('li.message')?.dataset.entryId;
          if (id) setActiveId(id);
        }}
      >
        <ol>
          {messages.hasOlder && (
            <li class="message-list-older">
              <button type="button" onClick={() => void messages.loadOlder()}>
                Load older messages
              </button>
            </li>
          )}
          {!messages.loading && messages.entries.length === 0 && <li class="muted message-list-empty">No messages yet: say hello.</li>}
          {rows.map(({ entry, continued, day }) => (
            <Fragment key={entry.id}>
              {day && (
                <li class="day-divider">
                  <span role="separator" aria-label={day}>
                    {day}
                  </span>
                </li>
              )}
              {entry.id === unread.firstUnreadId && (
                <li class="unread-marker">
                  <span role="separator" aria-label="New messages">
                    New
                  </span>
                </li>
              )}
              <Message
                entry={entry}
                continued={continued}
                onEdit={messages.edit}
                onDelete={messages.remove}
                onReact={messages.react}
                onOpenThread={onOpenThread}
                {...(markUnread && { onMarkUnread: markUnread })}
                editing={entry.id === editingId}
                onEditing={(editing) => onEditing?.(editing ? entry.id : undefined)}
                targeted={entry.id === targetId}
                tabbable={entry.id === tabStop}
              />
            </Fragment>
          ))}
        </ol>
      </div>
      {markerOffScreen && (
        <button
          type="button"
          class="list-jump list-jump-unread"
          onClick={() => {
            showMarker();
            list.current?.focus({ preventScroll: true });
          }}
        >
          Jump to first unread
        </button>
      )}
      {newBelow && (
        <button
          type="button"
          class="list-jump list-jump-new"
          onClick={() => {
            list.current?.scrollTo({ top: list.current.scrollHeight });
            list.current?.focus({ preventScroll: true });
          }}
        >
          New messages ↓
        </button>
      )}
    </div>
  );
}
