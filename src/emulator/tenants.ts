/**
 * A tenant per test (`confab.orgs.create`): a fresh organization with an admin and a
 * token, and optionally the contents of one fixtures-file organization, in one call.
 * Parallel test files on one emulator each take their own and never see each other's data.
 *
 * Fixtures are loaded first (so users, groups and chats are numbered as in a fixtures
 * file: the first fixture user is DEVU-1) and the admin after them. A fixture that would
 * fail half-way is found before anything is written: it is loaded first into a scratch
 * in-memory database, restored from an image of an empty migrated one.
 */
import { Conflict } from '../domain/errors.js';
import { createUser, newOrgSlug } from '../domain/orgs.js';
import { hashToken, issueToken } from '../domain/tokens.js';
import type { Org, User } from '../model/index.js';
import type { RootStore, Store } from '../store/index.js';
import { openSqlite } from '../store/sqlite.js';
import type { TenantFixtures } from '../schema/fixtures.js';
import { loadFixtures } from './load.js';

export interface Tenant {
  org: Org;
  admin: User;
  token: string;
}

export class Tenants {
  private scratch: Promise<{ store: RootStore; empty: Buffer }> | undefined;
  /** One dry run at a time: they share the scratch database. */
  private dryRuns: Promise<unknown> = Promise.resolve();
  private count = 0;

  constructor(private readonly store: Store) {}

  async create(fixtures: TenantFixtures = {}): Promise<Tenant> {
    const slug = fixtures.slug ?? newOrgSlug();
    const name = fixtures.name ?? `Test organization ${++this.count}`;
    const spec = { ...fixtures, name, slug };
    if ((await this.store.orgs.findBySlugOrName(slug)).some((org) => org.slug === slug)) {
      throw new Conflict(`fixtures.slug: an organization with slug '${slug}' already exists`);
    }
    for (const [index, token] of (fixtures.tokens ?? []).entries()) {
      if (await this.store.tokens.findGrantByHash(hashToken(token.value))) {
        throw new Conflict(`fixtures.tokens[${index}].value: this token value is taken; give every token its own value`);
      }
    }
    if (hasContent(fixtures)) await this.dryRun(spec);
    const [loaded] = await loadFixtures(this.store, { organizations: [spec] });
    const org = loaded!.org;
    const admin = await createUser(this.store, org, { type: 'dev_user', email: `admin@${slug}.confab.test`, displayName: 'admin', isAdmin: true });
    const { secret } = await issueToken(this.store, admin);
    return { org, admin, token: secret };
  }

  async close(): Promise<void> {
    if (this.scratch) await (await this.scratch).store.close();
  }

  /** Loads the fixtures into an empty scratch database: a FixtureError here has written nothing real. */
  private async dryRun(spec: TenantFixtures & { name: string }): Promise<void> {
    this.scratch ??= (async () => {
      const store = openSqlite(':memory:');
      await store.migrate();
      return { store, empty: await store.saveImage() };
    })();
    const scratch = this.scratch;
    const run = this.dryRuns.catch(() => {}).then(async () => {
      const { store, empty } = await scratch;
      await store.restoreImage(empty);
      await loadFixtures(store, { organizations: [spec] });
    });
    this.dryRuns = run;
    await run;
  }
}

function hasContent(fixtures: TenantFixtures): boolean {
  return [fixtures.users, fixtures.groups, fixtures.chats, fixtures.tokens].some((list) => (list?.length ?? 0) > 0);
}
