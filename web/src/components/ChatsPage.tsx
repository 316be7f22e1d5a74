/** The chat list beside the open chat (one at a time on a narrow screen). */
import { useEffect, useState } from 'preact/hooks';
import { useConsole } from '../context.js';
import { useChats } from '../hooks/useChats.js';
import { usePresence } from '../hooks/usePresence.js';
import { chatHref, type Route } from '../hooks/useRoute.js';
import { ChatList } from './ChatList.js';
import { ChatView } from './ChatView.js';
import { MessageSearch } from './MessageSearch.js';
import { NewChatDialog } from './NewChatDialog.js';
import './ChatsPage.css';

export function ChatsPage({ openChatId, target }: { openChatId?: string; target?: Route['target'] }) {
  const { client, report, self } = useConsole();
  const chats = useChats(openChatId);
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

  return (
    <div class={`chats-page ${openChatId ? 'has-open-chat' : ''}`}>
      <div class="chats-side">
        <div class="chats-side-actions">
          <button type="button" class="primary" onClick={() => setPicking(true)}>
            New chat
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
          />
        ) : (
          <p class="chats-empty muted">{openChatId ? 'Opening the chat…' : 'Pick a chat, or start one with New chat.'}</p>
        )}
      </div>
      {picking && (
        <NewChatDialog
          onClose={() => setPicking(false)}
          onCreated={(chat) => {
            setPicking(false);
            chats.upsert(chat);
            window.location.hash = chatHref(chat.id);
          }}
        />
      )}
    </div>
  );
}
