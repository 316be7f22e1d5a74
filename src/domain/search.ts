/**
 * Message search (Confab addition: DevRev's search.core has no namespace for chat
 * messages). Only what the caller may read: entries of chats they belong to, by the same
 * visibility rule as every timeline read. The query is reduced to plain words before it
 * reaches the database, so no full-text syntax — quotes, NEAR, column filters, `*`, `&` —
 * is ever interpreted, and a query that is nothing but such syntax is refused.
 */
import { createHash } from 'node:crypto';
import type { Store } from '../store/index.js';
import type { TimelineView } from '../store/timeline-entries.js';
import { assertMember, findChat } from './chats.js';
import { cursorSecret, openKeyCursor, sealKeyCursor } from './cursors.js';
import { BadRequest } from './errors.js';
import { now, type Principal, type TimelineEntry } from '../model/index.js';

export const MAX_QUERY_LENGTH = 1000;
export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;
/** Words past these are dropped: every one must match, and more never narrows usefully. */
const MAX_TERMS = 16;
const MAX_TERM_LENGTH = 64;
/** Search pages are read shallow; a cursor past this is not one we would issue. */
const MAX_OFFSET = 10_000;
const WORD = /[\p{L}\p{N}]+/gu;

export interface SearchEntriesInput {
  query: string;
  chat?: string;
  cursor?: string;
  limit?: number;
}

export interface SearchHit {
  entry: TimelineEntry;
  /** The body around the first match, HTML-escaped, each matched word in `<mark>…</mark>`. */
  snippet: string;
}

export interface SearchPage {
  hits: SearchHit[];
  nextCursor?: string;
}

/** The words of a query, as the indexes tokenize them: letters and digits, case-folded. */
export function queryTerms(fieldName: string, query: string): string[] {
  if (query.length > MAX_QUERY_LENGTH) throw BadRequest.invalidField(fieldName, `at most ${MAX_QUERY_LENGTH} characters`);
  const terms = [...new Set((query.toLowerCase().match(WORD) ?? []).filter((term) => term.length <= MAX_TERM_LENGTH))];
  if (terms.length === 0) throw BadRequest.invalidField(fieldName, 'has no words to search for');
  return terms.slice(0, MAX_TERMS);
}

export async function searchTimelineEntries(store: Store, principal: Principal, input: SearchEntriesInput): Promise<SearchPage> {
  const terms = queryTerms('query', input.query);
  const view: TimelineView = { viewerId: principal.user.id, hideInternal: principal.user.type === 'rev_user', now: now() };
  if (input.chat !== undefined) {
    const chat = await findChat(store, principal, 'chat', input.chat);
    await assertMember(store, chat, principal.user);
    view.chatId = chat.id;
  }
  // A cursor is an offset into one caller's results for one query.
  const scope = createHash('sha256').update(JSON.stringify([terms, view.chatId ?? null])).digest('base64url').slice(0, 16);
  const list = `timeline-entries.search:${principal.user.id}:${scope}`;
  const secret = await cursorSecret(store);
  const offset = input.cursor === undefined ? 0 : openKeyCursor(secret, input.cursor, list).id;
  if (offset > MAX_OFFSET) throw BadRequest.invalidField('cursor', 'not a cursor issued for this list');
  const limit = input.limit ?? DEFAULT_PAGE_SIZE;
  const entries = await store.timelineEntries.search(view, terms, offset, limit + 1);
  const more = entries.length > limit;
  if (more) entries.pop();
  const page: SearchPage = { hits: entries.map((entry) => ({ entry, snippet: markTerms(entry.body ?? '', terms) })) };
  if (more && offset + limit <= MAX_OFFSET) page.nextCursor = sealKeyCursor(secret, { list, key: '', id: offset + limit, mode: 'after' });
  return page;
}

const SNIPPET_BEFORE = 60;
const SNIPPET_LENGTH = 240;

/** `text` around its first matching word, HTML-escaped, with every matching word marked. */
export function markTerms(text: string, terms: readonly string[]): string {
  const wanted = new Set(terms);
  let first = -1;
  for (const match of text.matchAll(WORD)) {
    if (wanted.has(match[0].toLowerCase())) {
      first = match.index;
      break;
    }
  }
  const start = Math.max(0, first - SNIPPET_BEFORE);
  const end = Math.min(text.length, start + SNIPPET_LENGTH);
  const excerpt = text.slice(start, end);
  let marked = '';
  let last = 0;
  for (const match of excerpt.matchAll(WORD)) {
    if (!wanted.has(match[0].toLowerCase())) continue;
    marked += escapeHtml(excerpt.slice(last, match.index)) + `<mark>${escapeHtml(match[0])}</mark>`;
    last = match.index + match[0].length;
  }
  marked += escapeHtml(excerpt.slice(last));
  return (start > 0 ? '…' : '') + marked + (end < text.length ? '…' : '');
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
