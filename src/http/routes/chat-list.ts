import type { FastifyInstance } from 'fastify';
import { listChats, markChatRead, markChatUnread } from '../../domain/chat-list.js';
import { presentChat } from '../../present/chats.js';
import { presentTimelineEntry } from '../../present/timeline-entries.js';
import {
  ChatsListRequest,
  ChatsListResponse,
  ChatsMarkReadRequest,
  ChatsMarkUnreadRequest,
  EmptyResponse,
} from '../../schema/chat-list.js';
import type { Store } from '../../store/index.js';
import { operation } from '../operation.js';

/** Confab additions: DevRev has no way to list one's chats nor any read state. */
export function chatListRoutes(app: FastifyInstance, store: Store): void {
  operation(app, store, {
    name: 'chats.list',
    addition: true,
    request: ChatsListRequest,
    response: ChatsListResponse,
    get: true,
    async handle({ store, principal }, body) {
      const page = await listChats(store, principal, {
        cursor: body.cursor,
        limit: body.limit,
        mode: body.mode,
        type: body.type,
        users: body.users,
        isDefault: body.is_default,
      });
      return {
        chats: page.items.map((item) => ({
          chat: presentChat(item.chat, principal),
          unread_count: item.unreadCount,
          unread_thread_count: item.unreadThreadCount,
          ...(item.lastEntry && { last_entry: presentTimelineEntry(item.lastEntry, principal) }),
        })),
        ...(page.nextCursor && { next_cursor: page.nextCursor }),
        ...(page.prevCursor && { prev_cursor: page.prevCursor }),
      };
    },
  });

  operation(app, store, {
    name: 'chats.mark-read',
    addition: true,
    request: ChatsMarkReadRequest,
    response: EmptyResponse,
    async handle({ store, principal }, body) {
      await markChatRead(store, principal, { id: body.id, entry: body.entry });
      return {};
    },
  });

  operation(app, store, {
    name: 'chats.mark-unread',
    addition: true,
    request: ChatsMarkUnreadRequest,
    response: EmptyResponse,
    async handle({ store, principal }, body) {
      await markChatUnread(store, principal, { id: body.id, entry: body.entry });
      return {};
    },
  });
}
