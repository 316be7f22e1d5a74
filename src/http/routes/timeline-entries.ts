import type { FastifyInstance } from 'fastify';
import {
  createTimelineEntry,
  deleteTimelineEntry,
  getTimelineEntry,
  purgeExpiredEntries,
  updateTimelineEntry,
} from '../../domain/timeline-entries.js';
import { listTimelineEntries } from '../../domain/timeline-pages.js';
import type { Store } from '../../store/index.js';
import { operation } from '../operation.js';
import { presentTimelineEntry } from '../../present/timeline-entries.js';

/** Expired entries are already invisible; the sweep only reclaims their space. */
export const EXPIRY_SWEEP_INTERVAL_MS = 60_000;

export function timelineEntryRoutes(app: FastifyInstance, store: Store): void {
  operation(app, store, {
    name: 'timeline-entries.create',
    status: 201,
    async handle({ store, principal }, body) {
      const entry = await createTimelineEntry(store, principal, {
        object: body.object,
        body: body.body,
        bodyType: body.body_type,
        labels: body.labels,
        externalRef: body.external_ref,
        visibility: body.visibility,
        privateTo: body.private_to,
        expiresAt: body.expires_at,
        artifacts: body.artifacts,
      });
      return { timeline_entry: presentTimelineEntry(entry, principal) };
    },
  });

  operation(app, store, {
    name: 'timeline-entries.get',
    get: true,
    async handle({ store, principal }, body) {
      const entry = await getTimelineEntry(store, principal, { id: body.id, externalRef: body.external_ref });
      return { timeline_entry: presentTimelineEntry(entry, principal) };
    },
  });

  operation(app, store, {
    name: 'timeline-entries.list',
    get: true,
    async handle({ store, principal }, body) {
      const page = await listTimelineEntries(store, principal, body);
      return {
        timeline_entries: page.entries.map((entry) => presentTimelineEntry(entry, principal)),
        ...(page.nextCursor !== undefined && { next_cursor: page.nextCursor }),
        ...(page.prevCursor !== undefined && { prev_cursor: page.prevCursor }),
      };
    },
  });

  operation(app, store, {
    name: 'timeline-entries.update',
    async handle({ store, principal }, body) {
      const entry = await updateTimelineEntry(store, principal, {
        id: body.id,
        body: body.body,
        bodyType: body.body_type,
        externalRef: body.external_ref,
        artifacts: body.artifacts,
      });
      return { timeline_entry: presentTimelineEntry(entry, principal) };
    },
  });

  operation(app, store, {
    name: 'timeline-entries.delete',
    async handle({ store, principal }, body) {
      await deleteTimelineEntry(store, principal, body.id);
      return {};
    },
  });

  // Every process sweeps; deleting what is already gone is harmless, so they need no lock.
  let sweeper: NodeJS.Timeout | undefined;
  app.addHook('onReady', async () => {
    sweeper = setInterval(() => {
      purgeExpiredEntries(store).catch((error: unknown) => app.log.error({ err: error }, 'purging expired timeline entries failed'));
    }, EXPIRY_SWEEP_INTERVAL_MS);
    sweeper.unref();
  });
  app.addHook('onClose', async () => clearInterval(sweeper));
}
