/** The chats the person is in: newest activity first, unread badges, last message, and a DM partner's presence. */
import { useConsole } from '../context.js';
import type { ChatRow } from '../hooks/useChats.js';
import type { PresenceMap } from '../hooks/usePresence.js';
import { chatHref } from '../hooks/useRoute.js';
import { chatName, messagePreview, userName } from './names.js';
import { PresenceDot } from './PresenceDot.js';
import './ChatList.css';

interface Props {
  rows: ChatRow[];
  openChatId?: string;
  loaded: boolean;
  presence: PresenceMap;
}

export function ChatList({ rows, openChatId, loaded, presence }: Props) {
  const { self } = useConsole();
  return (
    <nav class="chat-list" aria-label="Chats">
      {loaded && rows.length === 0 && <p class="muted chat-list-empty">No chats yet: press New chat to start one.</p>}
      <ul>
        {rows.map(({ chat, lastMessage, unread }) => {
          const name = chatName(chat, self.id);
          // A DM with one other person shows whether they are online; a chat of many, in its header.
          const others = chat.users.filter((user) => user.id !== self.id);
          const partner = others.length === 1 ? others[0] : undefined;
          const preview = lastMessage
            ? lastMessage.body === undefined && !lastMessage.artifacts?.length
              ? 'message deleted'
              : `${lastMessage.created_by.id === self.id ? 'You' : userName(lastMessage.created_by)}: ${messagePreview(lastMessage)}`
            : '';
          return (
            <li key={chat.id}>
              <a
                href={chatHref(chat.id)}
                class={chat.id === openChatId ? 'chat-row open' : 'chat-row'}
                aria-current={chat.id === openChatId ? 'page' : undefined}
              >
                <span class="chat-row-name">
                  {partner && <PresenceDot state={presence.get(partner.id)} />}
                  {name}
                </span>
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
