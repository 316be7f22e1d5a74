import { Type, type Static } from '@sinclair/typebox';
import { Id, StringEnum, Timestamp, UserSummary } from './common.js';

export const MAX_WEBHOOK_HEADERS = 8;

/** DevRev's webhook-event-type: what `event_types` may name. */
export const WEBHOOK_EVENT_TYPES = [
  'conversation_created',
  'conversation_deleted',
  'conversation_updated',
  'dev_user_created',
  'dev_user_deleted',
  'dev_user_updated',
  'group_created',
  'group_deleted',
  'group_member_added',
  'group_member_removed',
  'group_updated',
  'rev_user_created',
  'rev_user_deleted',
  'rev_user_updated',
  'timeline_entry_created',
  'timeline_entry_deleted',
  'timeline_entry_updated',
  'verify',
  'webhook_created',
  'webhook_deleted',
  'webhook_updated',
] as const;
const EventType = StringEnum(WEBHOOK_EVENT_TYPES);
const EventTypes = Type.Array(EventType, { maxItems: WEBHOOK_EVENT_TYPES.length });

export const WebhookHeader = Type.Object({
  name: Type.String({ maxLength: 128 }),
  value: Type.String({ maxLength: 4096 }),
});
const Headers = Type.Array(WebhookHeader, { maxItems: MAX_WEBHOOK_HEADERS });

export const Webhook = Type.Object({
  id: Type.String(),
  display_id: Type.String(),
  created_by: UserSummary,
  created_date: Timestamp,
  modified_by: UserSummary,
  modified_date: Timestamp,
  event_types: Type.Optional(Type.Array(Type.String())),
  headers: Type.Optional(Headers),
  secret: Type.String(),
  status: StringEnum(['active', 'inactive', 'unverified'] as const),
  url: Type.String(),
});
export type Webhook = Static<typeof Webhook>;

export const WebhookResponse = Type.Object({ webhook: Webhook });

export const WebhooksCreateRequest = Type.Object({
  url: Type.String({ maxLength: 2048 }),
  secret: Type.Optional(Type.String({ maxLength: 256 })),
  event_types: Type.Optional(EventTypes),
  headers: Type.Optional(Headers),
});

export const WebhooksGetRequest = Type.Object({ id: Id });

export const WebhooksListRequest = Type.Object({}, { additionalProperties: false });
export const WebhooksListResponse = Type.Object({ webhooks: Type.Array(Webhook) });

export const WebhooksUpdateRequest = Type.Object({
  id: Id,
  action: Type.Optional(StringEnum(['activate', 'deactivate'] as const)),
  url: Type.Optional(Type.String({ maxLength: 2048 })),
  secret: Type.Optional(Type.String({ maxLength: 256 })),
  event_types: Type.Optional(
    Type.Object({ add: Type.Optional(EventTypes), remove: Type.Optional(EventTypes), set: Type.Optional(EventTypes) }),
  ),
  headers: Type.Optional(
    Type.Object({
      add: Type.Optional(Headers),
      remove: Type.Optional(Type.Array(Type.String({ maxLength: 128 }), { maxItems: MAX_WEBHOOK_HEADERS })),
      set: Type.Optional(Headers),
    }),
  ),
});

export const WebhooksDeleteRequest = Type.Object({ id: Id });
export const WebhooksDeleteResponse = Type.Object({});

/**
 * Confab addition: the delivery log of one webhook, newest first. `id` and `event_id` are
 * opaque (the last segment of the envelope's `id` the receiver got), unique within the organization.
 */
export const WebhookDelivery = Type.Object({
  id: Type.String(),
  type: Type.String(),
  event_id: Type.Optional(Type.String()),
  state: StringEnum(['pending', 'succeeded', 'failed'] as const),
  attempts: Type.Array(
    Type.Object({
      at: Timestamp,
      duration_ms: Type.Integer(),
      status_code: Type.Optional(Type.Integer()),
      error: Type.Optional(Type.String()),
    }),
  ),
  next_attempt_date: Type.Optional(Timestamp),
  created_date: Timestamp,
  finished_date: Type.Optional(Timestamp),
});

export const WebhooksDeliveriesListRequest = Type.Object({
  id: Id,
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
  cursor: Type.Optional(Type.String({ maxLength: 512 })),
});
export const WebhooksDeliveriesListResponse = Type.Object({
  deliveries: Type.Array(WebhookDelivery),
  next_cursor: Type.Optional(Type.String()),
});
