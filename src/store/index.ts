/**
 * The store: the only place SQL lives. A Store is a set of entity stores (parts.ts) over
 * one Kysely connection or transaction; each dialect decides how its parts are built.
 * Every committed write is told to the change bus (changes.ts).
 */
import { Kysely, Migrator, sql } from 'kysely';
import { ChangeBus, ChangeRecorder, PendingChanges, type Outbox } from './changes.js';
import { isRetryableTransactionError } from './errors.js';
import { withoutStatementTimeout } from './timeouts.js';
import type { DialectName } from './migrations/helpers.js';
import { migrationProvider } from './migrations/index.js';
import type { EntityStores, StoreParts, StoreScope } from './parts.js';
import type { Database } from './schema.js';
import { CountingPlugin, type StatementCounter } from './statement-count.js';

export { DatabaseTimeout, DatabaseUnavailable, UniqueViolation } from './errors.js';
export type { DialectName } from './migrations/helpers.js';
export { ChangeBus, touches, type Change } from './changes.js';
export { Verbatim } from './rows.js';
export { StatementCounter } from './statement-count.js';

export class Store implements EntityStores {
  /** Queries run through this one, which tells `record` what each write touched. */
  protected readonly db: Kysely<Database>;
  /** Built on first use (parts.ts): a request's view of the store costs a few allocations. */
  private readonly entities: EntityStores;

  constructor(
    /** Without the recorder: transactions start here, each with a recorder of its own. */
    protected readonly base: Kysely<Database>,
    readonly dialect: DialectName,
    /** Hears of every write once it is committed. */
    readonly changes: ChangeBus,
    protected readonly parts: StoreParts,
    private readonly record: (tables: readonly string[]) => void = (tables) => changes.publish(tables),
    private readonly scope: StoreScope = 'root',
    /** A transaction's: what it appends to the outbox, published with its commit. */
    private readonly outbox?: Outbox,
  ) {
    this.db = base.withPlugin(new ChangeRecorder(record));
    this.entities = parts(this.db, scope, outbox);
  }

  get orgs() {
    return this.entities.orgs;
  }
  get users() {
    return this.entities.users;
  }
  get tokens() {
    return this.entities.tokens;
  }
  get groups() {
    return this.entities.groups;
  }
  get chats() {
    return this.entities.chats;
  }
  get timelineEntries() {
    return this.entities.timelineEntries;
  }
  get secrets() {
    return this.entities.secrets;
  }
  get events() {
    return this.entities.events;
  }
  get webhooks() {
    return this.entities.webhooks;
  }
  get revOrgs() {
    return this.entities.revOrgs;
  }
  get artifacts() {
    return this.entities.artifacts;
  }
  get faultRules() {
    return this.entities.faultRules;
  }
  get chatReads() {
    return this.entities.chatReads;
  }
  get reactions() {
    return this.entities.reactions;
  }
  get directory() {
    return this.entities.directory;
  }
  get presence() {
    return this.entities.presence;
  }
  get exportReads() {
    return this.entities.exportReads;
  }
  get importLookups() {
    return this.entities.importLookups;
  }

  /**
   * This store as one request sees it: the same database, caches and change bus, with every
   * statement it sends — its transactions' too — added to `counter` (statement-count.ts).
   */
  counting(counter: StatementCounter): Store {
    return new Store(this.base.withPlugin(new CountingPlugin(counter)), this.dialect, this.changes, this.parts, this.record, this.scope, this.outbox);
  }

