/**
 * The conversation, oldest at the top. Scrolling near the top loads the page before it
 * (keeping what the person looks at in place); new messages keep the view at the bottom
 * when it was there. A target message (a search hit's) is paged back to if it is older than
 * what is loaded, then scrolled to the middle and focused.
 */
import { Fragment } from 'preact';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { TimelineEntry } from '../../../src/schema/timeline-entries.js';
import { useConsole } from '../context.js';
import type { useMessages } from '../hooks/useMessages.js';
import { Message } from './Message.js';
import './MessageList.css';

interface Props {
  messages: ReturnType<typeof useMessages>;
  unreadAtOpen?: number;
  onOpenThread?(entry: TimelineEntry): void;
  /** The log's accessible name. */
  label?: string;
  /** A message to show: paged back to, scrolled into view and focused, once. */
  targetId?: string;
}

/** How far back a target is looked for: far enough for a search hit, bounded for a bad link. */
const MAX_TARGET_PAGES = 20;

export function MessageList({ messages, unreadAtOpen = 0, onOpenThread, label = 'Messages', targetId }: Props) {
  const { self } = useConsole();
  // Fixed when the chat opens: the first of the last `unreadAtOpen` messages others wrote.
  const [firstUnreadId, setFirstUnreadId] = useState<string | undefined>();
  useEffect(() => {
    if (firstUnreadId !== undefined || unreadAtOpen === 0 || messages.loading) return;
    const others = messages.entries.filter((entry) => entry.created_by.id !== self.id && entry.body !== undefined);
    const first = others[Math.max(0, others.length - unreadAtOpen)];
    if (first) setFirstUnreadId(first.id);
  }, [messages.loading, unreadAtOpen]);
  const list = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const heightBefore = useRef<number | undefined>();
  const firstId = messages.entries[0]?.id;

  useLayoutEffect(() => {
    const element = list.current;
    if (!element) return;
    if (heightBefore.current !== undefined) {
      // An older page arrived above: stay on the message that was in view.
      element.scrollTop += element.scrollHeight - heightBefore.current;
      heightBefore.current = undefined;
    } else if (atBottom.current) {
      element.scrollTop = element.scrollHeight;
    }
  }, [messages.entries, firstId]);

  // The target: the page that holds it, then into view. `shown` remembers the one reached,
  // so that later messages (or older pages) do not pull the view back to it.
  const target = useRef<{ id?: string; pages: number; shown: boolean }>({ pages: 0, shown: false });
  useEffect(() => {
    if (target.current.id !== targetId) target.current = { ...(targetId && { id: targetId }), pages: 0, shown: false };
    if (!targetId || target.current.shown || messages.loading) return;
    const element = list.current?.querySelector<HTMLElement>(`[data-entry-id="${CSS.escape(targetId)}"]`);
    if (element) {
      target.current.shown = true;
      atBottom.current = false;
      element.scrollIntoView({ block: 'center' });
      element.focus({ preventScroll: true });
    } else if (messages.hasOlder && target.current.pages < MAX_TARGET_PAGES) {
      target.current.pages++;
      void messages.loadOlder();
    }
  }, [targetId, messages.loading, messages.entries, messages.hasOlder]);

  const onScroll = () => {
    const element = list.current!;
    atBottom.current = element.scrollHeight - element.scrollTop - element.clientHeight < 40;
    if (element.scrollTop < 60 && messages.hasOlder && heightBefore.current === undefined) {
      heightBefore.current = element.scrollHeight;
      void messages.loadOlder().finally(() => {
        // Nothing came (an error): let the next scroll try again.
        if (heightBefore.current === element.scrollHeight) heightBefore.current = undefined;
      });
    }
  };

  return (
    <div class="message-list" ref={list} onScroll={onScroll} role="log" aria-label={label} tabIndex={0}>
      <ol>
      {messages.hasOlder && (
        <li class="message-list-older">
          <button type="button" onClick={() => void messages.loadOlder()}>
            Load older messages
          </button>
        </li>
      )}
      {!messages.loading && messages.entries.length === 0 && <li class="muted message-list-empty">No messages yet: say hello.</li>}
      {messages.entries.map((entry) => (
        <Fragment key={entry.id}>
          {entry.id === firstUnreadId && (
            <li class="unread-marker">
              <span role="separator" aria-label="New messages">
                New
              </span>
            </li>
          )}
          <Message
            entry={entry}
            onEdit={messages.edit}
            onDelete={messages.remove}
            onReact={messages.react}
            onOpenThread={onOpenThread}
            targeted={entry.id === targetId}
          />
        </Fragment>
      ))}
      </ol>
    </div>
  );
}
