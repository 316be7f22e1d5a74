import type { Insertable, Kysely } from 'kysely';
import { batches } from './batches.js';
import { translateUnique } from './errors.js';
import type { ChatReadsTable, Database } from './schema.js';
import type { TimelinePosition } from './timeline-entries.js';

/** A user has read a chat up to `position`; the marker was set at `at`. */
export interface ReadMarker {
  userId: number;
  chatId: number;
  position: TimelinePosition;
  at: string;
}

/** Read markers: per user and chat, the timeline position up to which the user has read. */
export class ChatReadStore {
  constructor(private readonly db: Kysely<Database>) {}

  async find(userId: number, chatId: number): Promise<TimelinePosition | undefined> {
    const row = await this.db
      .selectFrom('chat_reads')
      .select(['read_at', 'read_id'])
      .where('user_id', '=', userId)
      .where('chat_id', '=', chatId)
      .executeTakeFirst();
    return row && { createdAt: row.read_at, id: row.read_id };
  }

  /** The markers of many chats at once, for a page of chats.list. */
  async findMany(userId: number, chatIds: readonly number[]): Promise<Map<number, TimelinePosition>> {
    if (chatIds.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('chat_reads')
      .select(['chat_id', 'read_at', 'read_id'])
      .where('user_id', '=', userId)
      .where('chat_id', 'in', [...chatIds])
      .execute();
    return new Map(rows.map((row) => [row.chat_id, { createdAt: row.read_at, id: row.read_id }]));
  }

  async set(userId: number, chatId: number, position: TimelinePosition, at: string): Promise<void> {
    await this.insertRows([readRow({ userId, chatId, position, at })])
      .onConflict((oc) =>
        oc.columns(['user_id', 'chat_id']).doUpdateSet({ read_at: position.createdAt, read_id: position.id, modified_at: at }),
      )
      .execute();
  }

  /** Many markers in few statements (imports). Throws `UniqueViolation` when one is set already. */
  async insertMany(markers: readonly ReadMarker[]): Promise<void> {
    for (const batch of batches(markers.map(readRow))) await translateUnique(() => this.insertRows(batch).execute());
  }

  async clear(userId: number, chatId: number): Promise<void> {
    await this.db.deleteFrom('chat_reads').where('user_id', '=', userId).where('chat_id', '=', chatId).execute();
  }

  private insertRows(rows: Insertable<ChatReadsTable>[]) {
    return this.db.insertInto('chat_reads').values(rows);
  }
}

function readRow(marker: ReadMarker): Insertable<ChatReadsTable> {
  return { user_id: marker.userId, chat_id: marker.chatId, read_at: marker.position.createdAt, read_id: marker.position.id, modified_at: marker.at };
}
