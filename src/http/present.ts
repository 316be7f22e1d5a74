/** Domain objects → DevRev wire objects. Optional fields without a value are omitted. */
import { formatDisplayId, formatDon } from '../domain/ids.js';
import type { ArtifactSummary as ArtifactSummaryModel, Chat, Group, Org, TimelineEntry, User } from '../domain/model.js';
import type { Chat as ChatWire } from '../schema/chats.js';
import type { ArtifactSummary, GroupSummary, UserSummary } from '../schema/common.js';
import type { TimelineEntry as TimelineEntryWire } from '../schema/timeline-entries.js';
import type { DevUser } from '../schema/users.js';

export function presentUserSummary(user: User, org: Org): UserSummary {
  const summary: UserSummary = {
    type: user.type,
    id: formatDon(user.type, org.slug, user.number),
    display_id: formatDisplayId(user.type, user.number),
    display_name: user.displayName,
    state: user.state,
  };
  if (user.fullName !== null) summary.full_name = user.fullName;
  if (user.email !== null) summary.email = user.email;
  if (user.displayPicture !== null) summary.display_picture = presentArtifactSummary(user.displayPicture, org);
  if (user.type === 'rev_user') {
    if (user.externalRef !== null) summary.external_ref = user.externalRef;
    if (user.revOrg !== null) {
      summary.rev_org = {
        type: 'rev_org',
        id: formatDon('rev_org', org.slug, user.revOrg.number),
        display_id: formatDisplayId('rev_org', user.revOrg.number),
        display_name: user.revOrg.displayName,
      };
    }
  }
  return summary;
}

export function presentArtifactSummary(artifact: ArtifactSummaryModel, org: Org): ArtifactSummary {
  const file: NonNullable<ArtifactSummary['file']> = { name: artifact.fileName };
  if (artifact.fileType !== null) file.type = artifact.fileType;
  if (artifact.size !== null) file.size = artifact.size;
  return { id: formatDon('artifact', org.slug, artifact.number), display_id: formatDisplayId('artifact', artifact.number), file };
}

export function presentGroupSummary(group: Group, org: Org): GroupSummary {
  return {
    id: formatDon('group', org.slug, group.number),
    display_id: formatDisplayId('group', group.number),
    member_type: group.memberType,
    name: group.name,
  };
}

export function presentChat(chat: Chat, org: Org): ChatWire {
  const wire: ChatWire = {
    type: chat.type,
    id: formatDon('chat', org.slug, chat.number),
    display_id: formatDisplayId('chat', chat.number),
    created_by: presentUserSummary(chat.createdBy, org),
    created_date: chat.createdAt,
    modified_by: presentUserSummary(chat.modifiedBy, org),
    modified_date: chat.modifiedAt,
    users: chat.users.map((user) => presentUserSummary(user, org)),
    groups: chat.groups.map((group) => presentGroupSummary(group, org)),
  };
  if (chat.title !== null) wire.title = chat.title;
  if (chat.syncMetadata !== null) wire.sync_metadata = chat.syncMetadata;
  return wire;
}

export function presentDevUser(user: User, org: Org): DevUser {
  const summary = presentUserSummary(user, org);
  const devUser: DevUser = {
    type: 'dev_user',
    id: summary.id,
    display_id: summary.display_id!,
    display_name: user.displayName,
    state: user.state,
    created_date: user.createdAt,
    modified_date: user.modifiedAt,
  };
  if (summary.full_name !== undefined) devUser.full_name = summary.full_name;
  if (summary.email !== undefined) devUser.email = summary.email;
  if (summary.display_picture !== undefined) devUser.display_picture = summary.display_picture;
  return devUser;
}

/** A message on the wire: a deleted one keeps its place and loses `body` and `body_type`. */
export function presentTimelineEntry(entry: TimelineEntry, org: Org): TimelineEntryWire {
  const wire: TimelineEntryWire = {
    type: 'timeline_comment',
    id: formatDon('timeline_comment', org.slug, entry.number),
    display_id: formatDisplayId('timeline_comment', entry.number),
    object: formatDon('chat', org.slug, entry.chatNumber),
    object_display_id: formatDisplayId('chat', entry.chatNumber),
    // DevRev's value for a DM; its object-type enum has no `chat`.
    object_type: 'dm',
    created_by: presentUserSummary(entry.createdBy, org),
    created_date: entry.createdAt,
    modified_by: presentUserSummary(entry.modifiedBy, org),
    modified_date: entry.modifiedAt,
    visibility: entry.visibility,
  };
  if (entry.body !== null) wire.body = entry.body;
  if (entry.bodyType !== null) wire.body_type = entry.bodyType;
  if (entry.externalRef !== null) wire.external_ref = entry.externalRef;
  if (entry.labels.length > 0) wire.labels = entry.labels;
  return wire;
}
