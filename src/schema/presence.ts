/**
 * presence.list and the `presence_changed` stream event: Confab additions (DevRev has no
 * presence), documented as such in /openapi.json.
 */
import { Type, type Static } from '@sinclair/typebox';
import { PRESENCE_STATES } from '../model/index.js';
import { MAX_PRESENCE_USERS } from './limits.js';
import { Id, StringEnum, Timestamp, UserSummary } from './common.js';

export const PresenceListRequest = Type.Object({
  users: Type.Array(Id, { minItems: 1, maxItems: MAX_PRESENCE_USERS }),
});
export type PresenceListRequest = Static<typeof PresenceListRequest>;

/** One user's presence: also the body of a `presence_changed` event. */
export const Presence = Type.Object({
  user: UserSummary,
  state: StringEnum(PRESENCE_STATES),
  /** When an offline user was last online; absent while online, and for one who never was. */
  last_seen: Type.Optional(Timestamp),
});
export type Presence = Static<typeof Presence>;

export const PresenceListResponse = Type.Object({
  /** In the order asked, each user once. */
  presence: Type.Array(Presence),
});
export type PresenceListResponse = Static<typeof PresenceListResponse>;
