/** The chat list beside the open chat (one at a time on a narrow screen). */
import { useEffect, useState } from 'preact/hooks';
import type { Chat } from '../../../src/client/index.js';
import { useConsole } from '../context.js';
import type { useChats } from '../hooks/useChats.js';
import { usePresence } from '../hooks/usePresence.js';
import { chatHref, type Route } from '../hooks/useRoute.js';
import { ChatList } from './ChatList.js';
import { ChatView } from './ChatView.js';
import { MessageSearch } from './MessageSearch.js';
import { NewChatDialog } from './NewChatDialog.js';
import './ChatsPage.css';

interface Props {
  /** The chat list, kept by the shell (its unread count is the tab's title too). */
  chats: ReturnType<typeof useChats>;
  openChatId?: string;
  target?: Route['target'];
}

export function ChatsPage({ chats, openChatId, target }: Props) {
  const { client, report, self } = useConsole();
  const [picking, setPicking] = useState(false);
  const open = chats.rows.find((row) => row.chat.id === openChatId || row.chat.display_id === openChatId);
  // Everyone on screen but oneself: the people of the listed chats (the open one is among them).
  const presence = usePresence(chats.rows.flatMap((row) => row.chat.users.map((user) => user.id)).filter((id) => id !== self.id));

  // A chat opened by its link but not (yet) in the list: fetch it.
  useEffect(() => {
    if (!openChatId || !chats.loaded || open) return;
    client.chats.get({ id: openChatId }).then(({ chat }) => chats.upsert(chat), report);
  }, [openChatId, chats.loaded, open === undefined]);

  // Seen when open: on opening, and when a message arrives while it is open.
  const lastSeenEntry = open?.lastMessage?.id;
  const [unreadAtOpen, setUnreadAtOpen] = useState<{ chatId: string; count: number } | undefined>();
  useEffect(() => {
    if (!open) return;
    if (unreadAtOpen?.chatId !== open.chat.id) setUnreadAtOpen({ chatId: open.chat.id, count: open.unread });
    if (open.unread > 0 || lastSeenEntry) chats.markSeen(open.chat.id);
  }, [open?.chat.id, lastSeenEntry]);

  /** A chat made here (New chat, people added to a DM): into the list, and open. */
  const opened = (chat: Chat) => {
    chats.upsert(chat);
    window.location.hash = chatHref(chat.id);
  };

  return (
    <div class={`chats-page ${openChatId ? 'has-open-chat' : ''}`}>
      <div class="chats-side">
        <div class="chats-side-actions">
          <button type="button" class="primary" onClick={() => setPicking(true)}>
            New chat
          </button>
          <button type="button" onClick={chats.markAllSeen} disabled={!chats.rows.some((row) => row.unread > 0)}>
            Mark all read
          </button>
        </div>
        <MessageSearch chats={chats.rows.map((row) => row.chat)} openChat={open?.chat} />
        <ChatList rows={chats.rows} openChatId={open?.chat.id} loaded={chats.loaded} presence={presence} />
      </div>
      <div class="chats-main">
        {open ? (
          <ChatView
            key={open.chat.id}
            chat={open.chat}
            unreadAtOpen={unreadAtOpen?.chatId === open.chat.id ? unreadAtOpen.count : open.unread}
            target={target}
            presence={presence}
            onChanged={(chat) => chats.upsert(chat)}
            onCreated={opened}
            onLeft={(chat) => {
              chats.remove(chat.id);
              window.location.hash = '#/chats';
            }}
          />
        ) : (
          <div class="chats-empty">
            {openChatId ? (
              <p class="muted" role="status">
                Opening the chat…
              </p>
            ) : chats.loaded && chats.rows.length === 0 ? (
              <>
                <h2>No chats yet</h2>
                <p>
                  Press <strong>New chat</strong> and pick the people to talk to. Nobody to pick? An admin adds people with{' '}
                  <code>confab users create</code> and gives them a token with <code>confab tokens create</code>.
                </p>
              </>
            ) : (
              <>
                <h2>Pick a chat</h2>
                <p class="muted">
                  Choose one from the list, start one with <strong>New chat</strong>, or press <kbd>Ctrl</kbd>+<kbd>K</kbd> to jump to a chat
                  by name (<kbd>?</kbd> lists every shortcut).
                </p>
              </>
            )}
          </div>
        )}
      </div>
      {picking && (
        <NewChatDialog
          onClose={() => setPicking(false)}
          onCreated={(chat) => {
            setPicking(false);
            opened(chat);
          }}
        />
      )}
    </div>
  );
}
