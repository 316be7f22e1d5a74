/** Groups → DevRev wire objects. */
import type { Static } from '@sinclair/typebox';
import { formatDisplayId, formatDon } from '../domain/ids.js';
import type { Group } from '../model/index.js';
import type { GroupSummary } from '../schema/common.js';
import type { Group as GroupWire } from '../schema/groups.js';
import type { Viewpoint } from './viewpoint.js';

export function presentGroupSummary(group: Group, view: Viewpoint): GroupSummary {
  return {
    id: formatDon('group', view.org.slug, group.number),
    display_id: formatDisplayId('group', group.number),
    member_type: group.memberType,
    name: group.name,
  };
}

export function presentGroup(group: Group, view: Viewpoint): Static<typeof GroupWire> {
  const wire: Static<typeof GroupWire> = {
    id: formatDon('group', view.org.slug, group.number),
    display_id: formatDisplayId('group', group.number),
    created_date: group.createdAt,
    modified_date: group.modifiedAt,
    is_default: false,
    member_type: group.memberType,
    name: group.name,
  };
  if (group.description !== null) wire.description = group.description;
  return wire;
}
