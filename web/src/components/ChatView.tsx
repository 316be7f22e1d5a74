/** One open chat: its name (renamable), members, messages and the composer. */
import { useEffect, useRef, useState } from 'preact/hooks';
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
import { MembersPanel } from './MembersPanel.js';
import { MessageList } from './MessageList.js';
import { ThreadPanel } from './ThreadPanel.js';
import { chatName, userName } from './names.js';
import './ChatView.css';

interface Props {
  chat: Chat;
  /** Unread messages when the chat was opened: the "new" marker goes above them. */
  unreadAtOpen: number;
  onChanged(chat: Chat): void;
  /** A chat made from this one (people added to a DM of two): open it. */
  onCreated(chat: Chat): void;
  /** The person left this chat. */
  onLeft(chat: Chat): void;
  /** A message to show (a search hit's), and whether to open its thread. */
  target?: Route['target'];
  /** Who of the members is online (the dots beside them). */
  presence: PresenceMap;
}

export function ChatView({ chat, unreadAtOpen, onChanged, onCreated, onLeft, target, presence }: Props) {
  const { client, self, report } = useConsole();
  const messages = useMessages(chat.id);
  const { typing, noteTyping } = useTyping(chat.id);
  const attachments = useAttachments();
  const drop = useFileDrop(attachments.add);
  const editing = useEditing(messages.entries, 'composer-message');
  const [renaming, setRenaming] = useState<string | undefined>();
  const [threadId, setThreadId] = useState<string | undefined>();
  const [members, setMembers] = useState(false);
  useEffect(() => {
    if (target?.thread) setThreadId(target.entryId);
  }, [target?.entryId, target?.thread]);
  // Escape closes the panel beside the chat (what a dialog or an edit box took is theirs).
  // Registered once, reading the panels' state as it is now: a key pressed right after a
  // panel opens must find it open.
  const panels = useRef({ members, threadId });
  panels.current = { members, threadId };
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Escape' || event.defaultPrevented || document.querySelector('dialog[open]')) return;
      const target = event.target as HTMLElement | null;
      // An edit box in a message cancels its edit with Escape; the menu closes itself.
      if (target?.closest?.('.account') || (target?.closest?.('.message') && ['INPUT', 'TEXTAREA'].includes(target.tagName))) return;
      if (panels.current.members) setMembers(false);
      else if (panels.current.threadId) setThreadId(undefined);
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);
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
    <div class={threadRoot || members ? 'chat-with-thread' : 'chat-alone'}>
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
        <button type="button" aria-expanded={members} aria-controls="members-panel" onClick={() => setMembers(!members)}>
          Members · {chat.users.length}
        </button>
      </header>
      <MessageList
        messages={messages}
        unreadAtOpen={unreadAtOpen}
        targetId={target?.entryId}
        onOpenThread={(entry) => {
          setMembers(false);
          setThreadId(entry.id);
        }}
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
    {members && (
      <MembersPanel chat={chat} presence={presence} onChanged={onChanged} onCreated={onCreated} onLeft={onLeft} onClose={() => setMembers(false)} />
    )}
    {!members && threadRoot && <ThreadPanel key={threadRoot.id} root={threadRoot} onReact={messages.react} onClose={() => setThreadId(undefined)} />}
    </div>
  );
}
