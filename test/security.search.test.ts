/**
 * Security round three, finding 7: what a message search costs is bounded by the caller's
 * own chats and a cap, never by another tenant's messages; searches have their own rate
 * limit. "Examined" is read from `confab_search_candidates_total` on /metrics: the rows
 * the index handed over before ranking, a count rather than a time.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createChat } from '../src/domain/chats.js';
import { formatDon, parseRef } from '../src/domain/ids.js';
import { initOrg } from '../src/domain/orgs.js';
import { searchTimelineEntries } from '../src/domain/search.js';
import { authenticate } from '../src/domain/tokens.js';
import { SEARCH_CANDIDATE_CAP } from '../src/store/message-search.js';
import { migrationProvider } from '../src/store/migrations/index.js';
import { openStore } from '../src/store/open.js';
import type { NewTimelineEntry } from '../src/store/timeline-entries.js';
import { createTestSchema, testDatabaseUrl } from './helpers/postgres.js';
import { useServer, type Person, type TestServer } from './helpers/server.js';

const t = useServer();
const limited = useServer({ rateLimitRead: 60, rateLimitSearch: 3 });

/** A plain external text message, as the store writes it. */
function plainEntry(orgId: number, chatId: number, number: number, body: string, createdBy: number, at: string): NewTimelineEntry {
  return { orgId, chatId, number, body, bodyType: 'text', externalRef: null, visibility: 'external', labels: [], privateTo: [], expiresAt: null, createdBy, at };
}

/** Writes messages straight through the store: a thousand of them over HTTP would be most of the test. */
async function seedMessages(server: TestServer, author: Person, chat: { id: string }, bodies: readonly string[]): Promise<void> {
  const { store } = server.server;
  const { org, user } = author;
  const found = await store.chats.findByNumber(org.id, parseRef(chat.id)!.number);
  await store.transaction(async (tx) => {
    const first = (await tx.orgs.nextNumber(org.id, 'timeline_comment')) + 1;
    await tx.orgs.advanceNumberPast(org.id, 'timeline_comment', first + bodies.length);
    const at = new Date().toISOString();
    await tx.timelineEntries.insertMany(
      bodies.map((body, index) => plainEntry(org.id, found!.id, first + index, body, user.id, at)),
    );
  });
}

async function candidatesExamined(server: TestServer): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const line = text.split('\n').find((row) => row.startsWith('confab_search_candidates_total '));
  expect(line, 'confab_search_candidates_total on /metrics').toBeDefined();
  return Number(line!.split(' ')[1]);
}

async function search(server: TestServer, person: Person, body: Record<string, unknown>): Promise<string[]> {
  const response = await server.as(person).post('/timeline-entries.search', body);
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body.results.map((result: any) => result.timeline_entry.body);
}

/** How many index rows one search read, and what it found. */
async function examinedBy(server: TestServer, person: Person, body: Record<string, unknown>) {
  const before = await candidatesExamined(server);
  const found = await search(server, person, body);
  return { found, examined: (await candidatesExamined(server)) - before };
}

describe('timeline-entries.search across tenants', () => {
  it("examines only the caller's own matches, and finds them, when another org has more than the cap of newer ones", async () => {
    const ada = await t.given.org();
    const bob = await t.given.user(ada);
    const cy = await t.given.user(ada);
    const ours = await t.given.chat(ada, [bob]);
    await t.given.message(bob, ours, 'the quarterly numbers are in');
    // A colleague's chat in the same org that ada is not in: not hers to examine either.
    const theirs = await t.given.chat(bob, [cy]);
    await seedMessages(t, bob, theirs, Array.from({ length: 5 }, (_, i) => `quarterly plan ${i}`));
    // Another tenant, busier and newer: more matches than one search may rank.
    const eve = await t.given.org();
    const big = await t.given.chat(eve);
    await seedMessages(t, eve, big, Array.from({ length: SEARCH_CANDIDATE_CAP + 5 }, (_, i) => `quarterly report ${i}`));

    expect(await examinedBy(t, ada, { query: 'quarterly' })).toEqual({ found: ['the quarterly numbers are in'], examined: 1 });
    expect(await examinedBy(t, ada, { query: 'quarterly', chat: ours.id })).toEqual({ found: ['the quarterly numbers are in'], examined: 1 });
    // The other tenant's own search is capped, not refused.
    const busy = await examinedBy(t, eve, { query: 'quarterly report', limit: 5 });
    expect(busy.examined).toBe(SEARCH_CANDIDATE_CAP);
    expect(busy.found).toHaveLength(5);
  });

  it('ranks only the newest SEARCH_CANDIDATE_CAP matches: older ones are not found, however well they match', async () => {
    const ada = await t.given.org();
    const chat = await t.given.chat(ada);
    // The best matches of all, but the oldest: beyond the cap once the newer ones are written.
    await seedMessages(t, ada, chat, ['beacon beacon beacon beacon', 'beacon beacon beacon']);
    await seedMessages(t, ada, chat, Array.from({ length: SEARCH_CANDIDATE_CAP }, (_, i) => `beacon log line number ${i}`));

    const seen: string[] = [];
    let page = await t.as(ada).post('/timeline-entries.search', { query: 'beacon', limit: 100 });
    seen.push(...page.body.results.map((result: any) => result.timeline_entry.body));
    while (page.body.next_cursor) {
      page = await t.as(ada).post('/timeline-entries.search', { query: 'beacon', limit: 100, cursor: page.body.next_cursor });
      expect(page.status).toBe(200);
      seen.push(...page.body.results.map((result: any) => result.timeline_entry.body));
    }
    expect(seen).toHaveLength(SEARCH_CANDIDATE_CAP);
    expect(seen).not.toContain('beacon beacon beacon beacon');
    expect(seen).not.toContain('beacon beacon beacon');
    // The best of the capped set comes first: equal ranks, so the newest.
    expect(await search(t, ada, { query: 'beacon', chat: chat.id, limit: 1 })).toEqual(['beacon log line number 999']);
  });
});