  /**
   * Runs `work` in one transaction; everything it does through `tx` commits or none of it.
   * When PostgreSQL aborts it for a serialization failure or a deadlock, `work` runs again
   * from the start, a few times, so `work` must do nothing but go through `tx`. The change
   * bus hears of its writes only once they are committed. `tx` has no caches: what it
   * reads may yet be rolled back.
   */
  async transaction<T>(work: (tx: Store) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      // Fresh per attempt: an aborted attempt's writes were never committed.
      const pending = new PendingChanges();
      try {
        const result = await this.base
          .transaction()
          .execute((trx) => work(new Store(trx, this.dialect, this.changes, this.parts, pending.add, 'transaction', pending)));
        pending.publishTo(this.changes);
        return result;
      } catch (error) {
        if (attempt >= MAX_TRANSACTION_ATTEMPTS || !isRetryableTransactionError(error)) throw error;
        // Jittered backoff, so the two transactions that collided do not collide again.
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * 2 ** attempt));
      }
    }
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
    changes: ChangeBus,
    parts: StoreParts,
    private readonly image?: DatabaseImage,
  ) {
    super(db, dialect, changes, parts);
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
    return this.base.connection().execute(async () => image.serialize());
  }

  /** Replaces the whole database with a saved copy; no transaction is in flight meanwhile. */
  async restoreImage(saved: Buffer): Promise<void> {
    const image = this.requireImage();
    await this.base.connection().execute(async () => image.replace(saved));
    this.secrets.forget();
    this.orgs.forgetNumberBlocks();
    // Every table may hold other rows now: caches and listeners start over.
    this.changes.publish(['*']);
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
    // Unbounded: a migration may take minutes, and others starting now wait for its lock.
    const { error, results } = await withoutStatementTimeout(() => migrator.migrateToLatest());
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
    return new Migrator({
      db: this.base,
      provider: migrationProvider(this.dialect),
      migrationTableSchema,
      // Names are `0001_…`, so code-unit order is their order. Kysely's default compares
      // with localeCompare, whose first call sets up ICU collation: ~7 ms of every start.
      nameComparator: (a, b) => (a < b ? -1 : a > b ? 1 : 0),
    });
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
    await this.base.transaction().execute(async (trx) => {
      await sql`pragma defer_foreign_keys = on`.execute(trx);
      for (const { name } of rows) await sql`delete from ${sql.table(name)}`.execute(trx);
    });
    this.orgs.forgetNumberBlocks();
    this.changes.publish(['*']);
  }

  /**
   * Runs `work` on one unchanging view of the whole database (an export): on PostgreSQL a
   * read-only REPEATABLE READ transaction, on SQLite a read transaction, which in WAL mode
   * sees one snapshot while writers go on. It may take minutes and wait on a slow reader
   * of its output, so neither the statement timeout nor the idle-in-transaction timeout
   * applies. Not retried: `work` may have written its output already.
   */
  async readConsistently<T>(work: (store: Store) => Promise<T>): Promise<T> {
    const postgres = this.dialect === 'postgres';
    // Read only on SQLite too: there it begins a deferred transaction, taking no write lock.
    const readOnly = this.base.transaction().setAccessMode('read only');
    const transaction = postgres ? readOnly.setIsolationLevel('repeatable read') : readOnly;
    return withoutStatementTimeout(() =>
      transaction.execute(async (trx) => {
        if (postgres) await sql`set local idle_in_transaction_session_timeout = 0`.execute(trx);
        return work(new Store(trx, this.dialect, this.changes, this.parts, () => undefined, 'transaction'));
      }),
    );
  }

  /**
   * Runs `work` while no other process runs work under the same name on this database
   * (a PostgreSQL advisory lock, per schema; SQLite has one process by design). For
   * check-then-act steps at startup, such as creating the first organization.
   */
  async exclusively<T>(name: string, work: (store: Store) => Promise<T>): Promise<T> {
    if (this.dialect !== 'postgres') return work(this);
    return withoutStatementTimeout(() => this.lockedOnOneConnection(name, work));
  }

  private lockedOnOneConnection<T>(name: string, work: (store: Store) => Promise<T>): Promise<T> {
    return this.base.connection().execute(async (connection) => {
      const key = sql`hashtext(current_schema() || ':' || ${name})`;
      await sql`select pg_advisory_lock(${key})`.execute(connection);
      try {
        return await work(new Store(connection, this.dialect, this.changes, this.parts, (tables) => this.changes.publish(tables), 'transaction'));
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
    await this.base.destroy();
  }
}
