import type { FastifyInstance } from 'fastify';
import { BadRequest } from '../../domain/errors.js';
import { formatDisplayId, formatDon } from '../../domain/ids.js';
import type { Org, Webhook, WebhookDelivery } from '../../domain/model.js';
import {
  createWebhook,
  deleteWebhook,
  getWebhook,
  listDeliveries,
  listWebhooks,
  updateWebhook,
  type WebhookRules,
} from '../../domain/webhooks.js';
import {
  WebhookResponse,
  WebhooksCreateRequest,
  WebhooksDeleteRequest,
  WebhooksDeleteResponse,
  WebhooksDeliveriesListRequest,
  WebhooksDeliveriesListResponse,
  WebhooksGetRequest,
  WebhooksListRequest,
  WebhooksListResponse,
  WebhooksUpdateRequest,
  type Webhook as WebhookWire,
} from '../../schema/webhooks.js';
import type { Store } from '../../store/index.js';
import { operation } from '../operation.js';
import { presentUserSummary } from '../present.js';

export function webhookRoutes(app: FastifyInstance, store: Store, rules: WebhookRules): void {
  operation(app, store, {
    name: 'webhooks.create',
    request: WebhooksCreateRequest,
    response: WebhookResponse,
    status: 201,
    async handle({ store, principal }, body) {
      const webhook = await createWebhook(
        store,
        principal,
        { url: body.url, secret: body.secret, eventTypes: body.event_types, headers: body.headers },
        rules,
      );
      return { webhook: presentWebhook(webhook, principal.org) };
    },
  });

  operation(app, store, {
    name: 'webhooks.get',
    request: WebhooksGetRequest,
    response: WebhookResponse,
    get: true,
    async handle({ store, principal }, body) {
      return { webhook: presentWebhook(await getWebhook(store, principal, body.id), principal.org) };
    },
  });

  operation(app, store, {
    name: 'webhooks.list',
    request: WebhooksListRequest,
    response: WebhooksListResponse,
    get: true,
    async handle({ store, principal }) {
      const webhooks = await listWebhooks(store, principal);
      return { webhooks: webhooks.map((webhook) => presentWebhook(webhook, principal.org)) };
    },
  });

  operation(app, store, {
    name: 'webhooks.update',
    request: WebhooksUpdateRequest,
    response: WebhookResponse,
    async handle({ store, principal }, body) {
      const webhook = await updateWebhook(
        store,
        principal,
        { id: body.id, action: body.action, url: body.url, secret: body.secret, eventTypes: body.event_types, headers: body.headers },
        rules,
      );
      return { webhook: presentWebhook(webhook, principal.org) };
    },
  });

  operation(app, store, {
    name: 'webhooks.delete',
    request: WebhooksDeleteRequest,
    response: WebhooksDeleteResponse,
    async handle({ store, principal }, body) {
      await deleteWebhook(store, principal, body.id);
      return {};
    },
  });

  // Confab addition: the delivery log, newest first; the cursor is the id to continue below.
  operation(app, store, {
    name: 'webhooks.deliveries.list',
    request: WebhooksDeliveriesListRequest,
    response: WebhooksDeliveriesListResponse,
    get: true,
    async handle({ store, principal }, body) {
      const limit = body.limit ?? 50;
      const before = body.cursor === undefined ? undefined : parseCursor(body.cursor);
      const { deliveries } = await listDeliveries(store, principal, { id: body.id, limit, before });
      return {
        deliveries: deliveries.map(presentDelivery),
        ...(deliveries.length === limit && { next_cursor: String(deliveries.at(-1)!.id) }),
      };
    },
  });
}

function parseCursor(cursor: string): number {
  if (!/^\d{1,15}$/.test(cursor)) throw BadRequest.invalidField('cursor', 'not a cursor this endpoint returned');
  return Number(cursor);
}

/** A degraded webhook is being re-verified: DevRev's enum has no other word for it. */
export function presentWebhook(webhook: Webhook, org: Org): WebhookWire {
  const wire: WebhookWire = {
    id: formatDon('webhook', org.slug, webhook.number),
    display_id: formatDisplayId('webhook', webhook.number),
    created_by: presentUserSummary(webhook.createdBy, org),
    created_date: webhook.createdAt,
    modified_by: presentUserSummary(webhook.modifiedBy, org),
    modified_date: webhook.modifiedAt,
    secret: webhook.secret,
    status: webhook.status === 'degraded' ? 'unverified' : webhook.status,
    url: webhook.url,
  };
  if (webhook.eventTypes !== null && webhook.eventTypes.length > 0) wire.event_types = webhook.eventTypes;
  if (webhook.headers.length > 0) wire.headers = webhook.headers;
  return wire;
}

function presentDelivery(delivery: WebhookDelivery) {
  return {
    id: delivery.id,
    type: delivery.type,
    ...(delivery.eventId !== null && { event_id: delivery.eventId }),
    state: delivery.state,
    attempts: delivery.log,
    ...(delivery.state === 'pending' && { next_attempt_date: delivery.nextAttemptAt }),
    created_date: delivery.createdAt,
    ...(delivery.finishedAt !== null && { finished_date: delivery.finishedAt }),
  };
}
