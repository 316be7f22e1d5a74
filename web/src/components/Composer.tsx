/** Writes a message: Enter sends, Shift+Enter starts a new line. */
import { useState } from 'preact/hooks';
import { useConsole } from '../context.js';
import './Composer.css';

interface Props {
  onSend(body: string): Promise<void>;
  onTyping?(): void;
  /** The box's accessible name: `Message` in a chat, `Reply` in a thread. */
  label?: string;
  id?: string;
}

export function Composer({ onSend, onTyping, label = 'Message', id = 'composer-message' }: Props) {
  const { report } = useConsole();
  const [body, setBody] = useState('');
  const [sending, setSending] = useState(false);

  const send = async () => {
    if (body.trim() === '' || sending) return;
    setSending(true);
    try {
      await onSend(body);
      setBody('');
    } catch (error) {
      report(error);
    } finally {
      setSending(false);
    }
  };

  return (
    <form
      class="composer"
      onSubmit={(event) => {
        event.preventDefault();
        void send();
      }}
    >
      <label for={id} class="visually-hidden">
        {label}
      </label>
      <textarea
        id={id}
        rows={2}
        placeholder={`${label === 'Message' ? 'Write a message' : 'Reply'} (Enter sends, Shift+Enter for a new line)`}
        value={body}
        onInput={(event) => {
          setBody(event.currentTarget.value);
          onTyping?.();
        }}
        onKeyDown={(event) => {
          if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
            event.preventDefault();
            void send();
          }
        }}
      />
      <button type="submit" class="primary" disabled={sending} aria-label={label === 'Message' ? 'Send' : `Send ${label.toLowerCase()}`}>
        Send
      </button>
    </form>
  );
}
