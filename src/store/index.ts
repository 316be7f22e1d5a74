/**
 * The store: the only place SQL lives. One Store wraps a Kysely instance; each entity
 * has its own store class, and the same queries run on every dialect.
 */
import { Kysely, Migrator, sql } from 'kysely';
import { ChatStore } from './chats.js';
import { GroupStore } from './groups.js';
import type { DialectName } from './migrations/helpers.js';
import { migrationProvider } from './migrations/index.js';
import { OrgStore } from './orgs.js';
import type { Database } from './schema.js';
import { TokenStore } from './tokens.js';
import { UserStore } from './users.js';

export { UniqueViolation } from './errors.js';
export type { DialectName } from './migrations/helpers.js';

export class Store {
  readonly orgs: OrgStore;
  readonly users: UserStore;
  readonly tokens: TokenStore;
  readonly groups: GroupStore;
  readonly chats: ChatStore;

  constructor(
    protected readonly db: Kysely<Database>,
    readonly dialect: DialectName,
  ) {
    this.orgs = new OrgStore(db);
    this.users = new UserStore(db);
    this.tokens = new TokenStore(db);
    this.groups = new GroupStore(db);
    this.chats = new ChatStore(db);
  }

  /** Runs `work` in one transaction; everything it does through `tx` commits or none of it. */
  transaction<T>(work: (tx: Store) => Promise<T>): Promise<T> {
    return this.db.transaction().execute((trx) => work(new Store(trx, this.dialect)));
  }
}

/** A Store that owns its connection: it migrates and closes. */
export class RootStore extends Store {
  async migrate(onProgress?: (done: number, total: number) => void): Promise<string[]> {
    const migrator = new Migrator({ db: this.db, provider: migrationProvider(this.dialect) });
    if (!onProgress) {
      const { error, results } = await migrator.migrateToLatest();
      if (error) throw error;
      return (results ?? []).filter((result) => result.status === 'Success').map((result) => result.migrationName);
    }
    // One migration at a time, so that a long migration run can say how far it is.
    const total = (await this.pendingMigrations()).length;
    const applied: string[] = [];
    onProgress(0, total);
    while (applied.length < total) {
      const { error, results } = await migrator.migrateUp();
      if (error) throw error;
      const done = (results ?? []).filter((result) => result.status === 'Success').map((result) => result.migrationName);
      if (done.length === 0) break;
      applied.push(...done);
      onProgress(applied.length, total);
    }
    return applied;
  }

  /** Names of migrations the code has that the database has not applied (readiness). */
  async pendingMigrations(): Promise<string[]> {
    const migrator = new Migrator({ db: this.db, provider: migrationProvider(this.dialect) });
    return (await migrator.getMigrations()).filter((migration) => migration.executedAt === undefined).map((migration) => migration.name);
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

  async close(): Promise<void> {
    await this.db.destroy();
  }
}
