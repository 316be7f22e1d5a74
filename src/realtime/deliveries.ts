/**
 * The webhook delivery worker, one per process. It claims due deliveries atomically
 * (so with several processes each attempt is made once), sends them, and settles them.
 * Each delivery runs on its own: a slow receiver holds up only its own deliveries, at
 * most PER_TARGET_CONCURRENCY at a time, never another tenant's.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { RealtimeConfig } from '../config.js';
import { settleAttempt } from '../domain/webhook-deliveries.js';
import { mayReadEvent } from '../domain/policy/visibility.js';
import type { Org, StoredEvent, Webhook, WebhookDelivery } from '../model/index.js';
import { touches, type Store } from '../store/index.js';
import { formatDon } from '../domain/ids.js';
import { publicIds, type PublicIds } from '../domain/public-ids.js';
import { describeFailure, sendWebhook, type SendResult } from './sender.js';
import { eventDon, presentEvent } from '../present/events.js';
import { orgView } from '../present/viewpoint.js';
import { OrgCache } from './org-cache.js';
import { SerialDrain } from './drain.js';

const BATCH = 20;
/** Deliveries in flight to one webhook at once; its others wait (unclaimed) for a slot. */
export const PER_TARGET_CONCURRENCY = 4;
/** Deliveries in flight in this process at once. */
const MAX_IN_FLIGHT = 64;

export class DeliveryWorker {
  private readonly orgs: OrgCache;
  private readonly drain = new SerialDrain(
    () => this.deliverBatch(),
    (error) => this.log.error({ err: error }, 'webhook deliveries failed; retrying at the next poll'),
  );
  private timer: NodeJS.Timeout | undefined;
  private readonly wake = this.drain.wake;
  private stopListening: () => void = () => {};
  /** Deliveries in flight, per webhook id. */
  private readonly inFlight = new Map<number, number>();
  private running = 0;
  private readonly tasks = new Set<Promise<void>>();

  constructor(
    private readonly store: Store,
    private readonly settings: RealtimeConfig,
    private readonly log: FastifyBaseLogger,
  ) {
    this.orgs = new OrgCache(store);
  }

  start(): void {
    // New deliveries, and retries rescheduled, by this process; other processes' by the poll.
    this.stopListening = this.store.changes.on((change) => {
      if (touches(change, ['webhook_deliveries'])) this.wake();
    });
    this.timer = setInterval(this.wake, Math.min(this.settings.eventPollMs, 1000));
    this.timer.unref();
    this.wake();
  }

  /** Organizations read from a database since replaced may not be the ones behind these ids now. */
  forget(): void {
    this.orgs.clear();
  }

  async stop(): Promise<void> {
    this.stopListening();
    clearInterval(this.timer);
    await this.drain.stop();
    await Promise.allSettled([...this.tasks]);
  }

  /** Claims what may start now and starts it without waiting; true when there may be more. */
  private async deliverBatch(): Promise<boolean> {
    const limit = Math.min(BATCH, MAX_IN_FLIGHT - this.running);
    if (limit <= 0) return false;
    const now = Date.now();
    // Held past the longest an attempt can take; a crashed worker's claims then lapse.
    const claimUntil = new Date(now + this.settings.webhookTimeoutMs + 5_000).toISOString();
    const saturated = [...this.inFlight].filter(([, count]) => count >= PER_TARGET_CONCURRENCY).map(([id]) => id);
    const due = await this.store.webhooks.claimDue(new Date(now).toISOString(), claimUntil, limit, saturated);
    const surplus: number[] = [];
    for (const delivery of due) {
      const count = this.inFlight.get(delivery.webhookId) ?? 0;
      if (count >= PER_TARGET_CONCURRENCY) {
        surplus.push(delivery.id);
        continue;
      }
      this.inFlight.set(delivery.webhookId, count + 1);
      this.running += 1;
      const task: Promise<void> = this.deliver(delivery)
        .catch((error: unknown) => this.log.error({ err: error, deliveryId: delivery.id }, 'webhook delivery failed; retrying when its claim lapses'))
        .finally(() => {
          const left = (this.inFlight.get(delivery.webhookId) ?? 1) - 1;
          if (left > 0) this.inFlight.set(delivery.webhookId, left);
          else this.inFlight.delete(delivery.webhookId);
          this.running -= 1;
          this.tasks.delete(task);
          // A slot is free: what waited for it may start.
          this.wake();
        });
      this.tasks.add(task);
    }
    await this.store.webhooks.releaseClaims(surplus);
    return surplus.length === 0 && due.length === limit;
  }

