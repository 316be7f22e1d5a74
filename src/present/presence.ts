/** Presence (a Confab addition) → the wire: `presence.list` items and `presence_changed` events. */
import type { PresenceItem } from '../domain/presence.js';
import type { Presence } from '../schema/presence.js';
import { presentUserSummary } from './users.js';
import type { Viewpoint } from './viewpoint.js';

export function presentPresence(item: PresenceItem, view: Viewpoint): Presence {
  return {
    user: presentUserSummary(item.user, view),
    state: item.state,
    ...(item.lastSeen !== undefined && { last_seen: item.lastSeen }),
  };
}

/** The stream's envelope for an ephemeral event: like typing's, no id, never replayed. */
export function presentPresenceChanged(item: PresenceItem, view: Viewpoint, timestamp: string): Record<string, unknown> {
  return { type: 'presence_changed', timestamp, presence_changed: presentPresence(item, view) };
}
