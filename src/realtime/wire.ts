/**
 * Events as they go out: DevRev's webhook envelope `{id, webhook_id?, timestamp, type,
 * <type>: {…}}` with objects presented exactly as the REST API presents them. The stream
 * sends the same envelope without `webhook_id`.
 */
import { formatDon, PARTITION } from '../domain/ids.js';
import type { Org, StoredEvent } from '../domain/model.js';
import { presentChat, presentGroupSummary, presentTimelineEntry, presentUserSummary } from '../http/present.js';
import type { Store } from '../store/index.js';

export type Envelope = Record<string, unknown> & { id: string; timestamp: string; type: string };

export function eventDon(org: Org, kind: 'event' | 'verify', id: number): string {
  return `don:integration:${PARTITION}:devo/${org.slug}:webhook_${kind}/${id}`;
}

export function presentEventData(event: StoredEvent, org: Org): Record<string, unknown> {
  const { payload } = event;
  switch (event.type) {
    case 'chat_created':
    case 'chat_updated':
      return { chat: presentChat(payload.chat!, org) };
    case 'timeline_entry_created':
      return { entry: presentTimelineEntry(payload.entry!, org) };
    case 'timeline_entry_updated':
      return {
        entry: presentTimelineEntry(payload.entry!, org),
        ...(payload.oldEntry && { old_entry: presentTimelineEntry(payload.oldEntry, org) }),
      };
    case 'timeline_entry_deleted':
      return {
        id: formatDon('timeline_comment', org.slug, payload.oldEntry!.number),
        old_entry: presentTimelineEntry(payload.oldEntry!, org),
      };
    case 'group_member_added':
    case 'group_member_removed':
      return { group: presentGroupSummary(payload.group!, org), member: presentUserSummary(payload.member!, org) };
  }
}

export function presentEvent(event: StoredEvent, org: Org): Envelope {
  return { id: eventDon(org, 'event', event.id), timestamp: event.createdAt, type: event.type, [event.type]: presentEventData(event, org) };
}

/** Organizations by id, for presenting events: they are few and never renamed. */
export class OrgCache {
  private readonly orgs = new Map<number, Org>();

  constructor(private readonly store: Store) {}

  async get(orgId: number): Promise<Org | undefined> {
    if (!this.orgs.has(orgId)) for (const org of await this.store.orgs.list()) this.orgs.set(org.id, org);
    return this.orgs.get(orgId);
  }
}
