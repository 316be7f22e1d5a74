/**
 * A modal dialog (the platform's `<dialog>`): focus moves in and stays, Escape closes it,
 * and what was focused before gets focus back.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import './Modal.css';

export function Modal({ label, onClose, children, class: className }: { label: string; onClose(): void; children: ComponentChildren; class?: string }) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const before = document.activeElement as HTMLElement | null;
    dialog.current?.showModal();
    return () => before?.focus();
  }, []);
  return (
    <dialog ref={dialog} class={`modal ${className ?? ''}`} aria-label={label} onClose={onClose} onCancel={onClose}>
      {children}
    </dialog>
  );
}

/** "Are you sure?", said plainly: what will happen, and the button that does it named for it. */
export function ConfirmDialog({
  title,
  children,
  confirm,
  onConfirm,
  onClose,
}: {
  title: string;
  children: ComponentChildren;
  confirm: string;
  onConfirm(): void;
  onClose(): void;
}) {
  return (
    <Modal label={title} onClose={onClose}>
      <form
        method="dialog"
        class="modal-body"
        onSubmit={(event) => {
          event.preventDefault();
          onConfirm();
        }}
      >
        <h2>{title}</h2>
        {children}
        <div class="modal-actions">
          <button type="button" onClick={onClose} autoFocus>
            Cancel
          </button>
          <button type="submit" class="primary danger-fill">
            {confirm}
          </button>
        </div>
      </form>
    </Modal>
  );
}
