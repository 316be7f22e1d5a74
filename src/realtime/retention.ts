/** Retention: the outbox and finished webhook deliveries are pruned after a configured period. */
import type { FastifyBaseLogger } from 'fastify';
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
      if (events + deliveries > 0) this.log.info({ events, deliveries }, 'pruned the outbox');
    } catch (error) {
      this.log.error({ err: error }, 'pruning the outbox failed');
    }
  }
}
