/**
 * A process-local cache of token grants, for SQLite only. Authenticating is on every
 * request, and its four-table join was the costliest query on the hot path (profile in
 * README "Benchmark"). Correctness rests on an `AuthClock` that moves whenever anything
 * a grant is made of may have changed — users, tokens, orgs, rev orgs — whether written
 * by this process or another one on the same file (the CLI): a grant read at one tick is
 * never served at a later one, so revocation and deactivation take effect at once.
 * PostgreSQL has no such cheap signal across processes, so there the cache stays off.
 */
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';
import { TokenStore, type TokenGrant } from './tokens.js';

/** Tables whose rows end up in a grant. */
const AUTH_TABLES = /"(users|tokens|orgs|rev_orgs)"/;

export class AuthClock {
  private tick = 0;
  private seenDataVersion: number;

  /** `dataVersion` is SQLite's PRAGMA data_version: it moves when another connection commits. */
  constructor(private readonly dataVersion: () => number) {
    this.seenDataVersion = dataVersion();
  }

  /** Whether running `sql` may change a grant: anything but a plain read of the auth tables. */
  static writesAuth(sql: string): boolean {
    return AUTH_TABLES.test(sql) && !/^\s*select\b/i.test(sql);
  }

  /** Called before a statement that `writesAuth` runs. */
  advance(): void {
    this.tick++;
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

export class CachedTokenStore extends TokenStore {
  private readonly grants = new Map<string, { grant: TokenGrant; tick: number }>();

  constructor(
    db: Kysely<Database>,
    private readonly clock: AuthClock,
    private readonly maxEntries = 10_000,
  ) {
    super(db);
  }

  override async findGrantByHash(hash: string): Promise<TokenGrant | undefined> {
    const tick = this.clock.now();
    const cached = this.grants.get(hash);
    if (cached && cached.tick === tick) return cached.grant;
    const grant = await super.findGrantByHash(hash);
    // Unknown tokens are not kept (a flood of them must not evict real ones), nor is a
    // grant read while something changed: it may predate the change.
    if (grant && this.clock.now() === tick) {
      this.grants.delete(hash);
      if (this.grants.size >= this.maxEntries) this.grants.delete(this.grants.keys().next().value!);
      this.grants.set(hash, { grant, tick });
    }
    return grant;
  }
}
