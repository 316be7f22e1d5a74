import { sql, type Kysely, type QueryCreator, type Selectable } from 'kysely';
import type { EventPayload, EventType, StoredEvent } from '../model/index.js';
import { parsePayload, serializePayload, withoutBodies } from './event-payloads.js';
import type { Outbox } from './changes.js';
import type { DialectName } from './migrations/helpers.js';
import type { Database, EventsTable } from './schema.js';
import { queueEventDeliveries } from './webhooks.js';

export interface NewEvent {
  orgId: number;
  chatId: number | null;
  type: EventType;
  payload: EventPayload;
  at: string;
}

/** The outbox: events in stream order. */
export class EventStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: DialectName,
    /** A transaction's: told of what it appends, for its process's dispatcher after the commit. */
    private readonly outbox?: Outbox,
  ) {}

  /**
   * Appends `event`, and with `webhooks` queues a delivery for every webhook that wants it
   * (webhooks.ts `queueEventDeliveries`): one statement on PostgreSQL (a data-modifying CTE),
   * two on SQLite.
   */
  async append(event: NewEvent, webhooks: false | { toUnfiltered: boolean }): Promise<number> {
    const payload = serializePayload(event.payload);
    const row = {
      org_id: event.orgId,
      chat_id: event.chatId,
      type: event.type,
      payload,
      created_at: event.at,
      entry_id: event.payload.entry?.id ?? null,
    };
    let id: number;
    if (webhooks && this.dialect === 'postgres') {
      const appended = await this.db
        .with('appended', (db) => db.insertInto('events').values(row).returning('id'))
        .with('queued', (db) => queueEventDeliveries(db as unknown as QueryCreator<Database>, event.orgId, sql<number>`(select id from appended)`, event.type, event.at, webhooks.toUnfiltered))
        .selectFrom('appended')
        .select('id')
        .executeTakeFirstOrThrow();
      id = Number(appended.id);
    } else {
      id = Number((await this.db.insertInto('events').values(row).returning('id').executeTakeFirstOrThrow()).id);
      if (webhooks) await queueEventDeliveries(this.db, event.orgId, sql<number>`cast(${id} as bigint)`, event.type, event.at, webhooks.toUnfiltered).execute();
    }
    // As a read would answer it: the payload as stored, parsed back.
    this.outbox?.appended({ id, orgId: event.orgId, chatId: event.chatId, type: event.type, payload: parsePayload(payload), createdAt: event.at });
    return id;
  }

  async lastId(): Promise<number> {
    const row = await this.db
      .selectFrom('events')
      .select((eb) => eb.fn.max('id').as('last'))
      .executeTakeFirst();
    return Number(row?.last ?? 0);
  }

  /** Every event after `afterId`, in id order, for the one dispatcher of a process. */
  async after(afterId: number, limit: number): Promise<StoredEvent[]> {
    const rows = await this.db.selectFrom('events').selectAll().where('id', '>', afterId).orderBy('id').limit(limit).execute();
    return rows.map(toEvent);
  }

  async findById(id: number): Promise<StoredEvent | undefined> {
    const row = await this.db.selectFrom('events').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toEvent(row);
  }

  /**
   * The events in (afterId, upTo] of the chats `userId` belongs to now, directly or
   * through one of the chat's groups, from when they joined on: what a reconnecting stream
   * missed, and nothing from before the reader could see the chat.
   */
  async forMember(orgId: number, userId: number, afterId: number, upTo: number, limit: number): Promise<StoredEvent[]> {
    const rows = await this.db
      .selectFrom('events')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('id', '>', afterId)
      .where('id', '<=', upTo)
      .where((eb) =>
        eb.exists(
          eb
            .selectFrom('chat_members')
            .select('chat_members.chat_id')
            .where('chat_members.user_id', '=', userId)
            .whereRef('chat_members.chat_id', '=', 'events.chat_id')
            .whereRef('chat_members.joined_at', '<=', 'events.created_at'),
        ),
      )
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map(toEvent);
  }

  /**
   * Removes the bodies of these entries (and of their previous versions) from every event
   * that carries them: the outbox keeps that something happened, not the words.
   */
  async scrubEntries(entryIds: readonly number[]): Promise<void> {
    if (entryIds.length === 0) return;
    const rows = await this.db.selectFrom('events').select(['id', 'payload']).where('entry_id', 'in', entryIds).execute();
    for (const row of rows) {
      const scrubbed = withoutBodies(row.payload);
      if (scrubbed === row.payload) continue;
      await this.db.updateTable('events').set({ payload: scrubbed }).where('id', '=', row.id).execute();
      this.outbox?.rewritten();
    }
  }

  /** Retention: events older than `before` that no pending delivery still needs. */
  async pruneBefore(before: string): Promise<number> {
    const result = await this.db
      .deleteFrom('events')
      .where('created_at', '<', before)
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('webhook_deliveries')
              .select('webhook_deliveries.id')
              .whereRef('webhook_deliveries.event_id', '=', 'events.id')
              .where('webhook_deliveries.state', '=', 'pending'),
          ),
        ),
      )
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}


function toEvent(row: Selectable<EventsTable>): StoredEvent {
  return {
    id: Number(row.id),
    orgId: row.org_id,
    chatId: row.chat_id,
    type: row.type as EventType,
    payload: parsePayload(row.payload),
    createdAt: row.created_at,
  };
}
