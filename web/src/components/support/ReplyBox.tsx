/**
 * Writes to the conversation: Enter sends, Shift+Enter starts a new line. Staff choose
 * between a reply (the customer sees it) and an internal note (the team only); the box
 * turns the notes' colour and says so, so that a note is never sent as a reply by mistake.
 */
import { useRef, useState } from 'preact/hooks';
import { useConsole } from '../../context.js';

interface Props {
  onSend(body: string, internal: boolean): Promise<void>;
  /** Tells the others someone is writing: for replies only, since a customer must not learn of a note being written. */
  onTyping(): void;
  /** Offer internal notes (staff only). */
  notes: boolean;
}

export function ReplyBox({ onSend, onTyping, notes }: Props) {
  const { report } = useConsole();
  const [body, setBody] = useState('');
  const [internal, setInternal] = useState(false);
  const [sending, setSending] = useState(false);
  const box = useRef<HTMLTextAreaElement>(null);
  /** Switching between reply and note goes on writing, in the box. */
  const choose = (note: boolean) => {
    setInternal(note);
    box.current?.focus();
  };
  const label = internal ? 'Internal note' : notes ? 'Reply' : 'Message';

  const send = async () => {
    if (sending || body.trim() === '') return;
    setSending(true);
    try {
      await onSend(body, internal);
      setBody('');
    } catch (error) {
      report(error);
    } finally {
      setSending(false);
    }
  };

  return (
    <form
      class={internal ? 'reply-box internal' : 'reply-box'}
      onSubmit={(event) => {
        event.preventDefault();
        void send();
      }}
    >
      {notes && (
        <div class="reply-modes" role="group" aria-label="Write">
          <button type="button" aria-pressed={!internal} onClick={() => choose(false)}>
            Reply
          </button>
          <button type="button" aria-pressed={internal} onClick={() => choose(true)}>
            Internal note
          </button>
          {internal && <span class="reply-hint">Only your team sees notes: the customer never does.</span>}
        </div>
      )}
      <label for="reply-body" class="visually-hidden">
        {label}
      </label>
      <textarea
        id="reply-body"
        ref={box}
        rows={3}
        value={body}
        placeholder={internal ? 'Write a note for your team…' : notes ? 'Write a reply to the customer…' : 'Write to our support team…'}
        onInput={(event) => {
          setBody(event.currentTarget.value);
          if (!internal) onTyping();
        }}
        onKeyDown={(event) => {
          if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
            event.preventDefault();
            void send();
          }
        }}
      />
      <div class="reply-actions">
        <button type="submit" class="primary" disabled={sending || body.trim() === ''}>
          {internal ? 'Add note' : notes ? 'Send reply' : 'Send'}
        </button>
      </div>
    </form>
  );
}
