/**
 * Events as they go out: DevRev's webhook envelope `{id, webhook_id?, timestamp, type,
 * <type>: {…}}` with objects presented exactly as the REST API presents them. The stream
 * sends the same envelope without `webhook_id`.
 */
import { formatDon, PARTITION } from '../domain/ids.js';
import type { Org, StoredEvent } from '../model/index.js';
import { presentChat } from './chats.js';
import { presentConversation } from './conversations.js';
import { presentGroupSummary } from './groups.js';
import { presentTimelineEntry } from './timeline-entries.js';
import { presentUserSummary } from './users.js';
import type { Viewpoint } from './viewpoint.js';

export type Envelope = Record<string, unknown> & { id: string; timestamp: string; type: string };

/** `publicId` is the id as the organization sees it (domain/public-ids.ts), never the outbox's sequence number. */
export function eventDon(org: Org, kind: 'event' | 'verify', publicId: string): string {
  return `don:integration:${PARTITION}:devo/${org.slug}:webhook_${kind}/${publicId}`;
}

export function presentEventData(event: StoredEvent, view: Viewpoint): Record<string, unknown> {
  const { payload } = event;
  switch (event.type) {
    case 'chat_created':
    case 'chat_updated':
      return { chat: presentChat(payload.chat!, view) };
    case 'timeline_entry_created':
      return { entry: presentTimelineEntry(payload.entry!, view) };
    case 'timeline_entry_updated':
      return {
        entry: presentTimelineEntry(payload.entry!, view),
        ...(payload.oldEntry && { old_entry: presentTimelineEntry(payload.oldEntry, view) }),
      };
    case 'timeline_entry_deleted':
      return {
        id: formatDon('timeline_comment', view.org.slug, payload.oldEntry!.number),
        old_entry: presentTimelineEntry(payload.oldEntry!, view),
      };
    case 'chat_read':
      return {
        chat: presentChat(payload.chat!, view),
        ...(payload.read!.entryNumber !== undefined && {
          entry: formatDon('timeline_comment', view.org.slug, payload.read!.entryNumber),
        }),
        unread_count: payload.read!.unreadCount,
      };
    case 'conversation_created':
      return { conversation: presentConversation(payload.conversation!, view) };
    case 'conversation_updated':
      return {
        conversation: presentConversation(payload.conversation!, view),
        ...(payload.oldConversation && { old_conversation: presentConversation(payload.oldConversation, view) }),
      };
    case 'conversation_deleted':
      return {
        id: formatDon('conversation', view.org.slug, payload.oldConversation!.number),
        old_conversation: presentConversation(payload.oldConversation!, view),
      };
    case 'group_member_added':
    case 'group_member_removed':
      return { group: presentGroupSummary(payload.group!, view), member: presentUserSummary(payload.member!, view) };
  }
}

export function presentEvent(event: StoredEvent, view: Viewpoint, publicId: string): Envelope {
  return {
    id: eventDon(view.org, 'event', publicId),
    timestamp: event.createdAt,
    type: event.type,
    [event.type]: presentEventData(event, view),
  };
}
