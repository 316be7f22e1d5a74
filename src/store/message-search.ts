/**
 * The first half of message search: the candidates, read from the full-text index and
 * already scoped there to the caller's chats (or, for someone in very many chats, their
 * org), newest first and at most SEARCH_CANDIDATE_CAP of them, each with its rank. What a
 * search costs is therefore bounded by the caller's own data and by the cap, never by
 * another tenant's (migration 0024). TimelineEntryStore.search applies the visibility
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
 * caller passes letters and digits only), so no search syntax reaches the index. FTS5
 * walks its rowids newest first and stops at the cap; a rare scope token is intersected
 * with a common word by seeking, not by reading the word's whole list.
 *
 * Not ranked by FTS5's bm25: its IDF counts every entry of the whole index that has each
 * word, which is the cross-tenant cost again (measured: 30 ms of a small org's search
 * when another org had the word 300k times). The candidates are ranked here instead, by
 * bm25 without the IDF — term frequency, saturated and weighed by length, the way
 * ts_rank on PostgreSQL also ignores how common a word is — over their first
 * RANKED_PREFIX characters, so a cap's worth of 64 KiB bodies is never read whole.
 */
async function sqliteCandidates(db: Kysely<Database>, scope: SearchScope, terms: readonly string[], cap: number) {
  const where = 'chatIds' in scope ? scope.chatIds.map((id) => `chat${id}`).join(' OR ') : `org${scope.orgId}`;
  const match = `scope : (${where}) AND body : (${terms.map((term) => `"${term}"`).join(' ')})`;
  const { rows } = await sql<{ id: number; text: string | null }>`
    SELECT timeline_entries.id, substr(timeline_entries.body, 1, ${RANKED_PREFIX}) AS text
    FROM (SELECT rowid FROM timeline_search WHERE timeline_search MATCH ${match} ORDER BY rowid DESC LIMIT ${cap}) AS matches
    JOIN timeline_entries ON timeline_entries.id = matches.rowid`.execute(db);
  const words = rows.map((row) => foldForIndex(row.text ?? '').match(WORD) ?? []);
  const averageLength = words.reduce((sum, list) => sum + list.length, 0) / Math.max(1, words.length);
  const folded = terms.map(foldForIndex);
  return rows.map((row, index) => ({ id: row.id, rank: -termScore(words[index]!, folded, averageLength) }));
}

const RANKED_PREFIX = 4096;

/** As FTS5's unicode61 tokenizer folds: case and diacritics (`Café` is `cafe`). */
function foldForIndex(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}
const WORD = /[\p{L}\p{N}]+/gu;
/** bm25's usual constants: how fast repeats stop counting, and how much length weighs. */
const K1 = 1.2;
const B = 0.75;

function termScore(words: readonly string[], terms: readonly string[], averageLength: number): number {
  const lengthWeight = 1 - B + (B * words.length) / Math.max(1, averageLength);
  let score = 0;
  for (const term of terms) {
    const frequency = words.filter((word) => word === term).length;
    score += (frequency * (K1 + 1)) / (frequency + K1 * lengthWeight);
  }
  return score;
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
