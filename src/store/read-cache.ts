/**
 * Process-local caches of what rarely changes, as decorators of the entity stores (as
 * Mattermost's localcachelayer): user summaries by id, a chat's identity and members, and
 * the chats each user is in (search's scope).
 * A chat's last change (`modified_at`, moved by every message) is kept apart, so that a
 * message drops only that one value of its own chat.
 *
 * Exactness rests on the change bus (changes.ts): every committed write names its table
 * and, where its statement does, its rows; the caches drop those keys, or everything of a
 * table when a write does not say which rows. Across processes the change relay carries the
 * same (realtime/change-relay.ts). Where that can miss, the caches start over or stop:
 *
 * - SQLite: another connection's commit (the CLI) moves `data_version`; all is dropped.
 * - PostgreSQL: the caches are on only while the relay hears the other processes, emptied
 *   whenever it starts hearing anew, and nothing is served older than `POSTGRES_READ_TTL_MS`
 *   — the bound for a write no relay carried (a hand-written UPDATE, a lost NOTIFY on a
 *   connection that still looks alive).
 *
 * A value read while anything was dropped is not kept: it may predate the change.
 */
import { touchedKeys, type Change, type ChangeBus } from './changes.js';
import type { Chat, ChatType, User } from '../model/index.js';
import type { DialectName } from './migrations/helpers.js';
import type { GrantClock } from './auth-cache.js';
import { ChatStore } from './chats.js';
import type { Database } from './schema.js';
import type { Kysely } from 'kysely';
import { UserStore } from './users.js';

/**
 * How long a cached user or chat is served on PostgreSQL at most, however quiet the relay:
 * the bound on staleness when a change never reaches the relay at all. Longer than a
 * grant's second (auth-cache.ts): a revoked token or a deactivated user is refused through
 * the grant, and what this bounds is what the relay did not carry while it looked alive.
 */
export const POSTGRES_READ_TTL_MS = 5_000;

const MAX_CHAT_IDS = 100_000;

/** Columns of a chat that activity moves: a message changes these, and nothing a chat's identity holds. */
const CHAT_ACTIVITY_COLUMNS = ['modified_at', 'activity_at'];

/**
 * Moves when every cached value must go at once: another connection committed (SQLite's
 * `data_version`), a change of unknown extent (`*`), the relay heard anew; `undefined`
 * while other processes' writes may go unheard (PostgreSQL without a listening relay).
 */
export class ReadCacheClock implements GrantClock {
  private tick = 0;
  private seenDataVersion: number | undefined;

  constructor(
    private readonly changes: ChangeBus,
    /** SQLite's PRAGMA data_version; absent on PostgreSQL, where the relay decides. */
    private readonly dataVersion?: () => number,
  ) {
    this.seenDataVersion = dataVersion?.();
    changes.on((change) => {
      if (change.tables.has('*')) this.tick++;
    });
    changes.onRelayHearing(() => this.tick++);
  }

  now(): number | undefined {
    if (!this.dataVersion) return this.changes.hearsOtherProcesses ? this.tick : undefined;
    const dataVersion = this.dataVersion();
    if (dataVersion !== this.seenDataVersion) {
      this.seenDataVersion = dataVersion;
      this.tick++;
    }
    return this.tick;
  }
}

/** What a load was started under: its values are kept only if nothing was dropped meanwhile. */
interface Ticket {
  tick: number | undefined;
  drops: number;
}

/** How many drops the caches of one database have seen: a load that saw one keeps nothing. */
class Drops {
  count = 0;
}

/** Values by key, read at one tick of the clock, dropped by key. */
export class KeyedCache<V> {
  private readonly entries = new Map<number, { value: V; readAt: number }>();
  private tick: number | undefined;

  constructor(
    private readonly clock: GrantClock,
    private readonly drops: Drops,
    private readonly ttlMs: number,
    private readonly maxEntries = 20_000,
  ) {}

  /** Starts a load: `keep` (of this cache or another of the same database) stores what it read only if the ticket is still good. */
  ticket(): Ticket {
    return { tick: this.sync(), drops: this.drops.count };
  }

