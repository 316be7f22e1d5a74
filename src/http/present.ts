/** Domain objects → DevRev wire objects. Optional fields without a value are omitted. */
import { formatDisplayId, formatDon } from '../domain/ids.js';
import type { Chat, Group, Org, User } from '../domain/model.js';
import type { Chat as ChatWire } from '../schema/chats.js';
import type { GroupSummary, UserSummary } from '../schema/common.js';
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
  return devUser;
}
