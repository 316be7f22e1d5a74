/** Writes a message: Enter sends, Shift+Enter starts a new line. */
import { useState } from 'preact/hooks';
import { useConsole } from '../context.js';
import './Composer.css';

export function Composer({ onSend, onTyping }: { onSend(body: string): Promise<void>; onTyping?(): void }) {
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
      <label for="composer-message" class="visually-hidden">
        Message
      </label>
      <textarea
        id="composer-message"
        rows={2}
        placeholder="Write a message (Enter sends, Shift+Enter for a new line)"
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
      <button type="submit" class="primary" disabled={sending}>
        Send
      </button>
    </form>
  );
}
