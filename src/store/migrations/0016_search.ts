import { sql, type Kysely } from 'kysely';
import type { DialectName } from './helpers.js';

/**
 * Full-text search of messages, kept by the database in the same transaction as every
 * write of a body: on SQLite an FTS5 index over timeline_entries.body (external content,
 * maintained by triggers), on PostgreSQL a generated tsvector column with a GIN index.
 * Both tokenize the same simple way — words of letters and digits, case-folded, no
 * stemming — so a query finds the same entries on either database.
 */
export function search(dialect: DialectName) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      if (dialect === 'sqlite') {
        await sql`CREATE VIRTUAL TABLE timeline_search USING fts5(body, content='timeline_entries', content_rowid='id')`.execute(db);
        await sql`CREATE TRIGGER timeline_search_insert AFTER INSERT ON timeline_entries BEGIN
          INSERT INTO timeline_search(rowid, body) VALUES (new.id, new.body);
        END`.execute(db);
        await sql`CREATE TRIGGER timeline_search_delete AFTER DELETE ON timeline_entries BEGIN
          INSERT INTO timeline_search(timeline_search, rowid, body) VALUES ('delete', old.id, old.body);
        END`.execute(db);
        await sql`CREATE TRIGGER timeline_search_update AFTER UPDATE OF body ON timeline_entries BEGIN
          INSERT INTO timeline_search(timeline_search, rowid, body) VALUES ('delete', old.id, old.body);
          INSERT INTO timeline_search(rowid, body) VALUES (new.id, new.body);
        END`.execute(db);
        await sql`INSERT INTO timeline_search(timeline_search) VALUES ('rebuild')`.execute(db);
      } else {
        await sql`ALTER TABLE timeline_entries ADD COLUMN search_vector tsvector
          GENERATED ALWAYS AS (to_tsvector('simple', coalesce(body, ''))) STORED`.execute(db);
        await sql`CREATE INDEX timeline_entries_search ON timeline_entries USING gin (search_vector)`.execute(db);
      }
    },
  };
}
