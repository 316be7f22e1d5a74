/**
 * The store: the only place SQL lives. One Store wraps a Kysely instance; each entity
 * has its own store class, and the same queries run on every dialect.
 */
import { EventEmitter } from 'node:events';
import { Kysely, Migrator, sql } from 'kysely';
import { CachedTokenStore, type AuthClock } from './auth-cache.js';
import { BulkLoader } from './bulk.js';
import { ArtifactStore } from './artifacts.js';
import { ChatStore } from './chats.js';
import { ChatReadStore } from './chat-reads.js';
import { ReactionStore } from './reactions.js';
import { DirectorySearchStore } from './directory-search.js';
import { isRetryableTransactionError } from './errors.js';
import { EventStore } from './events.js';
import { GroupStore } from './groups.js';
import type { DialectName } from './migrations/helpers.js';
import { migrationProvider } from './migrations/index.js';
import { OrgStore } from './orgs.js';
import { RevOrgStore } from './rev-orgs.js';
import type { Database } from './schema.js';
import { SecretStore } from './secrets.js';
import { TimelineEntryStore } from './timeline-entries.js';
import { TokenStore } from './tokens.js';
import { UserStore } from './users.js';
import { WebhookStore } from './webhooks.js';

export { DatabaseUnavailable, UniqueViolation } from './errors.js';
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
  readonly chatReads: ChatReadStore;
  readonly reactions: ReactionStore;
  readonly directory: DirectorySearchStore;
  readonly timelineEntries: TimelineEntryStore;
  readonly secrets: SecretStore;
  readonly events: EventStore;
  readonly webhooks: WebhookStore;
  readonly revOrgs: RevOrgStore;
  readonly bulk: BulkLoader;
  readonly artifacts: ArtifactStore;

  constructor(
    protected readonly db: Kysely<Database>,
    readonly dialect: DialectName,
    /** Emits 'events' in this process when appended events are committed (wakes the dispatcher). */
    readonly signals: EventEmitter = new EventEmitter(),
    private readonly pending?: { eventsAppended: boolean },
    caches: StoreCaches = {},
  ) {
    this.orgs = new OrgStore(db);
    this.users = new UserStore(db);
    this.tokens = caches.authClock ? new CachedTokenStore(db, caches.authClock) : new TokenStore(db);
    this.groups = new GroupStore(db);
    this.chats = new ChatStore(db);
    this.chatReads = new ChatReadStore(db);
    this.reactions = new ReactionStore(db);
    this.directory = new DirectorySearchStore(db);
    this.timelineEntries = new TimelineEntryStore(db, dialect);
    this.secrets = new SecretStore(db);
    this.events = new EventStore(db);
    this.webhooks = new WebhookStore(db);
    this.revOrgs = new RevOrgStore(db);
    this.bulk = new BulkLoader(db);
    this.artifacts = new ArtifactStore(db);
  }

  /**
   * Runs `work` in one transaction; everything it does through `tx` commits or none of it.
   * When PostgreSQL aborts it for a serialization failure or a deadlock, `work` runs again
   * from the start, a few times, so `work` must do nothing but go through `tx`. Listeners
   * hear of appended events only once they are committed. `tx` has no caches: what it
   * reads may yet be rolled back.
   */
  async transaction<T>(work: (tx: Store) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      // Fresh per attempt: an aborted attempt's events were never committed.
      const pending = { eventsAppended: false };
      try {
        const result = await this.db.transaction().execute((trx) => work(new Store(trx, this.dialect, this.signals, pending)));
        if (pending.eventsAppended) this.signals.emit('events');
        return result;
      } catch (error) {
        if (attempt >= MAX_TRANSACTION_ATTEMPTS || !isRetryableTransactionError(error)) throw error;
        // Jittered backoff, so the two transactions that collided do not collide again.
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * 2 ** attempt));
      }
    }
  }

  /** Says events were appended; listeners hear it once they are committed, not before. */
  eventsAppended(): void {
    if (this.pending) this.pending.eventsAppended = true;
    else this.signals.emit('events');
  }
}

/** One run plus retries; past that the conflict is persistent and the caller hears of it. */
export const MAX_TRANSACTION_ATTEMPTS = 4;

/** A whole database as bytes, and back: the emulator's snapshots (in-memory SQLite only). */
export interface DatabaseImage {
  serialize(): Buffer;
  replace(image: Buffer): void;
}

