/**
 * Which message is being edited, in a chat or a thread: started by its Edit button or by ↑
 * in the empty composer (one's last message, as in Slack), and ended by Save, Cancel or
 * Escape — which hand the keyboard back to the composer.
 */
import { useCallback, useState } from 'preact/hooks';
import type { TimelineEntry } from '../../../src/schema/timeline-entries.js';
import { useConsole } from '../context.js';

export function useEditing(entries: TimelineEntry[], composerId: string) {
  const { self } = useConsole();
  const [editingId, setEditingId] = useState<string | undefined>();

  const setEditing = useCallback(
    (id: string | undefined) => {
      setEditingId(id);
      if (id === undefined) document.getElementById(composerId)?.focus();
    },
    [composerId],
  );

  /** ↑ in the empty composer: one's latest message that still has its text. */
  const editLast = (): boolean => {
    const last = [...entries].reverse().find((entry) => entry.created_by.id === self.id && entry.body !== undefined);
    if (last) setEditingId(last.id);
    return last !== undefined;
  };

  return { editingId, setEditing, editLast };
}
