/**
 * Retention: the outbox and finished webhook deliveries are pruned after a configured
 * period; artifacts prepared and never uploaded, once their upload link has expired.
 */
import type { FastifyBaseLogger } from 'fastify';
import { LINK_LIFETIME_MS } from '../domain/artifact-links.js';
import type { Store } from '../store/index.js';

const PRUNE_EVERY_MS = 10 * 60_000;

export class Retention {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: Store,
    private readonly retentionMs: number,
    private readonly log: FastifyBaseLogger,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.prune(), Math.min(PRUNE_EVERY_MS, this.retentionMs));
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Deletes are idempotent, so several processes pruning at once do no harm. */
  async prune(): Promise<void> {
    const before = new Date(Date.now() - this.retentionMs).toISOString();
    try {
      const deliveries = await this.store.webhooks.pruneDeliveriesBefore(before);
      const events = await this.store.events.pruneBefore(before);
      const artifacts = await this.store.artifacts.pruneNeverUploadedBefore(new Date(Date.now() - LINK_LIFETIME_MS).toISOString());
      if (events + deliveries + artifacts > 0) this.log.info({ events, deliveries, artifacts }, 'pruned the outbox and unused artifacts');
    } catch (error) {
      this.log.error({ err: error }, 'pruning the outbox failed');
    }
  }
}
