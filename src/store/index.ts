/**
 * The store: the only place SQL lives. One Store wraps a Kysely instance; each entity
 * has its own store class, and the same queries run on every dialect.
 */
import { EventEmitter } from 'node:events';
import { Kysely, Migrator } from 'kysely';
import { ChatStore } from './chats.js';
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
  readonly events: EventStore;
  readonly webhooks: WebhookStore;
  readonly revOrgs: RevOrgStore;

  constructor(
    protected readonly db: Kysely<Database>,
    readonly dialect: DialectName,
    /** Emits 'events' in this process when appended events are committed (wakes the dispatcher). */
    readonly signals: EventEmitter = new EventEmitter(),
    private readonly pending?: { eventsAppended: boolean },
  ) {
    this.orgs = new OrgStore(db);
    this.users = new UserStore(db);
    this.tokens = new TokenStore(db);
    this.groups = new GroupStore(db);
    this.chats = new ChatStore(db);
    this.timelineEntries = new TimelineEntryStore(db);
    this.secrets = new SecretStore(db);
    this.events = new EventStore(db);
    this.webhooks = new WebhookStore(db);
    this.revOrgs = new RevOrgStore(db);
  }

  /** Runs `work` in one transaction; everything it does through `tx` commits or none of it. */
  async transaction<T>(work: (tx: Store) => Promise<T>): Promise<T> {
    const pending = { eventsAppended: false };
    const result = await this.db.transaction().execute((trx) => work(new Store(trx, this.dialect, this.signals, pending)));
    if (pending.eventsAppended) this.signals.emit('events');
    return result;
  }

  /** Says events were appended; listeners hear it once they are committed, not before. */
  eventsAppended(): void {
    if (this.pending) this.pending.eventsAppended = true;
    else this.signals.emit('events');
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
