/**
 * Presence rows (migration 0020), shared by every process on the database. Each change of
 * state is claimed by a conditional update (`… where state = 'offline'`, `… where state =
 * 'online' and seen_at < cutoff`), so when several processes race, exactly one of them
 * makes each announcement.
 */
import { sql, type Kysely } from 'kysely';
import type { PresenceState } from '../model/index.js';
import type { Database } from './schema.js';

export interface PresenceSubject {
  userId: number;
  orgId: number;
}

export interface PresenceRow extends PresenceSubject {
  state: PresenceState;
  /** The last time a process vouched that the user had a stream open. */
  seenAt: string;
}

/** Rows per statement: well under SQLite's and PostgreSQL's limits on bound parameters. */
const BATCH = 500;

/** The later of the stored and the new time: a process whose clock lags never moves `seen_at` back. */
const later = (at: string) => sql<string>`case when user_presence.seen_at > ${at} then user_presence.seen_at else ${at} end`;

export class PresenceStore {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * `users` have a stream open at `at`. Returns those of them who were offline until now:
   * for each, this call and no other process's is the one that brings them online.
   */
  async vouch(users: readonly PresenceSubject[], at: string): Promise<PresenceSubject[]> {
    const cameOnline: PresenceSubject[] = [];
    for (let start = 0; start < users.length; start += BATCH) {
      const batch = users.slice(start, start + BATCH);
      // `seen_at` first, then the flip: a sweep that runs in between finds `seen_at` fresh
      // and leaves the row alone, so a user with an open stream is never left offline.
      await this.db
        .insertInto('user_presence')
        .values(batch.map((user) => ({ user_id: user.userId, org_id: user.orgId, state: 'offline' as const, seen_at: at })))
        .onConflict((oc) => oc.column('user_id').doUpdateSet({ seen_at: later(at) }))
        .execute();
      const flipped = await this.db
        .updateTable('user_presence')
        .set({ state: 'online' })
        .where('user_id', 'in', batch.map((user) => user.userId))
        .where('state', '=', 'offline')
        .returning(['user_id', 'org_id'])
        .execute();
      cameOnline.push(...flipped.map((row) => ({ userId: row.user_id, orgId: row.org_id })));
    }
    return cameOnline;
  }

  /** The user's last stream in one process closed at `at`: the last time that process vouches for them. */
  async left(userId: number, at: string): Promise<void> {
    await this.db.updateTable('user_presence').set({ seen_at: later(at) }).where('user_id', '=', userId).execute();
  }

  /**
   * Marks offline those online users no process has vouched for since `cutoff`, and returns
   * them. Read first, written only when there is something to write: most sweeps find
   * nothing, and on SQLite a write would take the database's one write lock for nothing.
   */
  async expire(cutoff: string, limit = BATCH): Promise<PresenceRow[]> {
    const stale = await this.db
      .selectFrom('user_presence')
      .select('user_id')
      .where('state', '=', 'online')
      .where('seen_at', '<', cutoff)
      .limit(limit)
      .execute();
    if (stale.length === 0) return [];
    const rows = await this.db
      .updateTable('user_presence')
      .set({ state: 'offline' })
      .where('user_id', 'in', stale.map((row) => row.user_id))
      .where('state', '=', 'online')
      .where('seen_at', '<', cutoff)
      .returning(['user_id', 'org_id', 'seen_at'])
      .execute();
    // In the order they went away, so that announcements keep that order.
    return rows
      .map((row): PresenceRow => ({ userId: row.user_id, orgId: row.org_id, state: 'offline', seenAt: row.seen_at }))
      .sort((a, b) => (a.seenAt < b.seenAt ? -1 : a.seenAt > b.seenAt ? 1 : a.userId - b.userId));
  }

  /** The rows of these users; a user who never opened a stream has none. */
  async find(userIds: readonly number[]): Promise<Map<number, PresenceRow>> {
    if (userIds.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('user_presence')
      .select(['user_id', 'org_id', 'state', 'seen_at'])
      .where('user_id', 'in', [...userIds])
      .execute();
    return new Map(rows.map((row) => [row.user_id, { userId: row.user_id, orgId: row.org_id, state: row.state, seenAt: row.seen_at }]));
  }
}
