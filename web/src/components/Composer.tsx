/**
 * Writes a message: Enter sends, Shift+Enter starts a new line, ↑ in the empty box edits
 * one's last message. Where `attachments` is
 * given, files come with it (the Attach file button, a paste, or a drop on the chat):
 * they upload at once, wait as chips, and go with the next Send.
 */
import { useRef, useState } from 'preact/hooks';
import { useConsole } from '../context.js';
import type { Attachments } from '../hooks/useAttachments.js';
import { PendingFiles } from './PendingFiles.js';
import './Composer.css';

interface Props {
  onSend(body: string, artifactIds: string[]): Promise<void>;
  onTyping?(): void;
  /** The box's accessible name: `Message` in a chat, `Reply` in a thread. */
  label?: string;
  id?: string;
  attachments?: Attachments;
  /** ↑ in the empty box: edit one's last message (true when there was one to edit). */
  onEditLast?(): boolean;
}

export function Composer({ onSend, onTyping, label = 'Message', id = 'composer-message', attachments, onEditLast }: Props) {
  const { report } = useConsole();
  const [body, setBody] = useState('');
  const [sending, setSending] = useState(false);
  const picker = useRef<HTMLInputElement>(null);
  const artifactIds = attachments?.artifactIds ?? [];
  const uploading = attachments?.uploading ?? false;
  const text = body.trim() === '' ? '' : body;

  const send = async () => {
    if (sending || uploading || (text === '' && artifactIds.length === 0)) return;
    setSending(true);
    try {
      await onSend(text, artifactIds);
      setBody('');
      attachments?.clear();
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
      {attachments && attachments.problems.length > 0 && (
        <div class="composer-problems" role="alert">
          <ul>
            {attachments.problems.map((problem) => (
              <li key={problem.key}>
                Could not attach <strong>{problem.fileName}</strong>: {problem.message}
              </li>
            ))}
          </ul>
          <button type="button" onClick={attachments.dismissProblems}>
            Dismiss
          </button>
        </div>
      )}
      {attachments && attachments.files.length > 0 && <PendingFiles files={attachments.files} onRemove={attachments.remove} />}
      <div class="composer-row">
        {attachments && (
          <>
            <button type="button" class="composer-attach" aria-label="Attach file" title="Attach file" onClick={() => picker.current?.click()}>
              <PaperclipIcon />
            </button>
            <input
              ref={picker}
              type="file"
              multiple
              hidden
              tabIndex={-1}
              aria-label="Files to attach"
              onChange={(event) => {
                const input = event.currentTarget;
                attachments.add([...(input.files ?? [])]);
                // The same file may be picked again after being removed.
                input.value = '';
              }}
            />
          </>
        )}
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
            } else if (event.key === 'ArrowUp' && body === '' && !event.shiftKey && onEditLast?.()) {
              event.preventDefault();
            }
          }}
          onPaste={(event) => {
            // A pasted screenshot is a file; pasted text goes into the box as usual.
            const pasted = [...(event.clipboardData?.files ?? [])];
            if (!attachments || pasted.length === 0) return;
            event.preventDefault();
            attachments.add(pasted);
          }}
        />
        <button
          type="submit"
          class="primary"
          disabled={sending || uploading}
          title={uploading ? 'Waiting for the files to upload' : undefined}
          aria-label={label === 'Message' ? 'Send' : `Send ${label.toLowerCase()}`}
        >
          Send
        </button>
      </div>
    </form>
  );
}

function PaperclipIcon() {
  return (
    <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">
      <path
        d="M16.5 6.5v10a4.5 4.5 0 0 1-9 0V5a3 3 0 0 1 6 0v10.5a1.5 1.5 0 0 1-3 0V6.5"
        fill="none"
        stroke="currentColor"
        stroke-width="1.8"
        stroke-linecap="round"
        stroke-linejoin="round"
      />
    </svg>
  );
}
