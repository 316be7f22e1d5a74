import { sql, type Kysely } from 'kysely';
import type { DialectName } from './helpers.js';

/**
 * Message search scoped inside the index (security issue 22, finding 7). Before this, the
 * full-text index knew only words, so a search first gathered every entry of every org
 * with the word and only then dropped those outside the caller's chats: a common word in
 * another tenant's 300k messages cost a small org 150 ms a search. Now every entry also
 * carries its org and its chat as tokens the query can require, so the index itself
 * answers only the caller's own candidates (store/timeline-entries.ts `search`).
 *
 * SQLite: the FTS5 table gains a `scope` column (`org<id> chat<id>`), filled from a view
 * over timeline_entries so that FTS5's `rebuild` — here, and whenever one is needed —
 * reads it like the body. A query names the column (`scope : …`, `body : …`), so words of
 * a body never match a scope and the reverse.
 * PostgreSQL: the generated tsvector gains the lexemes `@org<id>` and `@chat<id>`, which
 * no body can produce (the parser never keeps `@` in a word), under the same GIN index;
 * a query ANDs them with the words. No extension (btree_gin) is needed.
 * Both rebuild the index from the rows already there.
 */
export function searchScope(dialect: DialectName) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      if (dialect === 'sqlite') {
        for (const trigger of ['timeline_search_insert', 'timeline_search_delete', 'timeline_search_update']) {
          await sql`DROP TRIGGER ${sql.raw(trigger)}`.execute(db);
        }
        await sql`DROP TABLE timeline_search`.execute(db);
        await sql`CREATE VIEW timeline_search_source AS
          SELECT id, 'org' || org_id || ' chat' || chat_id AS scope, body FROM timeline_entries`.execute(db);
        await sql`CREATE VIRTUAL TABLE timeline_search USING fts5(scope, body, content='timeline_search_source', content_rowid='id')`.execute(db);
        // An entry never changes org or chat, so its scope is the same in every trigger.
        await sql`CREATE TRIGGER timeline_search_insert AFTER INSERT ON timeline_entries BEGIN
          INSERT INTO timeline_search(rowid, scope, body) VALUES (new.id, 'org' || new.org_id || ' chat' || new.chat_id, new.body);
        END`.execute(db);
        await sql`CREATE TRIGGER timeline_search_delete AFTER DELETE ON timeline_entries BEGIN
          INSERT INTO timeline_search(timeline_search, rowid, scope, body) VALUES ('delete', old.id, 'org' || old.org_id || ' chat' || old.chat_id, old.body);
        END`.execute(db);
        await sql`CREATE TRIGGER timeline_search_update AFTER UPDATE OF body ON timeline_entries BEGIN
          INSERT INTO timeline_search(timeline_search, rowid, scope, body) VALUES ('delete', old.id, 'org' || old.org_id || ' chat' || old.chat_id, old.body);
          INSERT INTO timeline_search(rowid, scope, body) VALUES (new.id, 'org' || new.org_id || ' chat' || new.chat_id, new.body);
        END`.execute(db);
        await sql`INSERT INTO timeline_search(timeline_search) VALUES ('rebuild')`.execute(db);
      } else {
        await sql`DROP INDEX timeline_entries_search`.execute(db);
        await sql`ALTER TABLE timeline_entries DROP COLUMN search_vector`.execute(db);
        await sql`ALTER TABLE timeline_entries ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
          array_to_tsvector(ARRAY['@org' || org_id::text, '@chat' || chat_id::text]) || to_tsvector('simple', coalesce(body, ''))
        ) STORED`.execute(db);
        await sql`CREATE INDEX timeline_entries_search ON timeline_entries USING gin (search_vector)`.execute(db);
      }
    },
  };
}