/** A Store that owns its connection: it migrates and closes. */
export class RootStore extends Store {
  constructor(
    db: Kysely<Database>,
    dialect: DialectName,
    signals?: EventEmitter,
    pending?: { eventsAppended: boolean },
    caches: StoreCaches = {},
    private readonly image?: DatabaseImage,
  ) {
    super(db, dialect, signals, pending, caches);
  }

  /** Whether this database can be saved and restored whole (an in-memory SQLite one can). */
  get hasImage(): boolean {
    return this.image !== undefined;
  }

  /**
   * A copy of the whole database. Taken while holding the one connection, so it is
   * never in the middle of a transaction.
   */
  async saveImage(): Promise<Buffer> {
    const image = this.requireImage();
    return this.db.connection().execute(async () => image.serialize());
  }

  /** Replaces the whole database with a saved copy; no transaction is in flight meanwhile. */
  async restoreImage(saved: Buffer): Promise<void> {
    const image = this.requireImage();
    await this.db.connection().execute(async () => image.replace(saved));
    this.secrets.forget();
  }

  private requireImage(): DatabaseImage {
    if (!this.image) throw new Error('snapshots are for the in-memory SQLite emulator only');
    return this.image;
  }

  /**
   * Applies pending migrations. On PostgreSQL Kysely's migrator holds a session advisory
   * lock while it runs, so several processes may migrate at once: one applies, the others
   * wait and then find nothing to do. Its bookkeeping tables go in the current schema,
   * named explicitly because Kysely otherwise looks for them in every schema.
   */
  async migrate(onProgress?: (done: number, total: number) => void): Promise<string[]> {
    const migrator = await this.migrator();
    const total = onProgress ? (await this.pendingMigrations()).length : 0;
    onProgress?.(0, total);
    // All of them under one lock (not one migrateUp at a time): with several processes
    // migrating at once, one applies everything and the others find nothing to do.
    const { error, results } = await migrator.migrateToLatest();
    if (error) throw error;
    const applied = (results ?? []).filter((result) => result.status === 'Success').map((result) => result.migrationName);
    onProgress?.(applied.length, total);
    return applied;
  }

  /** Names of migrations the code has that the database has not applied (readiness). */
  async pendingMigrations(): Promise<string[]> {
    const migrator = await this.migrator();
    return (await migrator.getMigrations()).filter((migration) => migration.executedAt === undefined).map((migration) => migration.name);
  }

  private async migrator(): Promise<Migrator> {
    const migrationTableSchema = this.dialect === 'postgres' ? await this.currentSchema() : undefined;
    return new Migrator({ db: this.db, provider: migrationProvider(this.dialect), migrationTableSchema });
  }

  /**
   * Deletes every row of every table and restarts all numbering, keeping the schema: the
   * emulator's reset. Tables are found in the catalogue, so tables added later are wiped too.
   * SQLite only: it is meant for a throwaway in-memory database.
   */
  async wipe(): Promise<void> {
    if (this.dialect !== 'sqlite') throw new Error('wipe() is for the in-memory SQLite emulator only');
    const { rows } = await sql<{ name: string }>`
      select name from sqlite_master
      where type = 'table' and (name = 'sqlite_sequence' or (name not like 'sqlite_%' and name not like 'kysely_%'))`.execute(this.db);
    // One transaction, with foreign keys checked at commit: by then every row is gone, so
    // the order of the deletes does not matter and no request sees half a wipe.
    await this.db.transaction().execute(async (trx) => {
      await sql`pragma defer_foreign_keys = on`.execute(trx);
      for (const { name } of rows) await sql`delete from ${sql.table(name)}`.execute(trx);
    });
  }

  /**
   * Runs `work` while no other process runs work under the same name on this database
   * (a PostgreSQL advisory lock, per schema; SQLite has one process by design). For
   * check-then-act steps at startup, such as creating the first organization.
   */
  async exclusively<T>(name: string, work: (store: Store) => Promise<T>): Promise<T> {
    if (this.dialect !== 'postgres') return work(this);
    return this.db.connection().execute(async (connection) => {
      const key = sql`hashtext(current_schema() || ':' || ${name})`;
      await sql`select pg_advisory_lock(${key})`.execute(connection);
      try {
        return await work(new Store(connection, this.dialect, this.signals));
      } finally {
        await sql`select pg_advisory_unlock(${key})`.execute(connection);
      }
    });
  }

  private async currentSchema(): Promise<string> {
    const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(this.db);
    const schema = rows[0]?.schema;
    if (!schema) throw new Error('no schema in the search_path exists: create it, or fix the search_path in DATABASE_URL');
    return schema;
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }
}
