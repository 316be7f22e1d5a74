import { sql, type Kysely } from 'kysely';
import type { DialectName } from './helpers.js';

/**
 * Which timeline entry an event carries, so that deleting or expiring the entry can scrub
 * its body from the outbox too: replay must not bring back what the timeline no longer
 * shows. Events written before this migration are backfilled from their payloads.
 */
export function securityEventEntries(_dialect: DialectName) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('events').addColumn('entry_id', 'integer').execute();
      await db.schema.createIndex('events_entry').on('events').columns(['entry_id']).execute();
      let after = 0;
      for (;;) {
        const rows = await sql<{ id: number; payload: string }>`
          SELECT id, payload FROM events WHERE id > ${after} AND type LIKE 'timeline_entry_%' ORDER BY id LIMIT 500`.execute(db);
        if (rows.rows.length === 0) return;
        for (const row of rows.rows) {
          const entryId = (JSON.parse(row.payload) as { entry?: { id?: number } }).entry?.id;
          if (typeof entryId === 'number') await sql`UPDATE events SET entry_id = ${entryId} WHERE id = ${row.id}`.execute(db);
        }
        after = Number(rows.rows.at(-1)!.id);
      }
    },
  };
}