  get(key: number): V | undefined {
    if (this.sync() === undefined) return undefined;
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (performance.now() - entry.readAt < this.ttlMs) return entry.value;
    this.entries.delete(key);
    return undefined;
  }

  /**
   * Whether the value is past half its time to live: a load that goes to the database anyway
   * reads it again in the same statement, so that the values one page shows, cached at
   * different times, do not each expire on a later request of their own.
   */
  aging(key: number): boolean {
    const entry = this.entries.get(key);
    return entry !== undefined && performance.now() - entry.readAt >= this.ttlMs / 2;
  }

  keep(ticket: Ticket, key: number, value: V, readAt = performance.now()): void {
    if (ticket.tick === undefined || ticket.drops !== this.drops.count || this.sync() !== ticket.tick) return;
    this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { value, readAt });
  }

  /** Drops the keys (numbers as the change bus spells them), or everything. */
  drop(keys: 'all' | ReadonlySet<string>): void {
    if (keys !== 'all' && keys.size === 0) return;
    this.drops.count++;
    if (keys === 'all') this.entries.clear();
    else for (const key of keys) this.entries.delete(Number(key));
  }

  /** Drops every value `test` picks. */
  dropWhere(test: (value: V) => boolean): void {
    this.drops.count++;
    for (const [key, entry] of this.entries) if (test(entry.value)) this.entries.delete(key);
  }

  /** The clock's tick; everything held is dropped when it moved. */
  private sync(): number | undefined {
    const tick = this.clock.now();
    if (tick !== this.tick) {
      this.entries.clear();
      this.drops.count++;
      this.tick = tick;
    }
    return tick;
  }
}

interface CachedUser {
  user: User;
  pictureId: number | null;
}

/** A chat as cached: its users by id (their summaries come from the user cache), not when it last changed. */
type ChatIdentity = Omit<Chat, 'users' | 'createdBy' | 'modifiedBy' | 'modifiedAt'> & {
  userIds: readonly number[];
  createdById: number;
  modifiedById: number;
};

/** The caches of one database, shared by the root store and every request's view of it. */
export class ReadCaches {
  readonly users: KeyedCache<CachedUser>;
  readonly chats: KeyedCache<ChatIdentity>;
  /** Each chat's `modified_at`: dropped by its chat's every message, so kept apart. */
  readonly chatActivity: KeyedCache<string>;
  /** The ids of the chats each user belongs to (search's scope), as many as were asked for. */
  readonly memberChats: KeyedCache<{ limit: number; chatIds: readonly number[] }>;
  /** A chat's row id by `org:number`, which never changes while the chat is there (only a wipe or a restore removes chats). */
  readonly chatIds = new Map<string, number>();

  constructor(
    clock: GrantClock,
    changes: ChangeBus,
    ttlMs = Infinity,
    /**
     * PostgreSQL's: before answering from memory, let the event loop finish reading what has
     * arrived, so a relayed change that came in with the request is heard first.
     */
    private readonly settleFirst = false,
  ) {
    const drops = new Drops();
    this.users = new KeyedCache(clock, drops, ttlMs);
    this.chats = new KeyedCache(clock, drops, ttlMs);
    this.chatActivity = new KeyedCache(clock, drops, ttlMs);
    this.memberChats = new KeyedCache(clock, drops, ttlMs);
    changes.on((change) => this.forget(change));
  }

  /** Resolves once the relayed changes already received are heard (see `settleFirst`). */
  settled(): Promise<void> | undefined {
    return this.settleFirst ? new Promise((resolve) => setImmediate(resolve)) : undefined;
  }

  /** Remembers where a chat is; the map is bounded as the caches are. */
  rememberChatId(chat: Pick<Chat, 'id' | 'orgId' | 'number'>): void {
    if (this.chatIds.size >= MAX_CHAT_IDS) this.chatIds.clear();
    this.chatIds.set(`${chat.orgId}:${chat.number}`, chat.id);
  }

