/**
 * One message, as a full-width row: avatar and name (left out when it continues the same
 * person's previous message), the time with the full date in its tooltip, the text as
 * chat markdown (built from tokens, never assigned as HTML, so `<img src=x onerror=…>` is
 * shown, not run), files, reactions and the thread's reply count. Its actions sit in a
 * toolbar that shows on hover or focus.
 */
import { useState } from 'preact/hooks';
import type { TimelineEntry } from '../../../src/schema/timeline-entries.js';
import { useConsole } from '../context.js';
import { fullDateTime, shortTime } from '../dates.js';
import { fileName } from '../files.js';
import { Avatar } from './Avatar.js';
import { ConfirmDelete } from './ConfirmDelete.js';
import { MessageEditor } from './MessageEditor.js';
import { MessageFiles } from './MessageFiles.js';
import { MessageText } from './MessageText.js';
import { MessageToolbar } from './MessageToolbar.js';
import { ReactionPicker, Reactions } from './Reactions.js';
import { userName } from './names.js';
import './Message.css';

interface Props {
  entry: TimelineEntry;
  /** The same person's message just before, within minutes: no avatar and name again. */
  continued?: boolean;
  /** Edit and delete are offered (on one's own messages) only where these are given. */
  onEdit?(id: string, body: string): Promise<void>;
  onDelete?(entry: TimelineEntry): Promise<void>;
  onReact(entry: TimelineEntry, emoji: string, action: 'add' | 'remove'): Promise<void>;
  /** Opens the message's thread; absent for replies (threads are one level deep). */
  onOpenThread?(entry: TimelineEntry): void;
  /** Makes the chat unread from this message on; absent in a thread. */
  onMarkUnread?(entry: TimelineEntry): void;
  /** Whether its text is being edited, and how it starts and ends (with Edit, or ↑ in the composer). */
  editing?: boolean;
  onEditing?(editing: boolean): void;
  /** The message a search result led to: highlighted, and focusable so that focus can land on it. */
  targeted?: boolean;
  /** Its toolbar is the list's one Tab stop. */
  tabbable?: boolean;
}

export function Message({ entry, continued, onEdit, onDelete, onReact, onOpenThread, onMarkUnread, editing, onEditing, targeted, tabbable = true }: Props) {
  const { self, report } = useConsole();
  const [picking, setPicking] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const mine = entry.created_by.id === self.id;
  const files = entry.artifacts ?? [];
  // A message of files only may have no text; a deleted one has neither.
  const deleted = entry.body === undefined && files.length === 0;
  const text = entry.body ?? '';
  const edited = !deleted && entry.modified_date !== entry.created_date;
  const author = userName(entry.created_by);
  const mayChange = mine && onEdit && onDelete && !deleted;
  const time = (
    <time dateTime={entry.created_date} title={fullDateTime(entry.created_date)}>
      {shortTime(entry.created_date)}
    </time>
  );

  return (
    <li
      class={`message${continued ? ' continued' : ''}${targeted ? ' targeted' : ''}${editing ? ' editing' : ''}`}
      data-entry-id={entry.id}
      tabIndex={targeted ? -1 : undefined}
    >
      <div class="message-gutter">{continued ? time : <Avatar user={entry.created_by} />}</div>
      <div class="message-content">
        {continued ? (
          <span class="visually-hidden">{author}</span>
        ) : (
          <div class="message-meta">
            <span class="message-author">{author}</span>
            {time}
          </div>
        )}
        {editing && mayChange ? (
          <MessageEditor
            id={entry.id}
            text={text}
            onSave={async (body) => {
              await onEdit(entry.id, body);
              onEditing?.(false);
            }}
            onCancel={() => onEditing?.(false)}
            onEmptied={() => setConfirming(true)}
          />
        ) : deleted ? (
          <p class="message-body muted">message deleted</p>
        ) : (
          text !== '' && <MessageText text={text} after={edited && <span class="message-edited muted"> (edited)</span>} />
        )}
        {edited && !editing && text === '' && <span class="message-edited muted">(edited)</span>}
        {!deleted && files.length > 0 && <MessageFiles artifacts={files} />}
        {!deleted && <Reactions entry={entry} onReact={onReact} />}
        {onOpenThread && !deleted && entry.thread && entry.thread.total_replies > 0 && (
          <button type="button" class="thread-link" onClick={() => onOpenThread(entry)}>
            {entry.thread.total_replies} {entry.thread.total_replies === 1 ? 'reply' : 'replies'}
          </button>
        )}
      </div>
      {!deleted && !editing && (
        <MessageToolbar
          tabbable={tabbable}
          reacting={picking}
          actions={{
            onReact: () => setPicking(!picking),
            ...(onOpenThread && { onReply: () => onOpenThread(entry) }),
            ...(onMarkUnread && { onMarkUnread: () => onMarkUnread(entry) }),
            ...(mayChange && { onEdit: () => onEditing?.(true), onDelete: () => setConfirming(true) }),
          }}
        />
      )}
      {picking && <ReactionPicker entry={entry} onReact={onReact} onClose={() => setPicking(false)} />}
      {confirming && (
        <ConfirmDelete
          preview={(text || files.map(fileName).join(', ')).slice(0, 200)}
          onClose={() => setConfirming(false)}
          onConfirm={() => {
            setConfirming(false);
            onEditing?.(false);
            onDelete!(entry).catch(report);
          }}
        />
      )}
    </li>
  );
}
