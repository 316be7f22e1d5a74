/** Support conversations → DevRev wire objects. Optional fields without a value are omitted. */
import { vouchedMembers } from '../domain/policy/customers.js';
import { formatDisplayId, formatDon } from '../domain/ids.js';
import type { Conversation, TagRef } from '../model/index.js';
import type { Conversation as ConversationWire } from '../schema/conversations.js';
import { presentGroupSummary } from './groups.js';
import { presentUserSummary } from './users.js';
import { withContacts, type Viewpoint } from './viewpoint.js';

export function presentConversation(conversation: Conversation, outside: Viewpoint): ConversationWire {
  const view = withContacts(outside, vouchedMembers(conversation));
  const wire: ConversationWire = {
    id: formatDon('conversation', view.org.slug, conversation.number),
    display_id: formatDisplayId('conversation', conversation.number),
    created_by: presentUserSummary(conversation.createdBy, view),
    created_date: conversation.createdAt,
    modified_by: presentUserSummary(conversation.modifiedBy, view),
    modified_date: conversation.modifiedAt,
    members: conversation.users.map((user) => presentUserSummary(user, view)),
    owned_by: conversation.ownedBy.map((user) => presentUserSummary(user, view)),
    stage: { name: conversation.stage },
  };
  if (conversation.title !== null) wire.title = conversation.title;
  if (conversation.description !== null) wire.description = conversation.description;
  if (conversation.group !== null) wire.group = presentGroupSummary(conversation.group, view);
  if (conversation.tags.length > 0) wire.tags = conversation.tags.map(presentTag);
  if (conversation.sourceChannel !== null) wire.source_channel = conversation.sourceChannel;
  if (conversation.actualCloseDate !== null) wire.actual_close_date = conversation.actualCloseDate;
  if (conversation.customFields !== null) wire.custom_fields = conversation.customFields;
  return wire;
}

/** Confab knows a tag by its id alone: its name is its display id (`TAG-5`). */
function presentTag(tag: TagRef): NonNullable<ConversationWire['tags']>[number] {
  const number = /(\d+)$/.exec(tag.id)![1]!;
  return { tag: { id: tag.id, display_id: `TAG-${number}`, name: `TAG-${number}` }, ...(tag.value !== undefined && { value: tag.value }) };
}