  private async deliver(delivery: WebhookDelivery): Promise<void> {
    const webhook = await this.store.webhooks.findById(delivery.webhookId);
    const org = webhook && (await this.orgs.get(webhook.orgId));
    const started = Date.now();
    const at = new Date(started).toISOString();
    if (!webhook || !org) {
      await settleAttempt(this.store, delivery, undefined, { at, duration_ms: 0, error: 'the webhook was deleted' }, false, []);
      return;
    }
    // Read before the attempt: a database that cannot answer is retried when the claim lapses, not counted against the receiver.
    const event = delivery.eventId === null ? undefined : await this.store.events.findById(delivery.eventId);
    const skipped = whyNotSent(delivery, event, webhook);
    if (skipped !== undefined) {
      await settleAttempt(this.store, delivery, undefined, { at, duration_ms: 0, error: skipped }, false, []);
      return;
    }
    const ids = await publicIds(this.store);
    let result: SendResult;
    try {
      const body = bodyOf(delivery, event, webhook, org, at, ids);
      result = await sendWebhook(webhook.url, body, webhook.secret, webhook.headers, this.settings.webhookTimeoutMs, this.settings.webhookAllowPrivate);
    } catch (error) {
      // A request that cannot even be made (a header value Node refuses, a URL stored bad
      // behind our back) is a failed attempt like any other: in the log, retried on the
      // schedule, then given up. Left unsettled, its claim would lapse and it would be
      // tried again for ever, with nothing in the log to say why.
      this.log.warn({ err: error, deliveryId: delivery.id, webhookId: webhook.id }, 'a webhook request could not be made');
      result = { error: `the request could not be made: ${describeFailure(error)}` };
    }
    const ok =
      result.statusCode !== undefined &&
      result.statusCode >= 200 &&
      result.statusCode < 300 &&
      (delivery.type !== 'verify' || (result.statusCode === 200 && answersChallenge(result.body, delivery.challenge)));
    const attempt = {
      at,
      duration_ms: Date.now() - started,
      ...(result.statusCode !== undefined && { status_code: result.statusCode }),
      ...(result.error !== undefined && { error: result.error }),
      ...(!ok && result.error === undefined && delivery.type === 'verify' && result.statusCode === 200 && {
        error: 'the response did not echo the challenge',
      }),
    };
    await settleAttempt(this.store, delivery, webhook, attempt, ok, this.settings.webhookRetryDelaysMs);
  }
}

/** Why a delivery is settled without a request (and never retried), or undefined to send it. */
function whyNotSent(delivery: WebhookDelivery, event: StoredEvent | undefined, webhook: Webhook): string | undefined {
  if (delivery.type === 'verify') return undefined;
  if (!event) return 'the event is past retention';
  if (webhook.status === 'inactive') return 'the webhook is inactive';
  // A webhook listens for the organization as a whole: no one user is reading.
  if (!mayReadEvent(event, undefined)) return 'the event is not for webhooks';
  return undefined;
}

/** DevRev's envelope: id, webhook_id, timestamp, type, then the type's own field. */
function bodyOf(delivery: WebhookDelivery, event: StoredEvent | undefined, webhook: Webhook, org: Org, at: string, ids: PublicIds): string {
  const envelope: Record<string, unknown> =
    delivery.type === 'verify' || !event
      ? { id: eventDon(org, 'verify', ids.encode('delivery', org.id, delivery.id)), timestamp: at, type: 'verify', verify: { challenge: delivery.challenge } }
      : presentEvent(event, orgView(org), ids.encode('event', org.id, event.id));
  const { id, timestamp, type, ...data } = envelope;
  return JSON.stringify({ id, webhook_id: formatWebhookId(org.slug, webhook.number), timestamp, type, ...data });
}

function answersChallenge(body: string | undefined, challenge: string | null): boolean {
  try {
    return challenge !== null && (JSON.parse(body ?? '') as { challenge?: unknown }).challenge === challenge;
  } catch {
    return false;
  }
}

function formatWebhookId(orgSlug: string, number: number): string {
  return formatDon('webhook', orgSlug, number);
}
