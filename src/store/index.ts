/**
 * The store: the only place SQL lives. One Store wraps a Kysely instance; each entity
 * has its own store class, and the same queries run on every dialect.
 */
import { Kysely, Migrator } from 'kysely';
import { CachedTokenStore, type AuthClock } from './auth-cache.js';
import { BulkLoader } from './bulk.js';
import { ChatStore } from './chats.js';
import { GroupStore } from './groups.js';
import type { DialectName } from './migrations/helpers.js';
import { migrationProvider } from './migrations/index.js';
import { OrgStore } from './orgs.js';
import type { Database } from './schema.js';
import { SecretStore } from './secrets.js';
import { TimelineEntryStore } from './timeline-entries.js';
import { TokenStore } from './tokens.js';
import { UserStore } from './users.js';

export { UniqueViolation } from './errors.js';
export type { DialectName } from './migrations/helpers.js';

/** Process-local caches, for a dialect that can tell when they go stale (see auth-cache.ts). */
export interface StoreCaches {
  authClock?: AuthClock;
}

export class Store {
  readonly orgs: OrgStore;
  readonly users: UserStore;
  readonly tokens: TokenStore;
  readonly groups: GroupStore;
  readonly chats: ChatStore;
  readonly timelineEntries: TimelineEntryStore;
  readonly secrets: SecretStore;
  readonly bulk: BulkLoader;

  constructor(
    protected readonly db: Kysely<Database>,
    readonly dialect: DialectName,
    caches: StoreCaches = {},
  ) {
    this.orgs = new OrgStore(db);
    this.users = new UserStore(db);
    this.tokens = caches.authClock ? new CachedTokenStore(db, caches.authClock) : new TokenStore(db);
    this.groups = new GroupStore(db);
    this.chats = new ChatStore(db);
    this.timelineEntries = new TimelineEntryStore(db);
    this.secrets = new SecretStore(db);
    this.bulk = new BulkLoader(db);
  }

  /**
   * Runs `work` in one transaction; everything it does through `tx` commits or none of it.
   * `tx` has no caches: what it reads may yet be rolled back.
   */
  transaction<T>(work: (tx: Store) => Promise<T>): Promise<T> {
    return this.db.transaction().execute((trx) => work(new Store(trx, this.dialect)));
  }
}

/** A Store that owns its connection: it migrates and closes. */
export class RootStore extends Store {
  async migrate(): Promise<string[]> {
    const migrator = new Migrator({ db: this.db, provider: migrationProvider(this.dialect) });
    const { error, results } = await migrator.migrateToLatest();
    if (error) throw error;
    return (results ?? []).filter((result) => result.status === 'Success').map((result) => result.migrationName);
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }
}
