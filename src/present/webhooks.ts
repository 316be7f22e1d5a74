/** Webhooks and their delivery log → wire objects. */
import { formatDisplayId, formatDon } from '../domain/ids.js';
import type { PublicIds } from '../domain/public-ids.js';
import type { Webhook, WebhookDelivery } from '../model/index.js';
import type { Webhook as WebhookWire } from '../schema/webhooks.js';
import { presentUserSummary } from './users.js';
import type { Viewpoint } from './viewpoint.js';

/** A degraded webhook is being re-verified: DevRev's enum has no other word for it. */
export function presentWebhook(webhook: Webhook, view: Viewpoint): WebhookWire {
  const { org } = view;
  const wire: WebhookWire = {
    id: formatDon('webhook', org.slug, webhook.number),
    display_id: formatDisplayId('webhook', webhook.number),
    created_by: presentUserSummary(webhook.createdBy, view),
    created_date: webhook.createdAt,
    modified_by: presentUserSummary(webhook.modifiedBy, view),
    modified_date: webhook.modifiedAt,
    secret: webhook.secret,
    status: webhook.status === 'degraded' ? 'unverified' : webhook.status,
    url: webhook.url,
  };
  if (webhook.eventTypes !== null && webhook.eventTypes.length > 0) wire.event_types = webhook.eventTypes;
  if (webhook.headers.length > 0) wire.headers = webhook.headers;
  return wire;
}

/**
 * The delivery log is a Confab addition: attempts as they happened. Its ids, and the
 * event's, are the organization's opaque ones (domain/public-ids.ts), as in the envelopes
 * the receiver got.
 */
export function presentDelivery(delivery: WebhookDelivery, view: Viewpoint, ids: PublicIds) {
  return {
    id: ids.encode('delivery', view.org.id, delivery.id),
    type: delivery.type,
    ...(delivery.eventId !== null && { event_id: ids.encode('event', view.org.id, delivery.eventId) }),
    state: delivery.state,
    attempts: delivery.log,
    ...(delivery.state === 'pending' && { next_attempt_date: delivery.nextAttemptAt }),
    created_date: delivery.createdAt,
    ...(delivery.finishedAt !== null && { finished_date: delivery.finishedAt }),
  };
}
