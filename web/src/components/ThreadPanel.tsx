/** A message's thread, beside the chat: the message, its replies (live), and a reply box. */
import type { TimelineEntry } from '../../../src/schema/timeline-entries.js';
import { useAttachments } from '../hooks/useAttachments.js';
import { useEditing } from '../hooks/useEditing.js';
import { useFileDrop } from '../hooks/useFileDrop.js';
import { useMessages } from '../hooks/useMessages.js';
import { Composer } from './Composer.js';
import { Message } from './Message.js';
import { MessageList } from './MessageList.js';
import './ThreadPanel.css';

export function ThreadPanel({ root, onClose, onReact }: { root: TimelineEntry; onClose(): void; onReact(entry: TimelineEntry, emoji: string, action: 'add' | 'remove'): Promise<void> }) {
  const replies = useMessages(root.id);
  const attachments = useAttachments();
  const drop = useFileDrop(attachments.add);
  const editing = useEditing(replies.entries, 'composer-reply');
  return (
    <aside class={drop.dragging ? 'thread-panel dragging' : 'thread-panel'} aria-label="Thread" {...drop.handlers}>
      <header class="thread-header">
        <h3>Thread</h3>
        <button type="button" onClick={onClose} aria-label="Close thread">
          Close
        </button>
      </header>
      <ol class="thread-root">
        <Message entry={root} onReact={onReact} />
      </ol>
      <MessageList messages={replies} label="Replies" editingId={editing.editingId} onEditing={editing.setEditing} />
      <Composer onSend={replies.send} label="Reply" id="composer-reply" attachments={attachments} onEditLast={editing.editLast} />
    </aside>
  );
}
