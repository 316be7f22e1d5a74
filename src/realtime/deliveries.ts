/**
 * The webhook delivery worker, one per process. It claims due deliveries atomically
 * (so with several processes each attempt is made once), sends them, and settles them.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { RealtimeConfig } from '../config.js';
import { settleAttempt } from '../domain/webhook-deliveries.js';
import type { WebhookDelivery } from '../model/index.js';
import type { Store } from '../store/index.js';
import { formatDon } from '../domain/ids.js';
import { sendWebhook } from './sender.js';
import { eventDon, presentEvent } from '../present/events.js';
import { orgView } from '../present/viewpoint.js';
import { OrgCache } from './org-cache.js';
import { SerialDrain } from './drain.js';

const BATCH = 20;

export class DeliveryWorker {
  private readonly orgs: OrgCache;
  private readonly drain = new SerialDrain(
    () => this.deliverBatch(),
    (error) => this.log.error({ err: error }, 'webhook deliveries failed; retrying at the next poll'),
  );
  private timer: NodeJS.Timeout | undefined;
  private readonly wake = this.drain.wake;

  constructor(
    private readonly store: Store,
    private readonly settings: RealtimeConfig,
    private readonly log: FastifyBaseLogger,
  ) {
    this.orgs = new OrgCache(store);
  }

  start(): void {
    this.store.signals.on('events', this.wake);
    this.timer = setInterval(this.wake, Math.min(this.settings.eventPollMs, 1000));
    this.timer.unref();
    this.wake();
  }

  /** Organizations read from a database since replaced may not be the ones behind these ids now. */
  forget(): void {
    this.orgs.clear();
  }

  async stop(): Promise<void> {
    this.store.signals.off('events', this.wake);
    clearInterval(this.timer);
    await this.drain.stop();
  }

  private async deliverBatch(): Promise<boolean> {
    const now = Date.now();
    // Held past the longest an attempt can take; a crashed worker's claims then lapse.
    const claimUntil = new Date(now + this.settings.webhookTimeoutMs + 5_000).toISOString();
    const due = await this.store.webhooks.claimDue(new Date(now).toISOString(), claimUntil, BATCH);
    await Promise.all(due.map((delivery) => this.deliver(delivery)));
    return due.length === BATCH;
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
    let envelope: Record<string, unknown>;
    if (delivery.type === 'verify') {
      envelope = { id: eventDon(org, 'verify', delivery.id), timestamp: at, type: 'verify', verify: { challenge: delivery.challenge } };
    } else {
      const event = delivery.eventId === null ? undefined : await this.store.events.findById(delivery.eventId);
      if (!event || webhook.status === 'inactive') {
        const error = event ? 'the webhook is inactive' : 'the event is past retention';
        await settleAttempt(this.store, delivery, undefined, { at, duration_ms: 0, error }, false, []);
        return;
      }
      envelope = presentEvent(event, orgView(org));
    }
    // DevRev's envelope: id, webhook_id, timestamp, type, then the type's own field.
    const { id, timestamp, type, ...data } = envelope;
    const body = JSON.stringify({ id, webhook_id: formatWebhookId(org.slug, webhook.number), timestamp, type, ...data });
    const result = await sendWebhook(
      webhook.url,
      body,
      webhook.secret,
      webhook.headers,
      this.settings.webhookTimeoutMs,
      this.settings.webhookAllowPrivate,
    );
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
