/**
 * The store: the only place SQL lives. A Store is a set of entity stores (parts.ts) over
 * one Kysely connection or transaction; each dialect decides how its parts are built.
 * Every committed write is told to the change bus (changes.ts).
 */
import { DEFAULT_MIGRATION_TABLE, Kysely, Migrator, sql } from 'kysely';
import { ChangeBus, ChangeRecorder, PendingChanges, type ChangeSink, type Outbox } from './changes.js';
import { isRetryableTransactionError } from './errors.js';
import { OwnTransactions, PluggedTransactions, type CommitStats, type Transactions } from './group-commit.js';
import type { DialectName } from './migrations/helpers.js';
import { migrationProvider } from './migrations/index.js';
import type { EntityStores, StoreParts, StoreScope } from './parts.js';
import type { Database } from './schema.js';
import { CountingPlugin, type StatementCounter } from './statement-count.js';

export { DatabaseTimeout, DatabaseUnavailable, UniqueViolation } from './errors.js';
export type { DialectName } from './migrations/helpers.js';
export { ChangeBus, touchedKeys, touches, type Change, type RowWrite } from './changes.js';
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
    private readonly record: ChangeSink = (tables, writes) => changes.publish(tables, { writes }),
    private readonly scope: StoreScope = 'root',
    /** How units of work become transactions: SQLite commits them in groups (group-commit.ts). */
    private readonly transactions: Transactions = new OwnTransactions(base),
    /** A transaction's: what it appends to the outbox, published with its commit. */
    private readonly outbox?: Outbox,
  ) {
    this.db = base.withPlugin(new ChangeRecorder(record));
    this.entities = parts(this.db, scope, outbox);
  }

  /** Commits so far, and the units of work they carried (more than one each in a group). */
  get commitStats(): CommitStats {
    return this.transactions.stats;
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
  get conversations() {
    return this.entities.conversations;
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
    const plugin = new CountingPlugin(counter);
    const transactions = new PluggedTransactions(this.transactions, plugin);
    return new Store(this.base.withPlugin(plugin), this.dialect, this.changes, this.parts, this.record, this.scope, transactions, this.outbox);
  }

  /**
   * Runs `work` in one transaction; everything it does through `tx` commits or none of it.
   * On SQLite that transaction may be shared with concurrent units of work, each in a
   * savepoint of its own (group-commit.ts); either way this resolves only after the commit.
   * When PostgreSQL aborts it for a serialization failure or a deadlock, or a batch-mate's
   * failure takes an SQLite group down, `work` runs again from the start, so `work` must do
   * nothing but go through `tx`. The change bus hears of its writes only once they are
   * committed. `tx` has no caches: what it reads may yet be rolled back.
   */
  async transaction<T>(work: (tx: Store) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      // Fresh per attempt: an aborted attempt's writes were never committed.
      const pending = new PendingChanges();
      try {
        const result = await this.transactions.run((trx) => {
          // A group commit may run the same unit again after its group was lost.
          pending.clear();
          return work(new Store(trx, this.dialect, this.changes, this.parts, pending.add, 'transaction', undefined, pending));
        });
        pending.publishTo(this.changes);
        // The other processes hear of it before the caller answers anyone (changes.ts `sent`).
        if (pending.tables.size > 0) await this.changes.sent();
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

/** What a dialect adds to its root store. */
export interface RootStoreOptions {
  /** Saving and restoring the whole database (in-memory SQLite). */
  image?: DatabaseImage;
  /** How units of work become transactions; by default one transaction each. */
  transactions?: Transactions;
  /** Stops the dialect's own background work before the connection closes. */
  beforeClose?: () => Promise<void>;
  /**
   * The same database for work no statement timeout may cut short: migrations (minutes,
   * or waiting on another process's lock), startup locks, exports. Said by which
   * connection the work runs on, never by an ambient context: AsyncLocalStorage would
   * make every promise of every request pay for its hooks. By default the root's own
   * database (SQLite has no timeout to lift).
   */
  unbounded?: Kysely<Database>;
}

/** A Store that owns its connection: it migrates and closes. */
export class RootStore extends Store {
  private readonly image?: DatabaseImage;
  private readonly beforeClose?: () => Promise<void>;
  private readonly unbounded: Kysely<Database>;

  constructor(db: Kysely<Database>, dialect: DialectName, changes: ChangeBus, parts: StoreParts, options: RootStoreOptions = {}) {
    super(db, dialect, changes, parts, undefined, undefined, options.transactions);
    this.image = options.image;
    this.beforeClose = options.beforeClose;
    this.unbounded = options.unbounded ?? db;
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
    if ((await this.recordedPending())?.length === 0) {
      // Nothing to do: begun and done, as a run that applies some reports them.
      onProgress?.(0, 0);
      onProgress?.(0, 0);
      return [];
    }
    const migrator = await this.migrator(this.unbounded);
    const total = onProgress ? (await this.pendingMigrations()).length : 0;
    onProgress?.(0, total);
    // All of them under one lock (not one migrateUp at a time): with several processes
    // migrating at once, one applies everything and the others find nothing to do.
    // Unbounded: a migration may take minutes, and others starting now wait for its lock.
    const { error, results } = await migrator.migrateToLatest();
    if (error) throw error;
    const applied = (results ?? []).filter((result) => result.status === 'Success').map((result) => result.migrationName);
    onProgress?.(applied.length, total);
    return applied;
  }

  /**
   * Names of migrations the code has that the database has not applied (readiness, and
   * every start). Read from the bookkeeping table in one statement: Kysely's migrator first
   * reads the metadata of every table to find its own (20–54 ms of a start on a busy
   * 2-core machine, against ~1 ms for this). Anything
   * unusual — no table yet, a migration the code does not know — is left to the migrator.
   */
  async pendingMigrations(): Promise<string[]> {
    const recorded = await this.recordedPending();
    if (recorded) return recorded;
    const migrator = await this.migrator(this.base);
    return (await migrator.getMigrations()).filter((migration) => migration.executedAt === undefined).map((migration) => migration.name);
  }

  /** Pending migrations by the migrator's record; undefined when there is none yet, or it names a migration the code lacks. */
  private async recordedPending(): Promise<string[] | undefined> {
    const known = Object.keys(await migrationProvider(this.dialect).getMigrations());
    const applied = await this.appliedMigrations();
    if (!applied?.every((name) => known.includes(name))) return undefined;
    return known.filter((name) => !applied.includes(name));
  }

  /** What Kysely's migrator has recorded as applied, or undefined if it has recorded nothing yet. */
  private async appliedMigrations(): Promise<string[] | undefined> {
    // Named in the current schema, as the migrator does: another schema on the search_path
    // may hold a table of the same name (test/helpers/postgres.ts makes a schema per file).
    const table = this.dialect === 'postgres' ? `${await this.currentSchema()}.${DEFAULT_MIGRATION_TABLE}` : DEFAULT_MIGRATION_TABLE;
    try {
      const { rows } = await sql<{ name: string }>`select name from ${sql.table(table)}`.execute(this.base);
      return rows.map((row) => row.name);
    } catch {
      return undefined;
    }
  }

  private async migrator(db: Kysely<Database>): Promise<Migrator> {
    const migrationTableSchema = this.dialect === 'postgres' ? await this.currentSchema() : undefined;
    return new Migrator({
      db,
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
    const readOnly = this.unbounded.transaction().setAccessMode('read only');
    const transaction = postgres ? readOnly.setIsolationLevel('repeatable read') : readOnly;
    return transaction.execute(async (trx) => {
      if (postgres) await sql`set local idle_in_transaction_session_timeout = 0`.execute(trx);
      return work(new Store(trx, this.dialect, this.changes, this.parts, () => undefined, 'transaction'));
    });
  }

  /**
   * Runs `work` while no other process runs work under the same name on this database
   * (a PostgreSQL advisory lock, per schema; SQLite has one process by design). For
   * check-then-act steps at startup, such as creating the first organization.
   */
  async exclusively<T>(name: string, work: (store: Store) => Promise<T>): Promise<T> {
    if (this.dialect !== 'postgres') return work(this);
    return this.lockedOnOneConnection(name, work);
  }

  private lockedOnOneConnection<T>(name: string, work: (store: Store) => Promise<T>): Promise<T> {
    return this.unbounded.connection().execute(async (connection) => {
      const key = sql`hashtext(current_schema() || ':' || ${name})`;
      await sql`select pg_advisory_lock(${key})`.execute(connection);
      try {
        return await work(new Store(connection, this.dialect, this.changes, this.parts, (tables, writes) => this.changes.publish(tables, { writes }), 'transaction'));
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
    await this.beforeClose?.();
    await this.base.destroy();
  }
}
