/**
 * A process-local cache of token grants, for SQLite: a decorator of the token store.
 * Authenticating is on every request, and its four-table join was the costliest query on
 * the hot path (profile in README "Benchmark"). Correctness rests on an `AuthClock` that
 * moves whenever anything a grant is made of may have changed — users, tokens, orgs, rev
 * orgs — whether written by this process (the change bus says so after each commit) or by
 * another one on the same file, such as the CLI (SQLite's `data_version` moves): a grant
 * read at one tick is never served at a later one, so revocation and deactivation take
 * effect at once. PostgreSQL has no such cheap signal across processes, so there the
 * cache stays off.
 */
import { touches, type ChangeBus } from './changes.js';
import type { Public } from './parts.js';
import type { TokenGrant, TokenStore } from './tokens.js';

/** Tables whose rows end up in a grant. */
const AUTH_TABLES = ['users', 'tokens', 'orgs', 'rev_orgs', 'artifacts'];

export class AuthClock {
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

/** Grants by token hash, each with the tick it was read at: one per database, shared by every view of the root store. */
export class GrantCache {
  readonly grants = new Map<string, { grant: TokenGrant; tick: number }>();

  constructor(
    readonly clock: AuthClock,
    readonly maxEntries = 10_000,
  ) {}
}

/** The token store, with grants answered from memory while the clock has not moved. */
export class CachedTokenStore implements Public<TokenStore> {
  constructor(
    private readonly inner: Public<TokenStore>,
    private readonly cache: GrantCache,
  ) {}

  async findGrantByHash(hash: string): Promise<TokenGrant | undefined> {
    const { clock, grants, maxEntries } = this.cache;
    const tick = clock.now();
    const cached = grants.get(hash);
    if (cached && cached.tick === tick) return cached.grant;
    const grant = await this.inner.findGrantByHash(hash);
    // Unknown tokens are not kept (a flood of them must not evict real ones), nor is a
    // grant read while something changed: it may predate the change.
    if (grant && clock.now() === tick) {
      grants.delete(hash);
      if (grants.size >= maxEntries) grants.delete(grants.keys().next().value!);
      grants.set(hash, { grant, tick });
    }
    return grant;
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
