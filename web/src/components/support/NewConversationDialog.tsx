/** A customer starts a conversation: a subject and their first message (`conversations.create`). */
import { useEffect, useRef, useState } from 'preact/hooks';
import { useConsole } from '../../context.js';
import type { Conversation } from '../../conversations.js';

export function NewConversationDialog({ onClose, onCreated }: { onClose(): void; onCreated(conversation: Conversation): void }) {
  const { client, report } = useConsole();
  const dialog = useRef<HTMLDialogElement>(null);
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
        <p class="muted">Tell us what you need: our support team answers here, and you will see the reply as soon as it is sent.</p>
        <label for="new-conversation-title">Subject</label>
        <input id="new-conversation-title" value={title} onInput={(e) => setTitle(e.currentTarget.value)} maxLength={256} required autoFocus />
        <label for="new-conversation-body">How can we help?</label>
        <textarea id="new-conversation-body" rows={5} value={body} onInput={(e) => setBody(e.currentTarget.value)} required />
        <div class="new-conversation-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" class="primary" disabled={sending || title.trim() === '' || body.trim() === ''}>
            Start conversation
          </button>
        </div>
      </form>
    </dialog>
  );
}
