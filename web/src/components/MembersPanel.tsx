/**
 * The chat's people, beside it: each with whether they are online; **Add people** (to a
 * DM of two, adding starts a new group chat with everyone, so the DM stays as it is);
 * **Leave chat** for a chat of three or more (`chats.leave`), after saying what it does.
 */
import { useState } from 'preact/hooks';
import { ConfabApiError, type Chat } from '../../../src/client/index.js';
import { MIN_USERS_TO_LEAVE } from '../../../src/schema/limits.js';
import { useConsole } from '../context.js';
import type { PresenceMap } from '../hooks/usePresence.js';
import { Avatar } from './Avatar.js';
import { ConfirmDialog } from './Modal.js';
import { chatName, userName } from './names.js';
import { PeoplePicker, usePicked } from './PeoplePicker.js';
import './MembersPanel.css';

interface Props {
  chat: Chat;
  presence: PresenceMap;
  onChanged(chat: Chat): void;
  /** A new group chat was made from this DM: open it. */
  onCreated(chat: Chat): void;
  onLeft(chat: Chat): void;
  onClose(): void;
}

export function MembersPanel({ chat, presence, onChanged, onCreated, onLeft, onClose }: Props) {
  const { client, self, report } = useConsole();
  const [adding, setAdding] = useState(false);
  const [leaving, setLeaving] = useState(false);
  const [refusal, setRefusal] = useState<string | undefined>();
  const { picked, toggle } = usePicked();
  const pair = chat.users.length < MIN_USERS_TO_LEAVE;
  const mayLeave = !pair && chat.users.some((user) => user.id === self.id);

  const add = async (event: Event) => {
    event.preventDefault();
    try {
      const everyone = [...chat.users.map((user) => user.id), ...picked];
      if (pair) onCreated((await client.chats.create({ type: 'dm', users: everyone, is_default: false })).chat);
      else onChanged((await client.chats.update({ id: chat.id, users: { set: everyone } })).chat);
      setAdding(false);
    } catch (error) {
      report(error);
    }
  };

  const leave = async () => {
    setLeaving(false);
    try {
      await client.call('chats.leave', { id: chat.id });
      onLeft(chat);
    } catch (error) {
      // The server's rule said no (a default DM): say why here, where the button was.
      if (error instanceof ConfabApiError && error.status === 400) setRefusal(error.body.message);
      else report(error);
    }
  };

  return (
    <aside id="members-panel" class="members-panel" aria-label="Chat members">
      <header class="thread-header">
        <h3>Members · {chat.users.length}</h3>
        <button type="button" onClick={onClose} aria-label="Close members">
          Close
        </button>
      </header>
      <ul class="members">
        {chat.users.map((user) => {
          const state = user.id === self.id ? 'online' : presence.get(user.id);
          return (
            <li key={user.id}>
              <Avatar user={user} />
              <span class="member-name">
                {userName(user)}
                {user.id === self.id && <span class="muted"> (you)</span>}
              </span>
              {state && <span class={`member-presence ${state}`}>{state}</span>}
            </li>
          );
        })}
      </ul>
      {chat.groups && chat.groups.length > 0 && (
        <p class="muted members-note">Also everyone in {chat.groups.map((group) => group.name ?? group.display_id ?? group.id).join(', ')}.</p>
      )}
      <div class="members-actions">
        {adding ? (
          <form class="members-add" onSubmit={add}>
            <PeoplePicker exclude={new Set(chat.users.map((user) => user.id))} picked={picked} onToggle={toggle} idPrefix="add-people" />
            {pair && <p class="muted">This is a DM of two: adding people starts a new group chat with all of you, and this DM stays as it is.</p>}
            <div class="modal-actions">
              <button type="button" onClick={() => setAdding(false)}>
                Cancel
              </button>
              <button type="submit" class="primary" disabled={picked.size === 0}>
                {pair ? 'Start group chat' : 'Add'}
              </button>
            </div>
          </form>
        ) : (
          <button type="button" onClick={() => setAdding(true)}>
            Add people
          </button>
        )}
        {mayLeave && (
          <button type="button" class="danger" onClick={() => setLeaving(true)}>
            Leave chat
          </button>
        )}
        {!mayLeave && pair && <p class="muted members-note">A DM of two cannot be left: it is yours and theirs.</p>}
        {refusal && (
          <p class="members-refusal" role="alert">
            {refusal}
          </p>
        )}
      </div>
      {leaving && (
        <ConfirmDialog title={`Leave ${chatName(chat, self.id)}?`} confirm="Leave chat" onConfirm={() => void leave()} onClose={() => setLeaving(false)}>
          <p>You will stop seeing its messages and it leaves your list. Someone still in it can add you back.</p>
        </ConfirmDialog>
      )}
    </aside>
  );
}
