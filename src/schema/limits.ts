/**
 * The numbers the wire's schemas and the rules behind them share: page sizes, lengths and
 * counts. They live here, at the bottom, so that schema/ imports nothing above it and the
 * domain reads the same number the schema validated against.
 */

/** Every keyset list: a page unless `limit` says otherwise, and the most one may ask for. */
export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 100;

/** Message search answers fewer a page: each hit carries a snippet. */
export const DEFAULT_SEARCH_PAGE_SIZE = 20;
/** A search query's length, in characters. */
export const MAX_QUERY_LENGTH = 1000;

/** Far more than any cursor we issue; bounds the work done on a hostile one. */
export const MAX_CURSOR_LENGTH = 512;

/** How many people one presence.list may ask about. */
export const MAX_PRESENCE_USERS = 100;

/** DevRev creates users in `shadow` (invited, not yet signed in); Confab also allows `active`. */
export const CREATABLE_STATES = ['shadow', 'active'] as const;

/** chats.leave: a chat of fewer users cannot be left (it would leave one person alone). */
export const MIN_USERS_TO_LEAVE = 3;
