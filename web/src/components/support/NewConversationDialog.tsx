/**
 * Starts a conversation (`conversations.create` with its first message): a customer writes to
 * the team; staff write to a customer they pick, who becomes its member.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { useConsole } from '../../context.js';
import type { Conversation } from '../../conversations.js';
import { isCustomer } from '../../identity.js';
import { CustomerPicker } from './CustomerPicker.js';

export function NewConversationDialog({ onClose, onCreated }: { onClose(): void; onCreated(conversation: Conversation): void }) {
  const { client, report, self } = useConsole();
  const staff = !isCustomer(self);
  const dialog = useRef<HTMLDialogElement>(null);
  const [customer, setCustomer] = useState('');
  const [title, setTitle] = useState('');
  const [body, setBody] = useState('');
  const [sending, setSending] = useState(false);

  useEffect(() => dialog.current?.showModal(), []);

  const start = async (event: Event) => {
    event.preventDefault();
    setSending(true);
    try {
      const { conversation } = await client.call('conversations.create', {
        type: 'support',
        title: title.trim(),
        messages: [{ body }],
        ...(staff && { members: [customer] }),
      });
      onCreated(conversation);
    } catch (error) {
      report(error);
      setSending(false);
    }
  };

  return (
    <dialog ref={dialog} class="new-conversation" aria-labelledby="new-conversation-heading" onClose={onClose} onCancel={onClose}>
      <form onSubmit={start}>
        <h2 id="new-conversation-heading">New conversation</h2>
        {staff ? (
          <CustomerPicker value={customer} onChange={setCustomer} />
        ) : (
          <p class="muted">Tell us what you need: our support team answers here, and you will see the reply as soon as it is sent.</p>
        )}
        <label for="new-conversation-title">Subject</label>
        <input id="new-conversation-title" value={title} onInput={(e) => setTitle(e.currentTarget.value)} maxLength={256} required autoFocus={!staff} />
        <label for="new-conversation-body">{staff ? 'First message' : 'How can we help?'}</label>
        <textarea id="new-conversation-body" rows={5} value={body} onInput={(e) => setBody(e.currentTarget.value)} required />
        <div class="new-conversation-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" class="primary" disabled={sending || title.trim() === '' || body.trim() === '' || (staff && customer === '')}>
            Start conversation
          </button>
        </div>
      </form>
    </dialog>
  );
}
