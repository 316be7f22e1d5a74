/**
 * The store: the only place SQL lives. One Store wraps a Kysely instance; each entity
 * has its own store class, and the same queries run on every dialect.
 */
import { Kysely, Migrator } from 'kysely';
import { ArtifactStore } from './artifacts.js';
import { ChatStore } from './chats.js';
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

export { UniqueViolation } from './errors.js';
export type { DialectName } from './migrations/helpers.js';

export class Store {
  readonly orgs: OrgStore;
  readonly users: UserStore;
  readonly tokens: TokenStore;
  readonly groups: GroupStore;
  readonly chats: ChatStore;
  readonly timelineEntries: TimelineEntryStore;
  readonly secrets: SecretStore;
  readonly revOrgs: RevOrgStore;
  readonly artifacts: ArtifactStore;

  constructor(
    protected readonly db: Kysely<Database>,
    readonly dialect: DialectName,
  ) {
    this.orgs = new OrgStore(db);
    this.users = new UserStore(db);
    this.tokens = new TokenStore(db);
    this.groups = new GroupStore(db);
    this.chats = new ChatStore(db);
    this.timelineEntries = new TimelineEntryStore(db);
    this.secrets = new SecretStore(db);
    this.revOrgs = new RevOrgStore(db);
    this.artifacts = new ArtifactStore(db);
  }

  /** Runs `work` in one transaction; everything it does through `tx` commits or none of it. */
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
