/**
 * Editing a message in place, the full width of the message: Enter saves, Escape cancels,
 * Shift+Enter starts a new line. Emptied, saving asks whether to delete it instead.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { useConsole } from '../context.js';

interface Props {
  id: string;
  text: string;
  onSave(body: string): Promise<void>;
  onCancel(): void;
  onEmptied(): void;
}

export function MessageEditor({ id, text, onSave, onCancel, onEmptied }: Props) {
  const { report } = useConsole();
  const [draft, setDraft] = useState(text);
  const [saving, setSaving] = useState(false);
  const box = useRef<HTMLTextAreaElement>(null);
  useEffect(() => {
    // The caret at the end, as where one left off typing.
    const element = box.current!;
    element.focus();
    element.setSelectionRange(element.value.length, element.value.length);
  }, []);

  const save = async () => {
    if (saving) return;
    if (draft.trim() === '') return onEmptied();
    if (draft === text) return onCancel();
    setSaving(true);
    try {
      await onSave(draft);
    } catch (error) {
      report(error);
      setSaving(false);
    }
  };

  return (
    <form
      class="message-edit"
      onSubmit={(event) => {
        event.preventDefault();
        void save();
      }}
    >
      <label class="visually-hidden" for={`edit-${id}`}>
        Edit message
      </label>
      <textarea
        id={`edit-${id}`}
        ref={box}
        value={draft}
        rows={Math.min(10, draft.split('\n').length + 1)}
        onInput={(event) => setDraft(event.currentTarget.value)}
        onKeyDown={(event) => {
          if (event.key === 'Escape') {
            // Closes the edit only, not the panel or dialog around it.
            event.preventDefault();
            event.stopPropagation();
            onCancel();
          } else if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
            event.preventDefault();
            void save();
          }
        }}
      />
      <div class="message-edit-actions">
        <span class="muted">Escape to cancel, Enter to save</span>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" class="primary" disabled={saving}>
          Save
        </button>
      </div>
    </form>
  );
}
