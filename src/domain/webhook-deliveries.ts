/**
 * What an attempt's outcome means for a delivery and its webhook (DevRev's rules):
 * retried on the configured schedule; an event that exhausts it marks the webhook
 * degraded, and a degraded webhook is re-verified until it answers again.
 */
import type { Store } from '../store/index.js';
import { now, type DeliveryAttempt, type Webhook, type WebhookDelivery } from '../model/index.js';
import { queueVerify } from './webhooks.js';

export async function settleAttempt(
  store: Store,
  delivery: WebhookDelivery,
  webhook: Webhook | undefined,
  attempt: DeliveryAttempt,
  succeeded: boolean,
  delaysMs: readonly number[],
): Promise<void> {
  // Delays count from the end of the failed attempt, however long it took.
  const at = now();
  await store.transaction(async (tx) => {
    if (succeeded) {
      await tx.webhooks.recordAttempt(delivery.id, attempt, { state: 'succeeded' });
      if (webhook && delivery.type === 'verify' && (webhook.status === 'unverified' || webhook.status === 'degraded')) {
        await tx.webhooks.update(webhook.id, { status: 'active', verified: true, at });
      }
      return;
    }
    const made = delivery.attempts + 1;
    if (webhook && made < delaysMs.length) {
      const nextAttemptAt = new Date(Date.parse(at) + delaysMs[made]!).toISOString();
      await tx.webhooks.recordAttempt(delivery.id, attempt, { state: 'pending', nextAttemptAt });
      return;
    }
    await tx.webhooks.recordAttempt(delivery.id, attempt, { state: 'failed' });
    if (!webhook) return;
    if (delivery.type !== 'verify' && webhook.status === 'active') {
      await tx.webhooks.update(webhook.id, { status: 'degraded', at });
      if (!(await tx.webhooks.hasPendingVerify(webhook.id))) await queueVerify(tx, webhook.id, at);
    } else if (delivery.type === 'verify' && webhook.status === 'degraded') {
      // Keep knocking, at the schedule's longest interval, until the receiver is back.
      const later = new Date(Date.parse(at) + Math.max(...delaysMs, 1000)).toISOString();
      await queueVerify(tx, webhook.id, later);
    }
  });
}
