/**
 * One message. Its body is text: put into the page as a text node, never as HTML, so
 * `<img src=x onerror=…>` or `<script>` in a message is shown, not run.
 */
import { useState } from 'preact/hooks';
import type { TimelineEntry } from '../../../src/schema/timeline-entries.js';
import { useConsole } from '../context.js';
import { fileName } from '../files.js';
import { Avatar } from './Avatar.js';
import { MessageFiles } from './MessageFiles.js';
import { Reactions } from './Reactions.js';
import { userName } from './names.js';
import './Message.css';

interface Props {
  entry: TimelineEntry;
  /** Edit and delete are offered (on one's own messages) only where these are given. */
  onEdit?(id: string, body: string): Promise<void>;
  onDelete?(entry: TimelineEntry): Promise<void>;
  onReact(entry: TimelineEntry, emoji: string, action: 'add' | 'remove'): Promise<void>;
  /** Opens the message's thread; absent for replies (threads are one level deep). */
  onOpenThread?(entry: TimelineEntry): void;
  /** The message a search result led to: highlighted, and focusable so that focus can land on it. */
  targeted?: boolean;
}

export function Message({ entry, onEdit, onDelete, onReact, onOpenThread, targeted }: Props) {
  const { self, report } = useConsole();
  const [draft, setDraft] = useState<string | undefined>();
  const mine = entry.created_by.id === self.id;
  const files = entry.artifacts ?? [];
  // A message of files only may have no text; a deleted one has neither.
  const deleted = entry.body === undefined && files.length === 0;
  const text = entry.body ?? '';
  /** What the Edit and Delete buttons name the message by. */
  const summary = (text || files.map(fileName).join(', ')).slice(0, 40);
  const edited = !deleted && entry.modified_date !== entry.created_date;
  const time = new Date(entry.created_date).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

  const save = async (event: Event) => {
    event.preventDefault();
    try {
      await onEdit!(entry.id, draft ?? '');
      setDraft(undefined);
    } catch (error) {
      report(error);
    }
  };

  return (
    <li class={`message${mine ? ' mine' : ''}${targeted ? ' targeted' : ''}`} data-entry-id={entry.id} tabIndex={targeted ? -1 : undefined}>
      <Avatar user={entry.created_by} />
      <div class="message-content">
        <div class="message-meta">
          <span class="message-author">{mine ? 'You' : userName(entry.created_by)}</span>
          <time dateTime={entry.created_date}>{time}</time>
          {edited && <span class="muted">(edited)</span>}
        </div>
        {draft !== undefined ? (
          <form class="message-edit" onSubmit={save}>
            <label class="visually-hidden" for={`edit-${entry.id}`}>
              Edit message
            </label>
            <textarea id={`edit-${entry.id}`} value={draft} onInput={(e) => setDraft(e.currentTarget.value)} rows={2} autoFocus />
            <button type="submit" class="primary">
              Save
            </button>
            <button type="button" onClick={() => setDraft(undefined)}>
              Cancel
            </button>
          </form>
        ) : deleted ? (
          <p class="message-body muted">message deleted</p>
        ) : (
          text !== '' && <p class="message-body">{text}</p>
        )}
        {!deleted && files.length > 0 && <MessageFiles artifacts={files} />}
        {!deleted && draft === undefined && <Reactions entry={entry} onReact={onReact} />}
        {onOpenThread && !deleted && draft === undefined && (
          <button type="button" class="thread-link" onClick={() => onOpenThread(entry)}>
            {entry.thread && entry.thread.total_replies > 0
              ? `${entry.thread.total_replies} ${entry.thread.total_replies === 1 ? 'reply' : 'replies'}`
              : 'Reply in thread'}
          </button>
        )}
        {mine && onEdit && onDelete && !deleted && draft === undefined && (
          <div class="message-actions">
            <button type="button" onClick={() => setDraft(text)} aria-label={`Edit message: ${summary}`}>
              Edit
            </button>
            <button
              type="button"
              class="danger"
              onClick={() => onDelete(entry).catch(report)}
              aria-label={`Delete message: ${summary}`}
            >
              Delete
            </button>
          </div>
        )}
      </div>
    </li>
  );
}
