/** One open chat: its name (renamable), members, messages and the composer. */
import { useEffect, useState } from 'preact/hooks';
import type { Chat } from '../../../src/client/index.js';
import { useConsole } from '../context.js';
import { useAttachments } from '../hooks/useAttachments.js';
import { useEditing } from '../hooks/useEditing.js';
import { useFileDrop } from '../hooks/useFileDrop.js';
import { useMessages } from '../hooks/useMessages.js';
import type { PresenceMap } from '../hooks/usePresence.js';
import type { Route } from '../hooks/useRoute.js';
import { useTyping } from '../hooks/useTyping.js';
import { Composer } from './Composer.js';
import { MemberList } from './MemberList.js';
import { MessageList } from './MessageList.js';
import { ThreadPanel } from './ThreadPanel.js';
import { chatName, userName } from './names.js';
import './ChatView.css';

interface Props {
  chat: Chat;
  /** Unread messages when the chat was opened: the "new" marker goes above them. */
  unreadAtOpen: number;
  onChanged(chat: Chat): void;
  /** A message to show (a search hit's), and whether to open its thread. */
  target?: Route['target'];
  /** Who of the members is online (the dots beside them). */
  presence: PresenceMap;
}

export function ChatView({ chat, unreadAtOpen, onChanged, target, presence }: Props) {
  const { client, self, report } = useConsole();
  const messages = useMessages(chat.id);
  const { typing, noteTyping } = useTyping(chat.id);
  const attachments = useAttachments();
  const drop = useFileDrop(attachments.add);
  const editing = useEditing(messages.entries, 'composer-message');
  const [renaming, setRenaming] = useState<string | undefined>();
  const [threadId, setThreadId] = useState<string | undefined>();
  useEffect(() => {
    if (target?.thread) setThreadId(target.entryId);
  }, [target?.entryId, target?.thread]);
  // Read from the list each time, so that its reply count and reactions stay live.
  const threadRoot = messages.entries.find((entry) => entry.id === threadId);
  const name = chatName(chat, self.id);

  const rename = async (event: Event) => {
    event.preventDefault();
    try {
      const { chat: updated } = await client.chats.update({ id: chat.id, title: renaming ?? '' });
      onChanged(updated);
      setRenaming(undefined);
    } catch (error) {
      report(error);
    }
  };

  return (
    <div class={threadRoot ? 'chat-with-thread' : 'chat-alone'}>
    <section class={drop.dragging ? 'chat-view dragging' : 'chat-view'} aria-label={`Chat: ${name}`} {...drop.handlers}>
      {drop.dragging && (
        <div class="drop-hint" aria-hidden="true">
          Drop files to attach them
        </div>
      )}
      <header class="chat-header">
        <a class="chat-back" href="#/chats">
          ← Chats
        </a>
        {renaming === undefined ? (
          <>
            <h2 class="chat-title">{name}</h2>
            <button type="button" onClick={() => setRenaming(chat.title ?? '')}>
              Rename
            </button>
          </>
        ) : (
          <form class="chat-rename" onSubmit={rename}>
            <label for="chat-title-input" class="visually-hidden">
              Chat title
            </label>
            <input id="chat-title-input" value={renaming} onInput={(e) => setRenaming(e.currentTarget.value)} maxLength={256} autoFocus />
            <button type="submit" class="primary">
              Save
            </button>
            <button type="button" onClick={() => setRenaming(undefined)}>
              Cancel
            </button>
          </form>
        )}
        <MemberList users={chat.users} presence={presence} />
      </header>
      <MessageList
        messages={messages}
        unreadAtOpen={unreadAtOpen}
        targetId={target?.entryId}
        onOpenThread={(entry) => setThreadId(entry.id)}
        onMarkUnread={messages.markUnread}
        editingId={editing.editingId}
        onEditing={editing.setEditing}
      />
      <p class="typing-indicator" aria-live="polite">
        {typing.length === 1 && `${userName(typing[0]!)} is typing…`}
        {typing.length > 1 && `${typing.map(userName).join(', ')} are typing…`}
      </p>
      <Composer onSend={messages.send} onTyping={noteTyping} attachments={attachments} onEditLast={editing.editLast} />
    </section>
    {threadRoot && <ThreadPanel key={threadRoot.id} root={threadRoot} onReact={messages.react} onClose={() => setThreadId(undefined)} />}
    </div>
  );
}
