import type { Insertable, Kysely } from 'kysely';
import { batches } from './batches.js';
import type { Database, TimelineReactionsTable } from './schema.js';

/** `userId` reacted to the entry with `emoji` (its code point) at `at`. */
export interface NewReaction {
  entryId: number;
  emoji: string;
  userId: number;
  at: string;
}

/** A place in one emoji's reactors, by when they reacted: the keyset reactions.list pages on. */
export interface ReactorPosition {
  createdAt: string;
  userId: number;
}

export class ReactionStore {
  constructor(private readonly db: Kysely<Database>) {}

  /** False when the user had already reacted so: adding twice changes nothing. */
  async add(entryId: number, emoji: string, userId: number, at: string): Promise<boolean> {
    const result = await this.insertRows([reactionRow({ entryId, emoji, userId, at })])
      .onConflict((oc) => oc.columns(['entry_id', 'emoji', 'user_id']).doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  /** Many reactions in few statements (imports), unchecked: the caller knows that none of them is there yet. */
  async addMany(reactions: readonly NewReaction[]): Promise<void> {
    for (const batch of batches(reactions.map(reactionRow))) await this.insertRows(batch).execute();
  }

  /** False when there was no such reaction. */
  async remove(entryId: number, emoji: string, userId: number): Promise<boolean> {
    const result = await this.db
      .deleteFrom('timeline_reactions')
      .where('entry_id', '=', entryId)
      .where('emoji', '=', emoji)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  /** Who reacted with `emoji`, earliest first, after `from`: one range of the reactors index. */
  async reactors(entryId: number, emoji: string, from: ReactorPosition | undefined, limit: number): Promise<ReactorPosition[]> {
    let query = this.db
      .selectFrom('timeline_reactions')
      .select(['created_at', 'user_id'])
      .where('entry_id', '=', entryId)
      .where('emoji', '=', emoji);
    if (from) {
      query = query.where((eb) =>
        eb.and([
          eb('created_at', '>=', from.createdAt),
          eb.or([eb('created_at', '>', from.createdAt), eb('user_id', '>', from.userId)]),
        ]),
      );
    }
    const rows = await query.orderBy('created_at').orderBy('user_id').limit(limit).execute();
    return rows.map((row) => ({ createdAt: row.created_at, userId: row.user_id }));
  }

  /** An entry leaves with its reactions (the expiry sweep). */
  async deleteOfEntries(entryIds: readonly number[]): Promise<void> {
    if (entryIds.length === 0) return;
    await this.db.deleteFrom('timeline_reactions').where('entry_id', 'in', [...entryIds]).execute();
  }

  private insertRows(rows: Insertable<TimelineReactionsTable>[]) {
    return this.db.insertInto('timeline_reactions').values(rows);
  }
}

function reactionRow(reaction: NewReaction): Insertable<TimelineReactionsTable> {
  return { entry_id: reaction.entryId, emoji: reaction.emoji, user_id: reaction.userId, created_at: reaction.at };
}