  /** Drops what `change` may have made stale. */
  private forget(change: Change): void {
    if (change.tables.has('*')) this.chatIds.clear();
    this.users.drop(touchedKeys(change, 'users', 'id', { existingRowsOnly: true }));
    // A user's rev org and display picture come with the user.
    const revOrgs = touchedKeys(change, 'rev_orgs', 'id', { existingRowsOnly: true });
    if (revOrgs === 'all' || revOrgs.size > 0) this.users.dropWhere((cached) => cached.user.revOrg !== null);
    const pictures = touchedKeys(change, 'artifacts', 'id', { existingRowsOnly: true });
    if (pictures === 'all') this.users.dropWhere((cached) => cached.pictureId !== null);
    else if (pictures.size > 0) this.users.dropWhere((cached) => cached.pictureId !== null && pictures.has(String(cached.pictureId)));

    this.chats.drop(touchedKeys(change, 'chats', 'id', { ignoredColumns: CHAT_ACTIVITY_COLUMNS, existingRowsOnly: true }));
    this.chatActivity.drop(touchedKeys(change, 'chats', 'id', { existingRowsOnly: true }));
    for (const table of ['chat_users', 'chat_groups']) {
      this.chats.drop(touchedKeys(change, table, 'chat_id', { ignoredColumns: ['activity_at'] }));
    }
    // Who is in which chat: a user's own rows, or any group's.
    const membership = { ignoredColumns: ['activity_at', 'vouched'] };
    this.memberChats.drop(touchedKeys(change, 'chat_users', 'user_id', membership));
    this.memberChats.drop(touchedKeys(change, 'group_members', 'user_id'));
    const groupChats = touchedKeys(change, 'chat_groups', 'chat_id', membership);
    if (groupChats === 'all' || groupChats.size > 0) this.memberChats.drop('all');
    const groups = touchedKeys(change, 'groups', 'id', { existingRowsOnly: true });
    if (groups === 'all') this.chats.dropWhere((chat) => chat.groups.length > 0);
    else if (groups.size > 0) this.chats.dropWhere((chat) => chat.groups.some((group) => groups.has(String(group.id))));
  }
}

/** The user store, with users by id answered from memory. */
export class CachedUserStore extends UserStore {
  constructor(
    db: Kysely<Database>,
    private readonly caches: ReadCaches,
  ) {
    super(db);
  }

  override async findById(id: number): Promise<User | undefined> {
    return (await this.findByIds([id]))[0];
  }

  override async findByIds(ids: readonly number[]): Promise<User[]> {
    await this.caches.settled();
    let found: User[] = [];
    const missing: number[] = [];
    for (const id of new Set(ids)) {
      const cached = this.caches.users.get(id);
      if (cached) found.push(cached.user);
      else missing.push(id);
    }
    if (missing.length === 0) return found;
    const aging = new Set(found.filter((user) => this.caches.users.aging(user.id)).map((user) => user.id));
    if (aging.size > 0) {
      found = found.filter((user) => !aging.has(user.id));
      missing.push(...aging);
    }
    const ticket = this.caches.users.ticket();
    for (const loaded of await this.findWithPictures(missing)) {
      this.caches.users.keep(ticket, loaded.user.id, deepFreeze(loaded));
      found.push(loaded.user);
    }
    return found;
  }
}

const ofType = (chat: Chat | undefined, type: ChatType): Chat | undefined => (chat?.type === type ? chat : undefined);

/** The chat store, with chats by id and number answered from memory. */
export class CachedChatStore extends ChatStore {
  constructor(
    db: Kysely<Database>,
    private readonly cachedUsers: CachedUserStore,
    private readonly caches: ReadCaches,
    dialect: DialectName,
  ) {
    super(db, cachedUsers, dialect);
  }

  override async findById(chatId: number): Promise<Chat | undefined> {
    return (await this.findByIds([chatId]))[0];
  }

