/** Ctrl/⌘+K: type part of a chat's name, ↑/↓ to pick, Enter to open it. */
import { useState } from 'preact/hooks';
import { useConsole } from '../context.js';
import type { ChatRow } from '../hooks/useChats.js';
import { openChatAndFocus } from '../hooks/useShortcuts.js';
import { Modal } from './Modal.js';
import { chatName } from './names.js';
import './JumpToChat.css';

export function JumpToChat({ rows, onClose }: { rows: readonly ChatRow[]; onClose(): void }) {
  const { self } = useConsole();
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  const found = rows
    .map((row) => ({ row, name: chatName(row.chat, self.id) }))
    .filter(({ name }) => words.every((word) => name.toLowerCase().includes(word)))
    .slice(0, 12);
  const current = Math.min(active, Math.max(found.length - 1, 0));
  const open = (chatId: string) => {
    onClose();
    openChatAndFocus(chatId);
  };
  return (
    <Modal label="Jump to a chat" onClose={onClose} class="jump">
      <div class="modal-body">
        <h2>Jump to a chat</h2>
        <label for="jump-query">Chat name</label>
        <input
          id="jump-query"
          type="text"
          role="combobox"
          autoComplete="off"
          aria-expanded="true"
          aria-controls="jump-results"
          aria-activedescendant={found.length > 0 ? `jump-${current}` : undefined}
          value={query}
          autoFocus
          onInput={(event) => {
            setQuery(event.currentTarget.value);
            setActive(0);
          }}
          onKeyDown={(event) => {
            if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
              event.preventDefault();
              const step = event.key === 'ArrowDown' ? 1 : -1;
              setActive(Math.min(Math.max(current + step, 0), Math.max(found.length - 1, 0)));
            } else if (event.key === 'Enter' && found[current]) {
              event.preventDefault();
              open(found[current].row.chat.id);
            }
          }}
        />
        <ul id="jump-results" role="listbox" aria-label="Matching chats" class="jump-results">
          {found.map(({ row, name }, index) => (
            <li
              key={row.chat.id}
              id={`jump-${index}`}
              role="option"
              aria-selected={index === current}
              onClick={() => open(row.chat.id)}
            >
              {name}
              {row.unread > 0 && <span class="muted"> · {row.unread} unread</span>}
            </li>
          ))}
        </ul>
        {found.length === 0 && <p class="muted">{rows.length === 0 ? 'No chats yet: start one with New chat.' : 'No chat has that in its name.'}</p>}
        <p class="muted jump-hint">↑/↓ to pick, Enter to open, Escape to close.</p>
      </div>
    </Modal>
  );
}
