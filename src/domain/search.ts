/**
 * Message search (Confab addition: DevRev's search.core has no namespace for chat
 * messages). Only what the caller may read: entries of chats they belong to, by the same
 * visibility rule as every timeline read. The query is reduced to plain words before it
 * reaches the database, so no full-text syntax — quotes, NEAR, column filters, `*`, `&` —
 * is ever interpreted, and a query that is nothing but such syntax is refused.
 */
import { createHash } from 'node:crypto';
import type { Store } from '../store/index.js';
import { findTimelineChat } from './timeline-entries.js';
import type { TimelineView } from '../store/timeline-entries.js';
import { readerOf } from './policy/visibility.js';
import { contactsOf, isCustomer, mayAddGroup, mayChatWith, mayViewEmail, searchableEmails } from './policy/customers.js';
import { cursorSecret, openKeyCursor, sealKeyCursor } from './cursors.js';
import { readBeyond } from './paging.js';
import { BadRequest } from './errors.js';
import { now, type Group, type Principal, type RevOrg, type TimelineEntry, type User } from '../model/index.js';
import { DEFAULT_SEARCH_PAGE_SIZE, MAX_QUERY_LENGTH } from '../schema/limits.js';

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
  const view: TimelineView = { reader: readerOf(principal.user), now: now() };
  if (input.chat !== undefined) {
    view.chatId = (await findTimelineChat(store, principal, 'chat', input.chat)).id;
  }
  // A cursor is an offset into one caller's results for one query.
  const scope = createHash('sha256').update(JSON.stringify([terms, view.chatId ?? null])).digest('base64url').slice(0, 16);
  const list = `timeline-entries.search:${principal.user.id}:${scope}`;
  const secret = await cursorSecret(store);
  const offset = input.cursor === undefined ? 0 : openKeyCursor(secret, input.cursor, list).id;
  if (offset > MAX_OFFSET) throw BadRequest.invalidField('cursor', 'not a cursor issued for this list');
  const limit = input.limit ?? DEFAULT_SEARCH_PAGE_SIZE;
  const { rows: entries, more } = await readBeyond(limit, (size) => store.timelineEntries.search({ ...view, orgId: principal.org.id }, terms, offset, size));
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

/** The namespaces of search.core that Confab has objects for; DevRev's others find nothing here. */
export const CORE_NAMESPACES = ['dev_user', 'rev_user', 'service_account', 'group', 'rev_org'] as const;
export type CoreNamespace = (typeof CORE_NAMESPACES)[number];
/** Candidates read per namespace before ranking: an organization's directory, not a corpus. */
const CORE_CANDIDATES = 500;

export interface SearchCoreInput {
  query: string;
  namespaces?: string[];
  cursor?: string;
  limit?: number;
  sortBy?: 'created_date' | 'modified_date' | 'relevance';
  sortOrder?: 'asc' | 'desc';
}

export type CoreHit =
  | { kind: 'user'; user: User; modifiedAt: string }
  | { kind: 'group'; group: Group; modifiedAt: string }
  | { kind: 'rev_org'; revOrg: RevOrg; modifiedAt: string };

export interface CorePage {
  hits: CoreHit[];
  nextCursor?: string;
  /** The caller's contacts (domain/policy/customers.ts): what a customer sees of those found. */
  contacts: ReadonlySet<number>;
}

/**
 * DevRev's search.core over people, groups and customers: the query as one phrase, found
 * anywhere in a name (or a user's email), an exact name first, then a name that starts
 * with it, then a word that does, then the rest; or by date when `sort_by` says so. A
 * customer finds only whom they may reach (domain/policy/customers.ts): staff, bots, staff
 * groups, and their own rev org and its people; never another customer; and never by an
 * email they may not see, which neither matches nor ranks.
 */
