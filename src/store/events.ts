import type { Kysely, Selectable } from 'kysely';
import type { EventPayload, EventType, StoredEvent } from '../model/index.js';
import { noteAppendedEvent } from './event-tap.js';
import type { Database, EventsTable } from './schema.js';

export interface NewEvent {
  orgId: number;
  chatId: number | null;
  type: EventType;
  payload: EventPayload;
  at: string;
}

/** The outbox: events in stream order. */
export class EventStore {
  constructor(private readonly db: Kysely<Database>) {}

  async append(event: NewEvent): Promise<number> {
    const { id } = await this.db
      .insertInto('events')
      .values({
        org_id: event.orgId,
        chat_id: event.chatId,
        type: event.type,
        payload: JSON.stringify(event.payload),
        created_at: event.at,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    noteAppendedEvent(Number(id));
    return Number(id);
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
   * through one of the chat's groups: what a reconnecting stream missed.
   */
  async forMember(orgId: number, userId: number, afterId: number, upTo: number, limit: number): Promise<StoredEvent[]> {
    const rows = await this.db
      .selectFrom('events')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('id', '>', afterId)
      .where('id', '<=', upTo)
      .where((eb) =>
        eb.or([
          eb('chat_id', 'in', eb.selectFrom('chat_users').select('chat_id').where('user_id', '=', userId)),
          eb(
            'chat_id',
            'in',
            eb
              .selectFrom('chat_groups')
              .innerJoin('group_members', 'group_members.group_id', 'chat_groups.group_id')
              .select('chat_groups.chat_id')
              .where('group_members.user_id', '=', userId),
          ),
        ]),
      )
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map(toEvent);
  }

  /** The ids of everyone who belongs to a chat now: its users and its groups' members. */
  async chatMemberIds(chatId: number): Promise<number[]> {
    const [direct, viaGroups] = await Promise.all([
      this.db.selectFrom('chat_users').select('user_id').where('chat_id', '=', chatId).execute(),
      this.db
        .selectFrom('chat_groups')
        .innerJoin('group_members', 'group_members.group_id', 'chat_groups.group_id')
        .select('group_members.user_id')
        .where('chat_groups.chat_id', '=', chatId)
        .execute(),
    ]);
    return [...new Set([...direct, ...viaGroups].map((row) => row.user_id))];
  }

  /** Who a private timeline entry is for, besides its author. */
  async privateReaders(entryId: number): Promise<number[]> {
    const rows = await this.db.selectFrom('timeline_entry_private_to').select('user_id').where('entry_id', '=', entryId).execute();
    return rows.map((row) => row.user_id);
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
    payload: JSON.parse(row.payload) as EventPayload,
    createdAt: row.created_at,
  };
}
