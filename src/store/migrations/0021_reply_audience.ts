import { sql, type Kysely } from 'kysely';
import type { TimelineVisibility } from '../../model/index.js';
import { parsePayload, serializePayload } from '../event-payloads.js';

/** How many may read an entry of each visibility, as domain/policy/visibility.ts orders them. */
const WIDTH: Record<string, number> = { private: 0, internal: 1, external: 2, public: 3 };

interface ReplyRow {
  id: number;
  created_by: number;
  visibility: string;
  parent_id: number;
  parent_visibility: string;
  parent_created_by: number;
}

/**
 * Replies written before a reply took its comment's audience could be wider than their
 * comment (an external reply to an internal note). Reads now also ask whether the reader
 * may read the comment; this brings the stored data in line with that rule: a reply wider
 * than its comment takes the comment's visibility and readers, and every event about a
 * reply carries its comment's audience (payload v4's `parent`), so replaying the outbox
 * applies the same rule as the timeline.
 */
export function replyAudience() {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      let after = 0;
      for (;;) {
        const { rows } = await sql<ReplyRow>`
          select replies.id, replies.created_by, replies.visibility, replies.parent_id,
                 comments.visibility as parent_visibility, comments.created_by as parent_created_by
          from timeline_entries replies join timeline_entries comments on comments.id = replies.parent_id
          where replies.id > ${after} order by replies.id limit 500`.execute(db);
        if (rows.length === 0) return;
        for (const reply of rows) await bringInLine(db, reply);
        after = Number(rows.at(-1)!.id);
      }
    },
  };
}

async function bringInLine(db: Kysely<unknown>, reply: ReplyRow): Promise<void> {
  const parentVisibility = reply.parent_visibility as TimelineVisibility;
  const parentReaders = parentVisibility === 'private' ? await privateReaders(db, reply.parent_id) : [];
  if (WIDTH[reply.visibility]! > WIDTH[parentVisibility]!) {
    await sql`update timeline_entries set visibility = ${parentVisibility} where id = ${reply.id}`.execute(db);
    await sql`delete from timeline_entry_private_to where entry_id = ${reply.id}`.execute(db);
    for (const userId of [reply.parent_created_by, ...parentReaders].filter((id) => id !== reply.created_by)) {
      await sql`insert into timeline_entry_private_to (entry_id, user_id) values (${reply.id}, ${userId})`.execute(db);
    }
  }
  const parent = { visibility: parentVisibility, authorId: Number(reply.parent_created_by), privateTo: parentReaders };
  const { rows: events } = await sql<{ id: number; payload: string }>`select id, payload from events where entry_id = ${reply.id}`.execute(db);
  for (const event of events) {
    const payload = serializePayload({ ...parsePayload(event.payload), parent });
    await sql`update events set payload = ${payload} where id = ${event.id}`.execute(db);
  }
}

async function privateReaders(db: Kysely<unknown>, entryId: number): Promise<number[]> {
  const { rows } = await sql<{ user_id: number }>`select user_id from timeline_entry_private_to where entry_id = ${entryId}`.execute(db);
  return rows.map((row) => Number(row.user_id));
}
