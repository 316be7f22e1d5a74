/**
 * The entity stores one `Store` is made of, built over one connection or transaction.
 * Each dialect builds its own parts (sqlite.ts, postgres.ts): it may swap in its own
 * implementation of an entity store, or wrap one in a cache that implements the same
 * interface (a decorator, as Mattermost's store layers are).
 */
import type { Kysely } from 'kysely';
import { ArtifactStore } from './artifacts.js';
import { DatabaseBlobs } from './blobs.js';
import type { Outbox } from './changes.js';
import { ChatReadStore } from './chat-reads.js';
import { ChatStore } from './chats.js';
import { ConversationStore } from './conversations.js';
import { DirectorySearchStore } from './directory-search.js';
import { EventStore } from './events.js';
import { ExportReadStore } from './export-reads.js';
import { FaultRuleStore } from './fault-rules.js';
import { GroupStore } from './groups.js';
import { ImportLookupStore } from './import-lookups.js';
import { SearchStats } from './message-search.js';
import type { DialectName } from './migrations/helpers.js';
import { NumberBlocks } from './numbers.js';
import { OrgStore } from './orgs.js';
import { PresenceStore } from './presence.js';
import { ReactionStore } from './reactions.js';
import { RevOrgStore } from './rev-orgs.js';
import type { Database } from './schema.js';
import { SecretStore } from './secrets.js';
import { TimelineEntryStore } from './timeline-entries.js';
import { TokenStore } from './tokens.js';
import { UserStore } from './users.js';
import { WebhookStore } from './webhooks.js';

/** A class's public face, which a decorator implements without inheriting its internals. */
export type Public<T> = { [K in keyof T]: T[K] };

export interface EntityStores {
  orgs: Public<OrgStore>;
  users: Public<UserStore>;
  tokens: Public<TokenStore>;
  groups: Public<GroupStore>;
  chats: Public<ChatStore>;
  conversations: Public<ConversationStore>;
  timelineEntries: Public<TimelineEntryStore>;
  secrets: Public<SecretStore>;
  events: Public<EventStore>;
  webhooks: Public<WebhookStore>;
  revOrgs: Public<RevOrgStore>;
  artifacts: Public<ArtifactStore>;
  faultRules: Public<FaultRuleStore>;
  chatReads: Public<ChatReadStore>;
  reactions: Public<ReactionStore>;
  directory: Public<DirectorySearchStore>;
  presence: Public<PresenceStore>;
  exportReads: Public<ExportReadStore>;
  importLookups: Public<ImportLookupStore>;
}

/**
 * `root`: the long-lived store a process serves requests from (and each request's counting
 * view of it), where caches belong; `transaction`: one unit of work, which must read what
 * it is about to change, uncached.
 */
export type StoreScope = 'root' | 'transaction';

/** `outbox`: a transaction's, told of the events it appends (changes.ts). */
export type StoreParts = (db: Kysely<Database>, scope: StoreScope, outbox?: Outbox) => EntityStores;

/**
 * What every Store made for one database shares, whatever connection or view it runs on:
 * made once when the database is opened, so that a request's view of the root store finds
 * the same caches and figures as the root store itself.
 */
export class SharedParts {
  /** Shared by every store made for this database, so /metrics counts all searches. */
  readonly searchStats = new SearchStats();
  /** Server secrets, read once (secrets.ts); only stores outside a transaction use it. */
  readonly secrets = new Map<string, Buffer>();
  /** This process's blocks of display numbers (numbers.ts). */
  readonly numbers: NumberBlocks;

  constructor(
    readonly dialect: DialectName,
    numberBlockSize?: number,
  ) {
    this.numbers = new NumberBlocks(numberBlockSize);
  }
}

/**
 * The SQL implementations, each built on first use: a request's store is a view made per
 * request, and most requests touch two or three of these. Full-text search is spelled per
 * dialect.
 */
export class StandardParts implements EntityStores {
  private built: Partial<EntityStores> = {};
  // Concrete, not Public<…>: other entity stores read people and reactions through them.
  private userStore?: UserStore;
  private reactionStore?: ReactionStore;
  private blobStore?: DatabaseBlobs;

  constructor(
    protected readonly db: Kysely<Database>,
    protected readonly shared: SharedParts,
    protected readonly scope: StoreScope,
    protected readonly outbox?: Outbox,
  ) {}

  get orgs() {
    return (this.built.orgs ??= new OrgStore(this.db, this.shared.numbers, this.scope));
  }
  get users() {
    return (this.userStore ??= this.newUserStore());
  }
  get tokens() {
    return (this.built.tokens ??= this.tokenStore());
  }
  get groups() {
    return (this.built.groups ??= new GroupStore(this.db));
  }
  get chats() {
    return (this.built.chats ??= this.newChatStore());
  }
  get conversations() {
    return (this.built.conversations ??= new ConversationStore(this.db, this.chats, this.users));
  }
  get timelineEntries() {
    return (this.built.timelineEntries ??= new TimelineEntryStore(
      this.db,
      this.users,
      this.reactions,
      this.chats,
      this.artifacts,
      this.shared.dialect,
      this.shared.searchStats,
    ));
  }
  get secrets() {
    // A transaction's secret may yet be rolled back: it is kept only as long as the transaction.
    return (this.built.secrets ??= new SecretStore(this.db, this.scope === 'root' ? this.shared.secrets : new Map()));
  }
  get events() {
    return (this.built.events ??= new EventStore(this.db, this.shared.dialect, this.outbox));
  }
  get webhooks() {
    return (this.built.webhooks ??= new WebhookStore(this.db, this.users));
  }
  get revOrgs() {
    return (this.built.revOrgs ??= new RevOrgStore(this.db));
  }
  get artifacts() {
    return (this.built.artifacts ??= new ArtifactStore(this.db, this.users, this.shared.dialect, this.blobs));
  }
  get faultRules() {
    return (this.built.faultRules ??= new FaultRuleStore(this.db));
  }
  get chatReads() {
    return (this.built.chatReads ??= new ChatReadStore(this.db));
  }
  get reactions() {
    return (this.reactionStore ??= new ReactionStore(this.db));
  }
  get directory() {
    return (this.built.directory ??= new DirectorySearchStore(this.db));
  }
  get presence() {
    return (this.built.presence ??= new PresenceStore(this.db));
  }
  get exportReads() {
    return (this.built.exportReads ??= new ExportReadStore(this.db, this.blobs));
  }
  get importLookups() {
    return (this.built.importLookups ??= new ImportLookupStore(this.db));
  }

  /** The bytes of artifacts live in their rows (store/blobs.ts); another BlobStore would go here. */
  private get blobs(): DatabaseBlobs {
    return (this.blobStore ??= new DatabaseBlobs(this.db));
  }

  /** A dialect may wrap the token store (grants are cached: auth-cache.ts). */
  protected tokenStore(): EntityStores['tokens'] {
    return new TokenStore(this.db);
  }

  /** Or answer users and chats from memory (read-cache.ts). */
  protected newUserStore(): UserStore {
    return new UserStore(this.db);
  }

  protected newChatStore(): ChatStore {
    return new ChatStore(this.db, this.users, this.shared.dialect);
  }
}
