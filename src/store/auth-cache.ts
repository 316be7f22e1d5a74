/**
 * A process-local cache of token grants: a decorator of the token store. Authenticating is
 * on every request, and its four-table join was the costliest query on the hot path (profile
 * in README "Benchmark"). Correctness rests on a clock that moves whenever anything a grant
 * is made of may have changed — users, tokens, orgs, rev orgs — and a grant read at one tick
 * is never served at a later one, so revocation and deactivation take effect at once:
 *
 * - SQLite (`AuthClock`): this process's commits (the change bus says so after each one),
 *   and any other connection's on the same file, such as the CLI (`data_version` moves).
 * - PostgreSQL (`RelayedAuthClock`): this process's commits, and the other processes' as
 *   the change relay hears them (realtime/change-relay.ts). The relay can miss (a dropped
 *   NOTIFY, a Redis restart, the listening connection lost), so the cache is on only while
 *   the relay is connected and listening: off and emptied the moment it is not, emptied
 *   again when it listens anew. Without a relay (the CLI, a store opened alone) it is
 *   never on. A short time to live (`POSTGRES_GRANT_TTL_MS`) bounds what no relay hears.
 */
import type { Kysely } from 'kysely';
import { touches, type ChangeBus, type Outbox } from './changes.js';
import type { DialectName } from './migrations/helpers.js';
import { SharedParts, StandardParts, type Public, type StoreParts, type StoreScope } from './parts.js';
import type { Database } from './schema.js';
import type { TokenGrant, TokenStore } from './tokens.js';

/** Tables whose rows end up in a grant. */
const AUTH_TABLES = ['users', 'tokens', 'orgs', 'rev_orgs', 'artifacts'];

/**
 * How long a cached grant is served on PostgreSQL at most, however quiet the relay. The
 * backstop for writes no relay carries — a process running without one, a hand-written
 * UPDATE, a listener cut off so silently that its connection still looks alive — at the
 * cost of one lookup per token per second per process, nothing against a request rate
 * worth caching for.
 */
export const POSTGRES_GRANT_TTL_MS = 1_000;

/** The tick grants may be cached at now, or `undefined` when they may not be cached at all. */
export interface GrantClock {
  now(): number | undefined;
}

export class AuthClock implements GrantClock {
  private tick = 0;
  private seenDataVersion: number;

  /** `dataVersion` is SQLite's PRAGMA data_version: it moves when another connection commits. */
  constructor(
    private readonly dataVersion: () => number,
    changes: ChangeBus,
  ) {
    this.seenDataVersion = dataVersion();
    changes.on((change) => {
      if (touches(change, AUTH_TABLES)) this.tick++;
    });
  }

  now(): number {
    const dataVersion = this.dataVersion();
    if (dataVersion !== this.seenDataVersion) {
      this.seenDataVersion = dataVersion;
      this.tick++;
    }
    return this.tick;
  }
}

/** PostgreSQL's clock: moves on every change the bus hears, local or relayed; stopped while the relay does not listen. */
export class RelayedAuthClock implements GrantClock {
  private tick = 0;

  constructor(private readonly changes: ChangeBus) {
    changes.on((change) => {
      if (touches(change, AUTH_TABLES)) this.tick++;
    });
    // Whatever was missed while the relay was away is forgotten with the tick it was read at.
    changes.onRelayHearing(() => this.tick++);
  }

  now(): number | undefined {
    return this.changes.hearsOtherProcesses ? this.tick : undefined;
  }
}

/** Grants by token hash, all read at one tick: one per database, shared by every view of the root store. */
export class GrantCache {
  private readonly grants = new Map<string, { grant: TokenGrant; readAt: number }>();
  private tick: number | undefined;

  constructor(
    private readonly clock: GrantClock,
    private readonly ttlMs = Infinity,
    private readonly maxEntries = 10_000,
  ) {}

  async read(hash: string, load: (hash: string) => Promise<TokenGrant | undefined>): Promise<TokenGrant | undefined> {
    const tick = this.clock.now();
    if (tick !== this.tick) {
      // Every grant held was read at an earlier tick, or the clock stopped: none may be served.
      this.grants.clear();
      this.tick = tick;
    }
    if (tick === undefined) return load(hash);
    const startedAt = performance.now();
    const cached = this.grants.get(hash);
    if (cached && startedAt - cached.readAt < this.ttlMs) return cached.grant;
    const grant = await load(hash);
    // Unknown tokens are not kept (a flood of them must not evict real ones), nor is a
    // grant read while something changed: it may predate the change.
    if (grant && this.clock.now() === tick && this.tick === tick) {
      this.grants.delete(hash);
      if (this.grants.size >= this.maxEntries) this.grants.delete(this.grants.keys().next().value!);
      this.grants.set(hash, { grant, readAt: startedAt });
    }
    return grant;
  }
}

/** The token store, with grants answered from memory while the clock has not moved. */
export class CachedTokenStore implements Public<TokenStore> {
  constructor(
    private readonly inner: Public<TokenStore>,
    private readonly cache: GrantCache,
  ) {}

  findGrantByHash(hash: string): Promise<TokenGrant | undefined> {
    return this.cache.read(hash, (key) => this.inner.findGrantByHash(key));
  }

  insert: TokenStore['insert'] = (input) => this.inner.insert(input);
  insertMany: TokenStore['insertMany'] = (inputs) => this.inner.insertMany(inputs);
  countLive: TokenStore['countLive'] = (userId, at) => this.inner.countLive(userId, at);
  findByNumber: TokenStore['findByNumber'] = (orgId, number) => this.inner.findByNumber(orgId, number);
  listOfUser: TokenStore['listOfUser'] = (userId, requestedTokenType) => this.inner.listOfUser(userId, requestedTokenType);
  revoke: TokenStore['revoke'] = (id, at) => this.inner.revoke(id, at);
  revokeAllOfUser: TokenStore['revokeAllOfUser'] = (userId, at, requestedTokenType) =>
    this.inner.revokeAllOfUser(userId, at, requestedTokenType);
}

/** The standard parts, with token grants cached outside transactions: one cache for the root store and every request's view of it. */
export function grantCachingParts(dialect: DialectName, cache: GrantCache, numberBlockSize?: number): StoreParts {
  const shared = new SharedParts(dialect, numberBlockSize);
  return (db, scope, outbox) => new GrantCachingParts(db, shared, scope, cache, outbox);
}

class GrantCachingParts extends StandardParts {
  constructor(
    db: Kysely<Database>,
    shared: SharedParts,
    scope: StoreScope,
    private readonly grants: GrantCache,
    outbox?: Outbox,
  ) {
    super(db, shared, scope, outbox);
  }

  protected override tokenStore() {
    const tokens = super.tokenStore();
    return this.scope === 'root' ? new CachedTokenStore(tokens, this.grants) : tokens;
  }
}