  /** DMs and conversations share numbers: a number names one chat, which is of the type asked for or not found. */
  override async findByNumber(orgId: number, number: number, type: ChatType = 'dm'): Promise<Chat | undefined> {
    await this.caches.settled();
    const known = this.caches.chatIds.get(`${orgId}:${number}`);
    if (known !== undefined) return ofType(await this.findById(known), type);
    const ticket = this.caches.chats.ticket();
    const chat = await super.findByNumber(orgId, number, type);
    if (chat) this.remember(ticket, [chat]);
    return chat;
  }

  /** Chats whose identity is cached cost nothing; those whose activity alone went, one statement for all of them. */
  override async findByIds(chatIds: readonly number[]): Promise<Chat[]> {
    await this.caches.settled();
    let identities: ChatIdentity[] = [];
    const unknown: number[] = [];
    for (const id of new Set(chatIds)) {
      const identity = this.caches.chats.get(id);
      if (identity) identities.push(identity);
      else unknown.push(id);
    }
    const loaded: Chat[] = [];
    if (unknown.length > 0) {
      const aging = new Set(identities.filter((identity) => this.caches.chats.aging(identity.id)).map((identity) => identity.id));
      identities = identities.filter((identity) => !aging.has(identity.id));
      unknown.push(...aging);
      const ticket = this.caches.chats.ticket();
      loaded.push(...(await super.findByIds(unknown)));
      this.remember(ticket, loaded);
    }
    if (identities.length === 0) return loaded;
    const modifiedAt = new Map<number, string>();
    const stale: number[] = [];
    for (const identity of identities) {
      const at = this.caches.chatActivity.get(identity.id);
      if (at === undefined) stale.push(identity.id);
      else modifiedAt.set(identity.id, at);
    }
    if (stale.length > 0) {
      const ticket = this.caches.chatActivity.ticket();
      for (const [id, at] of await this.modifiedAtOf(stale)) {
        this.caches.chatActivity.keep(ticket, id, at);
        modifiedAt.set(id, at);
      }
    }
    const people = new Map((await this.cachedUsers.findByIds(identities.flatMap(peopleOf))).map((user) => [user.id, user]));
    for (const identity of identities) {
      const at = modifiedAt.get(identity.id);
      // Gone since it was cached (only a wipe removes chats): as absent as it now is.
      if (at !== undefined) loaded.push(chatOf(identity, at, people));
    }
    return loaded;
  }

  override async memberChatIds(userId: number, limit: number): Promise<number[]> {
    await this.caches.settled();
    const cached = this.caches.memberChats.get(userId);
    if (cached && cached.limit >= limit) return cached.chatIds.slice(0, limit);
    const ticket = this.caches.memberChats.ticket();
    const chatIds = await super.memberChatIds(userId, limit);
    this.caches.memberChats.keep(ticket, userId, deepFreeze({ limit, chatIds }));
    return chatIds;
  }

  private remember(ticket: Ticket, chats: readonly Chat[]): void {
    for (const chat of chats) {
      this.caches.rememberChatId(chat);
      const { users, createdBy, modifiedBy, modifiedAt, ...rest } = chat;
      const identity = { ...rest, userIds: users.map((user) => user.id), createdById: createdBy.id, modifiedById: modifiedBy.id };
      this.caches.chats.keep(ticket, chat.id, deepFreeze(identity));
      this.caches.chatActivity.keep(ticket, chat.id, modifiedAt);
    }
  }
}

function peopleOf(identity: ChatIdentity): number[] {
  return [...identity.userIds, identity.createdById, identity.modifiedById];
}

function chatOf(identity: ChatIdentity, modifiedAt: string, people: ReadonlyMap<number, User>): Chat {
  const { userIds, createdById, modifiedById, ...rest } = identity;
  return {
    ...rest,
    users: userIds.map((id) => people.get(id)!),
    createdBy: people.get(createdById)!,
    modifiedBy: people.get(modifiedById)!,
    modifiedAt,
  };
}

/** Cached values are shared by every request: frozen, so that code changing one it was handed fails loudly instead of changing everyone's. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}
