/** Asks before a message is deleted: a modal dialog, Delete focused, Escape or Cancel to keep it. */
import { useEffect, useRef } from 'preact/hooks';
import './ConfirmDelete.css';

export function ConfirmDelete({ preview, onConfirm, onClose }: { preview: string; onConfirm(): void; onClose(): void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => dialog.current?.showModal(), []);
  return (
    <dialog ref={dialog} class="confirm-delete" aria-labelledby="confirm-delete-heading" onClose={onClose} onCancel={onClose}>
      <h2 id="confirm-delete-heading">Delete message</h2>
      <p>Delete this message for everyone in the chat? This cannot be undone.</p>
      {preview && <blockquote class="confirm-delete-preview">{preview}</blockquote>}
      <div class="confirm-delete-actions">
        <button type="button" onClick={onClose}>
          Cancel
        </button>
        <button type="button" class="danger-solid" autoFocus onClick={onConfirm}>
          Delete
        </button>
      </div>
    </dialog>
  );
}
