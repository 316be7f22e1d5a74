/**
 * The chat list: `chats.list`, kept live by the event stream — a new chat appears, a
 * renamed one changes, a message moves its chat to the top with the message as its
 * preview and, when it is someone else's in a chat not open, one more unread.
 */
import { useCallback, useEffect, useState } from 'preact/hooks';
import { ConfabApiError, isEventOf, type Chat } from '../../../src/client/index.js';
import type { TimelineEntry } from '../../../src/schema/timeline-entries.js';
import { useConsole } from '../context.js';
import { useLiveEvents } from './useEventStream.js';

export interface ChatRow {
  chat: Chat;
  lastMessage?: TimelineEntry;
  unread: number;
}

interface ChatsListAnswer {
  chats: { chat: Chat; unread_count: number; last_entry?: TimelineEntry }[];
  next_cursor?: string;
}

export function useChats(openChatId: string | undefined) {
  const { client, self, events, report } = useConsole();
  const [rows, setRows] = useState<ChatRow[]>([]);
  const [loaded, setLoaded] = useState(false);

  const load = useCallback(async () => {
    try {
      const answer = await client.call<ChatsListAnswer>('chats.list', { limit: 100 });
      setRows(
        answer.chats.map(({ chat, unread_count, last_entry }) => ({
          chat,
          ...(last_entry && { lastMessage: last_entry }),
          unread: unread_count,
        })),
      );
    } catch (error) {
      // A server without `chats.list` (older than the chat-list feature): the list fills
      // from the chats this session creates, opens and hears about.
      if (!(error instanceof ConfabApiError && error.status === 404)) report(error);
    } finally {
      setLoaded(true);
    }
  }, [client]);

  useEffect(() => void load(), [load]);

  const upsert = useCallback((chat: Chat, change: (row: ChatRow) => ChatRow = (row) => row) => {
    setRows((current) => {
      const existing = current.find((row) => row.chat.id === chat.id);
      const row = change(existing ? { ...existing, chat } : { chat, unread: 0 });
      return [row, ...current.filter((other) => other.chat.id !== chat.id)];
    });
  }, []);

  useLiveEvents(
    events,
    (event) => {
      if (isEventOf(event, 'chat_created') || isEventOf(event, 'chat_updated')) {
        const { chat } = event.data;
        setRows((current) =>
          current.some((row) => row.chat.id === chat.id)
            ? current.map((row) => (row.chat.id === chat.id ? { ...row, chat } : row))
            : [{ chat, unread: 0 }, ...current],
        );
      } else if (isEventOf(event, 'chat_read')) {
        // Read here or in another of this person's windows: the badge follows the marker.
        const { chat, unread_count } = event.data;
        setRows((current) => current.map((row) => (row.chat.id === chat.id ? { ...row, unread: unread_count } : row)));
      } else if (isEventOf(event, 'timeline_entry_created')) {
        const { entry } = event.data;
        // A reply in a thread: its object is a comment, and it is not a chat's last message.
        if (entry.object_type !== 'dm') return;
        setRows((current) => {
          const row = current.find((candidate) => candidate.chat.id === entry.object);
          if (!row) {
            void client.chats.get({ id: entry.object }).then(({ chat }) => upsert(chat, (r) => ({ ...r, lastMessage: entry })), report);
            return current;
          }
          const mine = entry.created_by.id === self.id;
          const updated = { ...row, lastMessage: entry, unread: entry.object === openChatId || mine ? row.unread : row.unread + 1 };
          return [updated, ...current.filter((other) => other !== row)];
        });
      }
    },
    [openChatId, self.id],
  );

  /** The open chat was seen: its marker moves to the latest message (chats.mark-read). */
  const markSeen = useCallback(
    (chatId: string) => {
      setRows((current) => current.map((row) => (row.chat.id === chatId && row.unread > 0 ? { ...row, unread: 0 } : row)));
      client.call('chats.mark-read', { id: chatId }).catch(report);
    },
    [client],
  );

  /** Every chat with unread messages is marked read ("Mark all read"). */
  const markAllSeen = useCallback(() => {
    for (const row of rows) if (row.unread > 0) client.call('chats.mark-read', { id: row.chat.id }).catch(report);
    setRows((current) => current.map((row) => (row.unread > 0 ? { ...row, unread: 0 } : row)));
  }, [client, rows]);

  /** The caller left a chat: it goes from the list at once. */
  const remove = useCallback((chatId: string) => setRows((current) => current.filter((row) => row.chat.id !== chatId)), []);

  return { rows, loaded, reload: load, upsert, markSeen, markAllSeen, remove };
}
