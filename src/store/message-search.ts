/**
 * The first half of message search: the candidates, read from the full-text index and
 * already scoped there to the caller's chats (or, for someone in very many chats, their
 * org), newest first and at most SEARCH_CANDIDATE_CAP of them, each with its rank. What a
 * search costs is therefore bounded by the caller's own data and by the cap, never by
 * another tenant's (migration 0021). TimelineEntryStore.search applies the visibility
 * rule to these and ranks what is left.
 */
import { sql, type Kysely } from 'kysely';
import type { DialectName } from './migrations/helpers.js';
import type { Database } from './schema.js';

/**
 * At most this many matching entries, the newest, are ranked per search: past it a search
 * answers the best of the newest 1,000 matches (README, "Security model"). The bm25 or
 * ts_rank of each is what a search spends most on; 1,000 keeps it a few milliseconds.
 */
export const SEARCH_CANDIDATE_CAP = 1000;

/**
 * A caller in at most this many chats is searched in exactly those chats; beyond it, in
 * their whole org (the chat filter then comes after the index). Each chat is one term of
 * the index query, so this bounds that query's size.
 */
export const MAX_SCOPED_CHATS = 200;

/** Where candidates may come from: some chats, or a whole org. */
export type SearchScope = { chatIds: readonly number[] } | { orgId: number };

export interface SearchCandidate {
  id: number;
  /** Lower is better, on both databases. */
  rank: number;
}

/** What every search of one database examined, across the stores made for it (GET /metrics). */
export class SearchStats {
  candidatesExamined = 0;
}

export async function searchCandidates(
  db: Kysely<Database>,
  dialect: DialectName,
  scope: SearchScope,
  terms: readonly string[],
): Promise<SearchCandidate[]> {
  if ('chatIds' in scope && scope.chatIds.length === 0) return [];
  const rows =
    dialect === 'sqlite' ? await sqliteCandidates(db, scope, terms, SEARCH_CANDIDATE_CAP) : await postgresCandidates(db, scope, terms, SEARCH_CANDIDATE_CAP);
  return rows.map((row) => ({ id: Number(row.id), rank: Number(row.rank) }));
}

/**
 * FTS5: `scope : (chat1 OR chat2) AND body : ("word" "word")`. Each term is quoted (the
 * caller passes letters and digits only), so no search syntax reaches the index. The
 * scope column weighs 0 in bm25: every candidate has it. FTS5 walks its rowids newest
 * first and stops at the cap; a rare scope token is intersected with a common word by
 * seeking, not by reading the word's whole list.
 */
function sqliteCandidates(db: Kysely<Database>, scope: SearchScope, terms: readonly string[], cap: number) {
  const where = 'chatIds' in scope ? scope.chatIds.map((id) => `chat${id}`).join(' OR ') : `org${scope.orgId}`;
  const match = `scope : (${where}) AND body : (${terms.map((term) => `"${term}"`).join(' ')})`;
  return sql<{ id: number; rank: number }>`
    SELECT rowid AS id, bm25(timeline_search, 0, 1) AS rank FROM timeline_search
    WHERE timeline_search MATCH ${match} ORDER BY rowid DESC LIMIT ${cap}`
    .execute(db)
    .then((result) => result.rows);
}

/**
 * PostgreSQL: the words (plainto_tsquery, so no syntax) AND the scope's lexemes, one GIN
 * scan whose rarest terms lead. The matches are gathered first (a materialized CTE), so
 * the planner cannot trade the GIN scan for a walk down the primary key in search of the
 * newest, which with a rare word would read the whole table.
 */
function postgresCandidates(db: Kysely<Database>, scope: SearchScope, terms: readonly string[], cap: number) {
  const where = 'chatIds' in scope ? scope.chatIds.map((id) => `'@chat${id}'`).join(' | ') : `'@org${scope.orgId}'`;
  const words = terms.join(' ');
  return sql<{ id: number; rank: number }>`
    WITH matches AS MATERIALIZED (
      SELECT id, search_vector FROM timeline_entries
      WHERE search_vector @@ (plainto_tsquery('simple', ${words}) && ${where}::tsquery)
    )
    SELECT id, -ts_rank(search_vector, plainto_tsquery('simple', ${words})) AS rank FROM matches ORDER BY id DESC LIMIT ${cap}`
    .execute(db)
    .then((result) => result.rows);
}
