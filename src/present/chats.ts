/** Chats → DevRev wire objects. Optional fields without a value are omitted. */
import { vouchedMembers } from '../domain/policy/customers.js';
import { formatDisplayId, formatDon } from '../domain/ids.js';
import type { Chat } from '../model/index.js';
import type { Chat as ChatWire } from '../schema/chats.js';
import { presentGroupSummary } from './groups.js';
import { presentUserSummary } from './users.js';
import { withContacts, type Viewpoint } from './viewpoint.js';

export function presentChat(chat: Chat, outside: Viewpoint): ChatWire {
  const view = withContacts(outside, vouchedMembers(chat));
  const wire: ChatWire = {
    // Conversations are presented as conversations (present/conversations.ts); a chat is a DM.
    type: 'dm',
    // A conversation's read marker (chat_read) names the conversation.
    id: formatDon(chat.type === 'conversation' ? 'conversation' : 'chat', view.org.slug, chat.number),
    display_id: formatDisplayId(chat.type === 'conversation' ? 'conversation' : 'chat', chat.number),
    created_by: presentUserSummary(chat.createdBy, view),
    created_date: chat.createdAt,
    modified_by: presentUserSummary(chat.modifiedBy, view),
    modified_date: chat.modifiedAt,
    users: chat.users.map((user) => presentUserSummary(user, view)),
    groups: chat.groups.map((group) => presentGroupSummary(group, view)),
  };
  if (chat.title !== null) wire.title = chat.title;
  if (chat.syncMetadata !== null) wire.sync_metadata = chat.syncMetadata;
  return wire;
}
