/**
 * Desktop notifications, only when the person asks for them (a button, never on load): a
 * new message from someone else, in a chat they are not looking at — another chat, or
 * this one while the tab is hidden — says who wrote it, where, and its first words.
 * Clicking it brings the tab forward on that chat.
 */
import { useRef, useState } from 'preact/hooks';
import { isEventOf } from '../../../src/client/index.js';
import { chatName, messagePreview, userName } from '../components/names.js';
import { useConsole } from '../context.js';
import type { ChatRow } from './useChats.js';
import { useLiveEvents } from './useEventStream.js';
import { chatHref } from './useRoute.js';

export type NotificationState = NotificationPermission | 'unsupported';

/** The first words of a message: enough to know what it is about. */
export function firstWords(text: string, max = 80): string {
  const line = text.replace(/\s+/g, ' ').trim();
  if (line.length <= max) return line;
  const cut = line.slice(0, max);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(' '), max / 2))}…`;
}

export function useNotifications(rows: readonly ChatRow[], openChatId: string | undefined) {
  const { self, events } = useConsole();
  const supported = typeof window.Notification === 'function';
  const [state, setState] = useState<NotificationState>(supported ? Notification.permission : 'unsupported');
  const latest = useRef({ rows, openChatId });
  latest.current = { rows, openChatId };

  useLiveEvents(
    events,
    (event) => {
      if (state !== 'granted' || !isEventOf(event, 'timeline_entry_created')) return;
      const { entry } = event.data;
      if (entry.object_type !== 'dm' || entry.created_by.id === self.id) return;
      const { rows: current, openChatId: open } = latest.current;
      const row = current.find((candidate) => candidate.chat.id === entry.object);
      const looking = row && (row.chat.id === open || row.chat.display_id === open) && document.visibilityState === 'visible';
      if (looking) return;
      const where = row ? chatName(row.chat, self.id) : 'a chat';
      const shown = new Notification(`${userName(entry.created_by)} in ${where}`, { body: firstWords(messagePreview(entry)), tag: entry.id });
      shown.onclick = () => {
        window.focus();
        window.location.hash = chatHref(entry.object);
        shown.close();
      };
    },
    [state, self.id],
  );

  const enable = async () => {
    if (!supported) return;
    setState(await Notification.requestPermission());
  };
  return { state, enable };
}
