/**
 * Typing, both ways: who else is typing in this chat (the stream's ephemeral `typing`
 * events, each shown until its `expires_at`), and telling the others when this person
 * types (`chats.typing`, at most every 2 s — the server sends no more often anyway).
 */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { UserSummary } from '../../../src/client/index.js';
import { useConsole } from '../context.js';
import { useLiveEvents } from './useEventStream.js';

const SEND_EVERY_MS = 2000;

interface Typing {
  chat: string | { id: string };
  user: UserSummary;
  expires_at: string;
}

export function useTyping(chatId: string) {
  const { client, events, self } = useConsole();
  const [typing, setTyping] = useState<Map<string, { user: UserSummary; until: number }>>(new Map());
  const lastSent = useRef(0);

  useLiveEvents(
    events,
    (event) => {
      if (event.type === 'typing') {
        const data = event.data as Typing;
        const chat = typeof data.chat === 'string' ? data.chat : data.chat.id;
        if (chat !== chatId || data.user.id === self.id) return;
        setTyping((current) => new Map(current).set(data.user.id, { user: data.user, until: Date.parse(data.expires_at) }));
      } else if (event.type === 'timeline_entry_created') {
        // Their message arrived: they are done typing it.
        const { entry } = event.data as { entry: { object: string; created_by: UserSummary } };
        if (entry.object !== chatId) return;
        setTyping((current) => {
          if (!current.has(entry.created_by.id)) return current;
          const next = new Map(current);
          next.delete(entry.created_by.id);
          return next;
        });
      }
    },
    [chatId],
  );

  // Forget each one when it expires.
  useEffect(() => {
    if (typing.size === 0) return;
    const next = Math.min(...[...typing.values()].map(({ until }) => until));
    const timer = setTimeout(
      () => setTyping((current) => new Map([...current].filter(([, { until }]) => until > Date.now()))),
      Math.max(50, next - Date.now()),
    );
    return () => clearTimeout(timer);
  }, [typing]);

  const noteTyping = useCallback(() => {
    if (Date.now() - lastSent.current < SEND_EVERY_MS) return;
    lastSent.current = Date.now();
    // Best effort: a lost typing notice is not worth an error banner.
    client.call('chats.typing', { id: chatId }).catch(() => undefined);
  }, [chatId, client]);

  return { typing: [...typing.values()].map(({ user }) => user), noteTyping };
}
