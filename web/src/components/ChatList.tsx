/** The chats the person is in: newest activity first, unread badges, last message. */
import { useConsole } from '../context.js';
import type { ChatRow } from '../hooks/useChats.js';
import { chatHref } from '../hooks/useRoute.js';
import { chatName, userName } from './names.js';
import './ChatList.css';

export function ChatList({ rows, openChatId, loaded }: { rows: ChatRow[]; openChatId?: string; loaded: boolean }) {
  const { self } = useConsole();
  return (
    <nav class="chat-list" aria-label="Chats">
      {loaded && rows.length === 0 && <p class="muted chat-list-empty">No chats yet.</p>}
      <ul>
        {rows.map(({ chat, lastMessage, unread }) => {
          const name = chatName(chat, self.id);
          const preview = lastMessage
            ? lastMessage.body === undefined
              ? 'message deleted'
              : `${lastMessage.created_by.id === self.id ? 'You' : userName(lastMessage.created_by)}: ${lastMessage.body}`
            : '';
          return (
            <li key={chat.id}>
              <a
                href={chatHref(chat.id)}
                class={chat.id === openChatId ? 'chat-row open' : 'chat-row'}
                aria-current={chat.id === openChatId ? 'page' : undefined}
              >
                <span class="chat-row-name">{name}</span>
                {unread > 0 && (
                  <span class="unread-badge" aria-label={`${unread} unread`}>
                    {unread}
                  </span>
                )}
                <span class="chat-row-preview">{preview}</span>
              </a>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
