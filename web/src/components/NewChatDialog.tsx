/**
 * Start a chat: pick the people, optionally name it. With one other person it is your
 * DM with them (an existing one is reused); with more, a new group chat, which people
 * can later be added to or leave.
 */
import { useState } from 'preact/hooks';
import type { Chat } from '../../../src/client/index.js';
import { useConsole } from '../context.js';
import { Modal } from './Modal.js';
import { PeoplePicker, usePicked } from './PeoplePicker.js';
import './NewChatDialog.css';

export function NewChatDialog({ onClose, onCreated }: { onClose(): void; onCreated(chat: Chat): void }) {
  const { client, self, report } = useConsole();
  const { picked, toggle } = usePicked();
  const [title, setTitle] = useState('');

  const create = async (event: Event) => {
    event.preventDefault();
    try {
      const { chat } = await client.chats.create({
        type: 'dm',
        users: [self.id, ...picked],
        ...(picked.size === 1 ? { get_if_conflict: true } : { is_default: false }),
        ...(title.trim() !== '' && { title: title.trim() }),
      });
      onCreated(chat);
    } catch (error) {
      report(error);
    }
  };

  return (
    <Modal label="New chat" onClose={onClose} class="new-chat">
      <form onSubmit={create}>
        <h2>New chat</h2>
        <PeoplePicker exclude={new Set([self.id])} picked={picked} onToggle={toggle} idPrefix="new-chat" />
        <label for="new-chat-title">Title (optional)</label>
        <input id="new-chat-title" value={title} onInput={(e) => setTitle(e.currentTarget.value)} maxLength={256} />
        {picked.size > 1 && <p class="muted">With {picked.size} people this is a new group chat: you can add people to it later, and anyone can leave it.</p>}
        <div class="new-chat-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" class="primary" disabled={picked.size === 0}>
            Start chat
          </button>
        </div>
      </form>
    </Modal>
  );
}
