/**
 * The entity stores one `Store` is made of, built over one connection or transaction.
 * Each dialect builds its own parts (sqlite.ts, postgres.ts): it may swap in its own
 * implementation of an entity store, or wrap one in a cache that implements the same
 * interface (a decorator, as Mattermost's store layers are).
 */
import type { Kysely } from 'kysely';
import { ArtifactStore } from './artifacts.js';
import { DatabaseBlobs } from './blobs.js';
import { ChatReadStore } from './chat-reads.js';
import { ChatStore } from './chats.js';
import { DirectorySearchStore } from './directory-search.js';
import { EventStore } from './events.js';
import { ExportReadStore } from './export-reads.js';
import { FaultRuleStore } from './fault-rules.js';
import { GroupStore } from './groups.js';
import { ImportLookupStore } from './import-lookups.js';
import type { SearchStats } from './message-search.js';
import type { DialectName } from './migrations/helpers.js';
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
 * `root`: the long-lived store a process serves requests from, where caches belong;
 * `transaction`: one unit of work, which must read what it is about to change, uncached.
 */
export type StoreScope = 'root' | 'transaction';

export type StoreParts = (db: Kysely<Database>, scope: StoreScope) => EntityStores;

/** The SQL implementations; full-text search is spelled per dialect. */
export function standardParts(db: Kysely<Database>, dialect: DialectName, searchStats: SearchStats): EntityStores {
  const users = new UserStore(db);
  const reactions = new ReactionStore(db);
  // The bytes of artifacts live in their rows (store/blobs.ts); another BlobStore would go here.
  const blobs = new DatabaseBlobs(db);
  const artifacts = new ArtifactStore(db, users, dialect, blobs);
  return {
    orgs: new OrgStore(db),
    users,
    tokens: new TokenStore(db),
    groups: new GroupStore(db),
    chats: new ChatStore(db, users),
    timelineEntries: new TimelineEntryStore(db, users, reactions, artifacts, dialect, searchStats),
    secrets: new SecretStore(db),
    events: new EventStore(db),
    webhooks: new WebhookStore(db, users),
    revOrgs: new RevOrgStore(db),
    artifacts,
    faultRules: new FaultRuleStore(db),
    chatReads: new ChatReadStore(db),
    reactions,
    directory: new DirectorySearchStore(db),
    presence: new PresenceStore(db),
    exportReads: new ExportReadStore(db, blobs),
    importLookups: new ImportLookupStore(db),
  };
}
