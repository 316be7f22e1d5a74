/**
 * The standard parts with the caches in front (as Mattermost's store layers): token grants
 * (auth-cache.ts), users and chats (read-cache.ts). Outside transactions only: a unit of
 * work reads what it is about to change, uncached. One set of caches per database, shared
 * by the root store and every request's view of it.
 */
import type { Kysely } from 'kysely';
import { CachedTokenStore, type GrantCache } from './auth-cache.js';
import type { Outbox } from './changes.js';
import type { DialectName } from './migrations/helpers.js';
import { SharedParts, StandardParts, type StoreParts, type StoreScope } from './parts.js';
import { CachedChatStore, CachedUserStore, type ReadCaches } from './read-cache.js';
import type { Database } from './schema.js';

export interface StoreCaches {
  grants: GrantCache;
  reads: ReadCaches;
}

/** `numberBlockSize`: display numbers a process reserves at a time (numbers.ts). */
export function cachingParts(dialect: DialectName, caches: StoreCaches, numberBlockSize?: number): StoreParts {
  const shared = new SharedParts(dialect, numberBlockSize);
  return (db, scope, outbox) => new CachingParts(db, shared, scope, caches, outbox);
}

class CachingParts extends StandardParts {
  constructor(
    db: Kysely<Database>,
    shared: SharedParts,
    scope: StoreScope,
    private readonly caches: StoreCaches,
    outbox?: Outbox,
  ) {
    super(db, shared, scope, outbox);
  }

  protected override tokenStore() {
    const tokens = super.tokenStore();
    return this.scope === 'root' ? new CachedTokenStore(tokens, this.caches.grants) : tokens;
  }

  protected override newUserStore() {
    return this.scope === 'root' ? new CachedUserStore(this.db, this.caches.reads) : super.newUserStore();
  }

  protected override newChatStore() {
    const users = this.users;
    return this.scope === 'root' && users instanceof CachedUserStore
      ? new CachedChatStore(this.db, users, this.caches.reads, this.shared.dialect)
      : super.newChatStore();
  }
}
