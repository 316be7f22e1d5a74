/**
 * A conversation's messages, oldest at the top: the customer's on the left, the team's on
 * the right, and internal notes across the middle in their own colour, labelled as seen by
 * the team only (the server never sends them to customers; this is how staff tell them
 * apart). Bodies are text nodes, never HTML.
 */
import { useLayoutEffect, useRef } from 'preact/hooks';
import type { TimelineEntry } from '../../../../src/schema/timeline-entries.js';
import { useConsole } from '../../context.js';
import type { useMessages } from '../../hooks/useMessages.js';
import { isCustomer } from '../../identity.js';
import { Avatar } from '../Avatar.js';
import { messagePreview, userName } from '../names.js';
import { fullTime, shortTime } from './time.js';

export function SupportTimeline({ messages }: { messages: ReturnType<typeof useMessages> }) {
  const list = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);

  useLayoutEffect(() => {
    if (atBottom.current && list.current) list.current.scrollTop = list.current.scrollHeight;
  }, [messages.entries]);

  return (
    <div
      class="support-timeline"
      ref={list}
      role="log"
      aria-label="Messages"
      tabIndex={0}
      onScroll={() => {
        const element = list.current!;
        atBottom.current = element.scrollHeight - element.scrollTop - element.clientHeight < 40;
      }}
    >
      <ol>
        {messages.hasOlder && (
          <li class="support-older">
            <button type="button" onClick={() => void messages.loadOlder()}>
              Load older messages
            </button>
          </li>
        )}
        {!messages.loading && messages.entries.length === 0 && <li class="muted support-timeline-empty">No messages yet.</li>}
        {messages.entries.map((entry) => (
          <SupportEntry key={entry.id} entry={entry} />
        ))}
      </ol>
    </div>
  );
}

function SupportEntry({ entry }: { entry: TimelineEntry }) {
  const { self } = useConsole();
  const note = entry.visibility === 'internal';
  const fromCustomer = entry.created_by.type === 'rev_user';
  // Seen by a customer, the team is "Support"; seen by staff, the customer is on the left.
  const side = note ? 'note' : fromCustomer === isCustomer(self) ? 'ours' : 'theirs';
  const author = entry.created_by.id === self.id ? 'You' : userName(entry.created_by);
  const text = entry.body === undefined && !entry.artifacts?.length ? 'Message deleted' : messagePreview(entry);
  return (
    <li class={`support-entry ${side}`} data-entry-id={entry.id}>
      {side !== 'ours' && <Avatar user={entry.created_by} />}
      <div class="support-entry-card">
        <div class="support-entry-meta">
          {note && (
            <span class="note-label">
              <LockIcon />
              Internal note · only your team sees this
            </span>
          )}
          <span class="support-entry-author">{author}</span>
          <time dateTime={entry.created_date} title={fullTime(entry.created_date)}>
            {shortTime(entry.created_date)}
          </time>
        </div>
        <p class="support-entry-body">{text}</p>
      </div>
    </li>
  );
}

function LockIcon() {
  return (
    <svg class="note-lock" viewBox="0 0 16 16" width="12" height="12" aria-hidden="true" focusable="false">
      <path fill="currentColor" d="M4 7V5a4 4 0 1 1 8 0v2h1a1 1 0 0 1 1 1v6a1 1 0 0 1-1 1H3a1 1 0 0 1-1-1V8a1 1 0 0 1 1-1h1zm2 0h4V5a2 2 0 1 0-4 0v2z" />
    </svg>
  );
}