describe('the search rate limit', () => {
  it('answers the fourth search of a minute with 429 too_many_requests, while the same user still reads', async () => {
    const ada = await limited.given.org();
    const chat = await limited.given.chat(ada);
    await limited.given.message(ada, chat, 'limits apply');
    // timeline-entries.search and search.core draw from one bucket.
    expect((await limited.as(ada).post('/timeline-entries.search', { query: 'limits' })).status).toBe(200);
    expect((await limited.as(ada).get('/timeline-entries.search', { query: 'limits' })).status).toBe(200);
    const core = await limited.as(ada).post('/search.core', { query: 'limits' });
    expect(core.status).toBe(200);
    expect(core.headers.get('x-ratelimit-limit')).toBe('3');

    const refused = await limited.as(ada).post('/timeline-entries.search', { query: 'limits' });
    expect(refused.status).toBe(429);
    // Three a minute: the next search is 20 s away.
    expect(refused.body).toEqual({ type: 'too_many_requests', message: expect.any(String), retry_after: 20 });
    expect(refused.headers.get('retry-after')).toBe('20');
    expect((await limited.as(ada).post('/search.core', { query: 'limits' })).status).toBe(429);

    const read = await limited.as(ada).post('/timeline-entries.list', { object: chat.id });
    expect(read.status).toBe(200);
    expect(read.headers.get('x-ratelimit-limit')).toBe('60');
    const bob = await limited.given.user(ada);
    expect((await limited.as(bob).post('/search.core', { query: 'limits' })).status).toBe(200);
  });

  it('is described in the OpenAPI document as the search operations\' 429', async () => {
    const document = (await limited.client().get('/openapi.json')).body;
    for (const path of ['/timeline-entries.search', '/search.core']) {
      for (const method of ['get', 'post']) expect(document.paths[path][method].responses['429'].description, path).toContain('RATE_LIMIT_SEARCH');
    }
    expect(document.paths['/chats.list'].post.responses['429'].description).not.toContain('RATE_LIMIT_SEARCH');
  });
});

describe('migration 0024_search_scope', () => {
  it('indexes the messages already written before it, on this database', async () => {
    const postgresUrl = testDatabaseUrl();
    const schema = postgresUrl ? await createTestSchema(postgresUrl) : undefined;
    const directory = mkdtempSync(join(tmpdir(), 'confab-search-migration-'));
    const url = schema?.url ?? `sqlite:${join(directory, 'confab.db')}`;
    try {
      // The database as the release before 0024 left it — with the columns later releases
      // added, which today's store writes: every migration but 0024 and the one after it
      // that reads its index (0025). They run afterwards, out of order, as an upgrade would.
      const dialectName = schema ? 'postgres' : 'sqlite';
      const rawDatabase = () =>
        new Kysely<unknown>({
          dialect: schema
            ? new PostgresDialect({ pool: new pg.Pool({ connectionString: schema.url, max: 1 }) })
            : new SqliteDialect({ database: new BetterSqlite3(url.slice('sqlite:'.length)) }),
        });
      const migrateWith = async (except: readonly string[]) => {
        const raw = rawDatabase();
        try {
          const all = await migrationProvider(dialectName).getMigrations();
          const migrator = new Migrator({
            db: raw,
            provider: { getMigrations: async () => Object.fromEntries(Object.entries(all).filter(([name]) => !except.includes(name))) },
            allowUnorderedMigrations: true,
            ...(schema && { migrationTableSchema: schema.name }),
            nameComparator: (a, b) => (a < b ? -1 : a > b ? 1 : 0),
          });
          const { error, results } = await migrator.migrateToLatest();
          expect(error).toBeUndefined();
          return (results ?? []).map((result) => result.migrationName);
        } finally {
          await raw.destroy();
        }
      };
      await migrateWith(['0024_search_scope', '0025_entry_artifacts']);

      const store = await openStore(url);
      try {
        const { token } = await initOrg(store, 'Before', 'before@example.com');
        const principal = await authenticate(store, `Bearer ${token}`);
        const { chat } = await createChat(store, principal, { users: [formatDon('dev_user', principal.org.slug, principal.user.number)], isDefault: false });
        // Written by the store alone: today's domain reads files on messages, which came in 0025.
        const number = await store.orgs.nextNumber(principal.org.id, 'timeline_comment');
        await store.timelineEntries.insert(plainEntry(principal.org.id, chat.id, number, 'written before the upgrade', principal.user.id, new Date().toISOString()));
        expect(await migrateWith([])).toEqual(['0024_search_scope', '0025_entry_artifacts']);
        const page = await searchTimelineEntries(store, principal, { query: 'upgrade' });
        expect(page.hits.map((hit) => hit.entry.body)).toEqual(['written before the upgrade']);
      } finally {
        await store.close();
      }
    } finally {
      await schema?.drop();
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
