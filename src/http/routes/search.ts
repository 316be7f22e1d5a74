import type { FastifyInstance } from 'fastify';
import { searchTimelineEntries } from '../../domain/search.js';
import { presentTimelineEntry } from '../../present/timeline-entries.js';
import { TimelineEntriesSearchRequest, TimelineEntriesSearchResponse } from '../../schema/search.js';
import type { Store } from '../../store/index.js';
import { operation } from '../operation.js';

export function searchRoutes(app: FastifyInstance, store: Store): void {
  operation(app, store, {
    name: 'timeline-entries.search',
    addition: true,
    request: TimelineEntriesSearchRequest,
    response: TimelineEntriesSearchResponse,
    get: true,
    async handle({ store, principal }, body) {
      const page = await searchTimelineEntries(store, principal, body);
      return {
        results: page.hits.map((hit) => ({ timeline_entry: presentTimelineEntry(hit.entry, principal), snippet: hit.snippet })),
        ...(page.nextCursor && { next_cursor: page.nextCursor }),
      };
    },
  });
}
