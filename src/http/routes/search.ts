import type { FastifyInstance } from 'fastify';
import { formatDisplayId, formatDon } from '../../domain/ids.js';
import { searchCore, searchTimelineEntries, type CoreHit } from '../../domain/search.js';
import { presentGroupSummary } from '../../present/groups.js';
import { presentUserSummary } from '../../present/users.js';
import type { Viewpoint } from '../../present/viewpoint.js';
import { presentTimelineEntry } from '../../present/timeline-entries.js';
import type { Static } from '@sinclair/typebox';
import type { SearchResult } from '../../schema/search.js';
import type { Store } from '../../store/index.js';
import { operation } from '../operation.js';

export function searchRoutes(app: FastifyInstance, store: Store): void {
  operation(app, store, {
    name: 'search.core',
    get: true,
    async handle({ store, principal }, body) {
      const page = await searchCore(store, principal, {
        query: body.query,
        namespaces: body.namespaces,
        cursor: body.cursor,
        limit: body.limit,
        sortBy: body.sort_by,
        sortOrder: body.sort_order,
      });
      return {
        results: page.hits.map((hit) => presentCoreHit(hit, { ...principal, contacts: page.contacts })),
        ...(page.nextCursor && { next_cursor: page.nextCursor }),
      };
    },
  });

  operation(app, store, {
    name: 'timeline-entries.search',
    addition: true,
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

function presentCoreHit(hit: CoreHit, view: Viewpoint): Static<typeof SearchResult> {
  switch (hit.kind) {
    case 'user':
      return { type: 'user', user: presentUserSummary(hit.user, view), modified_date: hit.modifiedAt };
    case 'group':
      return { type: 'group', group: presentGroupSummary(hit.group, view), modified_date: hit.modifiedAt };
    case 'rev_org':
      return {
        type: 'org',
        org: {
          type: 'rev_org',
          id: formatDon('rev_org', view.org.slug, hit.revOrg.number),
          display_id: formatDisplayId('rev_org', hit.revOrg.number),
          display_name: hit.revOrg.displayName,
        },
        modified_date: hit.modifiedAt,
      };
  }
}