export async function searchCore(store: Store, principal: Principal, input: SearchCoreInput): Promise<CorePage> {
  queryTerms('query', input.query);
  const needle = input.query.trim().toLowerCase();
  const wanted = new Set(input.namespaces && input.namespaces.length > 0 ? input.namespaces : CORE_NAMESPACES);
  const orgId = principal.org.id;
  const userTypes = (['dev_user', 'rev_user', 'service_account'] as const).filter((type) => wanted.has(type));
  const viewer = principal.user;
  const contacts = await contactsOf(store, viewer);
  const [found, foundGroups, foundRevOrgs] = await Promise.all([
    store.directory.findUsers(orgId, userTypes, needle, CORE_CANDIDATES, searchableEmails(viewer, contacts)),
    wanted.has('group') ? store.directory.groups(orgId, needle, CORE_CANDIDATES) : [],
    wanted.has('rev_org') ? store.directory.revOrgs(orgId, needle, CORE_CANDIDATES) : [],
  ]);
  const customer = isCustomer(viewer);
  const users = customer ? found.filter((user) => mayChatWith(viewer, user)) : found;
  const groups = customer ? foundGroups.filter((group) => mayAddGroup(viewer, group)) : foundGroups;
  const revOrgs = customer ? foundRevOrgs.filter((revOrg) => revOrg.number === viewer.revOrg?.number) : foundRevOrgs;
  const scored: { hit: CoreHit; score: number; name: string; createdAt: string }[] = [];
  const add = (hit: CoreHit, names: (string | null)[], createdAt: string) => {
    const score = Math.min(...names.map((name) => relevance(name?.toLowerCase() ?? '', needle)));
    // LIKE matched a superset (its wildcards in the query were widened): keep exact matches only.
    if (score < Infinity) scored.push({ hit, score, name: (names[0] ?? '').toLowerCase(), createdAt });
  };
  for (const user of users) {
    const email = mayViewEmail(viewer, user, contacts) ? user.email : null;
    add({ kind: 'user', user, modifiedAt: user.modifiedAt }, [user.displayName, user.fullName, email], user.createdAt);
  }
  for (const group of groups) add({ kind: 'group', group, modifiedAt: group.modifiedAt }, [group.name], group.createdAt);
  for (const revOrg of revOrgs) add({ kind: 'rev_org', revOrg, modifiedAt: revOrg.modifiedAt }, [revOrg.displayName], revOrg.createdAt);

  const sortBy = input.sortBy ?? 'relevance';
  const sign = (input.sortOrder ?? (sortBy === 'relevance' ? 'asc' : 'desc')) === 'asc' ? 1 : -1;
  const key = (item: (typeof scored)[number]) =>
    sortBy === 'created_date' ? item.createdAt : sortBy === 'modified_date' ? item.hit.modifiedAt : item.score;
  scored.sort((a, b) => {
    const [x, y] = [key(a), key(b)];
    if (x !== y) return sign * (x < y ? -1 : 1);
    return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
  });

  const scope = createHash('sha256')
    .update(JSON.stringify([needle, [...wanted].sort(), sortBy, sign]))
    .digest('base64url')
    .slice(0, 16);
  const list = `search.core:${principal.user.id}:${scope}`;
  const secret = await cursorSecret(store);
  const offset = input.cursor === undefined ? 0 : openKeyCursor(secret, input.cursor, list).id;
  const limit = input.limit ?? DEFAULT_SEARCH_PAGE_SIZE;
  const hits = scored.slice(offset, offset + limit).map((item) => item.hit);
  const page: CorePage = { hits, contacts };
  if (offset + limit < scored.length) page.nextCursor = sealKeyCursor(secret, { list, key: '', id: offset + limit, mode: 'after' });
  return page;
}

/** Lower is better: the name itself, a prefix of it, a prefix of one of its words, anywhere in it. */
function relevance(name: string, needle: string): number {
  if (name === needle) return 0;
  if (name.startsWith(needle)) return 1;
  const at = name.indexOf(needle);
  if (at < 0) return Infinity;
  return /[\p{L}\p{N}]/u.test(name[at - 1]!) ? 3 : 2;
}
