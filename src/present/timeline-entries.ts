/** Messages (DevRev timeline comments) → wire objects. */
import { postingVouches } from '../domain/policy/customers.js';
import { formatDisplayId, formatDon } from '../domain/ids.js';
import { presentArtifactSummary } from './artifacts.js';
import type { TimelineEntry } from '../model/index.js';
import type { TimelineEntry as TimelineEntryWire } from '../schema/timeline-entries.js';
import { presentUserSummary } from './users.js';
import { withContacts, type Viewpoint } from './viewpoint.js';

/** A message on the wire: a deleted one keeps its place and loses `body` and `body_type`. */
export function presentTimelineEntry(entry: TimelineEntry, outside: Viewpoint): TimelineEntryWire {
  // Whoever reads a message is in its chat; its author joined that chat by writing where
  // customers read (domain/policy/customers.ts). Only the author may change an entry.
  const view = withContacts(outside, postingVouches(entry.createdBy, entry.visibility) ? [entry.createdBy] : []);
  const { org } = view;
  const wire: TimelineEntryWire = {
    type: 'timeline_comment',
    id: formatDon('timeline_comment', org.slug, entry.number),
    display_id: formatDisplayId('timeline_comment', entry.number),
    // A reply's object is its comment; everything else's is the chat, whose DevRev type is `dm`
    // (its object-type enum has no `chat`), or the support conversation.
    ...(entry.parentNumber != null
      ? {
          object: formatDon('timeline_comment', org.slug, entry.parentNumber),
          object_display_id: formatDisplayId('timeline_comment', entry.parentNumber),
          object_type: 'timeline_comment' as const,
        }
      : entry.chatType === 'conversation'
        ? {
            object: formatDon('conversation', org.slug, entry.chatNumber),
            object_display_id: formatDisplayId('conversation', entry.chatNumber),
            object_type: 'conversation' as const,
          }
        : {
            object: formatDon('chat', org.slug, entry.chatNumber),
            object_display_id: formatDisplayId('chat', entry.chatNumber),
            object_type: 'dm' as const,
          }),
    created_by: presentUserSummary(entry.createdBy, view),
    created_date: entry.createdAt,
    modified_by: presentUserSummary(entry.modifiedBy, view),
    modified_date: entry.modifiedAt,
    visibility: entry.visibility,
    // Events recorded before reactions existed carry none.
    reactions: (entry.reactions ?? []).map((reaction) => ({
      emoji: reaction.emoji,
      ...(view.user && { reacted: reaction.userIds.includes(view.user.id) }),
      total_users: reaction.userIds.length,
    })),
  };
  if (entry.body !== null) wire.body = entry.body;
  if (entry.bodyType !== null) wire.body_type = entry.bodyType;
  if (entry.externalRef !== null) wire.external_ref = entry.externalRef;
  if (entry.labels.length > 0) wire.labels = entry.labels;
  // Events recorded before files on messages carry none.
  if ((entry.artifacts ?? []).length > 0) wire.artifacts = entry.artifacts.map((file) => presentArtifactSummary(file, view));
  // Events recorded before threads existed carry no count.
  if ((entry.totalReplies ?? 0) > 0) wire.thread = { total_replies: entry.totalReplies };
  return wire;
}
