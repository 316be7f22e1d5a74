import type { FastifyInstance } from 'fastify';
import {
  createWebhook,
  deleteWebhook,
  getWebhook,
  listDeliveries,
  listWebhooks,
  updateWebhook,
  type WebhookRules,
} from '../../domain/webhooks.js';
import { publicIds } from '../../domain/public-ids.js';
import type { Store } from '../../store/index.js';
import { operation } from '../operation.js';
import { presentDelivery, presentWebhook } from '../../present/webhooks.js';

export function webhookRoutes(app: FastifyInstance, store: Store, rules: WebhookRules): void {
  operation(app, store, {
    name: 'webhooks.create',
    status: 201,
    async handle({ store, principal }, body) {
      const webhook = await createWebhook(
        store,
        principal,
        { url: body.url, secret: body.secret, eventTypes: body.event_types, headers: body.headers },
        rules,
      );
      return { webhook: presentWebhook(webhook, principal) };
    },
  });

  operation(app, store, {
    name: 'webhooks.get',
    get: true,
    async handle({ store, principal }, body) {
      return { webhook: presentWebhook(await getWebhook(store, principal, body.id), principal) };
    },
  });

  operation(app, store, {
    name: 'webhooks.list',
    get: true,
    async handle({ store, principal }) {
      const webhooks = await listWebhooks(store, principal);
      return { webhooks: webhooks.map((webhook) => presentWebhook(webhook, principal)) };
    },
  });

  operation(app, store, {
    name: 'webhooks.update',
    async handle({ store, principal }, body) {
      const webhook = await updateWebhook(
        store,
        principal,
        { id: body.id, action: body.action, url: body.url, secret: body.secret, eventTypes: body.event_types, headers: body.headers },
        rules,
      );
      return { webhook: presentWebhook(webhook, principal) };
    },
  });

  operation(app, store, {
    name: 'webhooks.delete',
    async handle({ store, principal }, body) {
      await deleteWebhook(store, principal, body.id);
      return {};
    },
  });

  // Confab addition: the delivery log, newest first; the cursor is the id to continue below.
  operation(app, store, {
    name: 'webhooks.deliveries.list',
    get: true,
    async handle({ store, principal }, body) {
      const { deliveries, nextCursor } = await listDeliveries(store, principal, { id: body.id, limit: body.limit, cursor: body.cursor });
      const ids = await publicIds(store);
      return { deliveries: deliveries.map((delivery) => presentDelivery(delivery, principal, ids)), ...(nextCursor !== undefined && { next_cursor: nextCursor }) };
    },
  });
}
