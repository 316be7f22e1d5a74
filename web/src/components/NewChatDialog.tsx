/** Start a DM: pick the people, optionally name it; an existing default DM is reused. */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Chat, DevUser } from '../../../src/client/index.js';
import { useConsole } from '../context.js';
import { userName } from './names.js';
import './NewChatDialog.css';

export function NewChatDialog({ onClose, onCreated }: { onClose(): void; onCreated(chat: Chat): void }) {
  const { client, self, report } = useConsole();
  const dialog = useRef<HTMLDialogElement>(null);
  const [users, setUsers] = useState<DevUser[] | undefined>();
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const [title, setTitle] = useState('');
  const [filter, setFilter] = useState('');

  useEffect(() => {
    dialog.current?.showModal();
    client
      .call<{ dev_users: DevUser[] }>('dev-users.list', { limit: 100, state: ['active'] })
      .then(({ dev_users }) => setUsers(dev_users.filter((user) => user.id !== self.id)), report);
  }, []);

  const toggle = (id: string) =>
    setPicked((current) => {
      const next = new Set(current);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  const create = async (event: Event) => {
    event.preventDefault();
    try {
      const { chat } = await client.chats.create({
        type: 'dm',
        users: [self.id, ...picked],
        get_if_conflict: true,
        ...(title.trim() !== '' && { title: title.trim() }),
      });
      onCreated(chat);
    } catch (error) {
      report(error);
    }
  };

  const shown = (users ?? []).filter((user) => `${userName(user)} ${user.email ?? ''}`.toLowerCase().includes(filter.toLowerCase()));

  return (
    <dialog ref={dialog} class="new-chat" aria-labelledby="new-chat-heading" onClose={onClose} onCancel={onClose}>
      <form onSubmit={create}>
        <h2 id="new-chat-heading">New chat</h2>
        <label for="new-chat-filter">Find people</label>
        <input id="new-chat-filter" type="search" value={filter} onInput={(e) => setFilter(e.currentTarget.value)} />
        <fieldset>
          <legend>People</legend>
          {users === undefined && <p role="status">Loading people…</p>}
          {users !== undefined && shown.length === 0 && <p class="muted">Nobody else here yet: create users with the CLI or Inspect → Users.</p>}
          <ul>
            {shown.map((user) => (
              <li key={user.id}>
                <label>
                  <input type="checkbox" checked={picked.has(user.id)} onChange={() => toggle(user.id)} />
                  {userName(user)} <span class="muted">{user.email}</span>
                </label>
              </li>
            ))}
          </ul>
        </fieldset>
        <label for="new-chat-title">Title (optional)</label>
        <input id="new-chat-title" value={title} onInput={(e) => setTitle(e.currentTarget.value)} maxLength={256} />
        <div class="new-chat-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" class="primary" disabled={picked.size === 0}>
            Start chat
          </button>
        </div>
      </form>
    </dialog>
  );
}
