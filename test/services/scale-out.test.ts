/**
 * Several `confab serve` processes on one PostgreSQL schema, as behind a load balancer:
 * what one process writes, the others see, and the database keeps the invariants that no
 * single process can keep alone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatDisplayId, formatDon } from '../../src/domain/ids.js';
import { createUser, initOrg } from '../../src/domain/orgs.js';
import { issueToken } from '../../src/domain/tokens.js';
import type { RootStore } from '../../src/store/index.js';
import { migrationProvider } from '../../src/store/migrations/index.js';
import { NUMBER_BLOCK_SIZE } from '../../src/store/numbers.js';
import { openStore } from '../../src/store/open.js';
import { admin, createTestSchema, requireTestDatabaseUrl, type TestSchema } from '../helpers/postgres.js';
import { confab, serve, type ServeProcess } from '../helpers/process.js';
import { Client, type Person } from '../helpers/server.js';

const baseUrl = requireTestDatabaseUrl();
let schema: TestSchema;
let servers: ServeProcess[] = [];
let store: RootStore;

beforeAll(async () => {
  schema = await createTestSchema(baseUrl);
  // Started together on an empty schema: both migrate and both look for a first org.
  servers = await Promise.all([serve(schema.url), serve(schema.url), serve(schema.url)]);
  store = await openStore(schema.url, { poolSize: 2 });
});

afterAll(async () => {
  await Promise.all(servers.map((server) => server.stop()));
  await store?.close();
  await schema?.drop();
});

let counter = 0;

function asPerson(org: Person['org'], user: Person['user'], token: string): Person {
  return { org, user, token, id: formatDon(user.type, org.slug, user.number), displayId: formatDisplayId(user.type, user.number) };
}

async function newOrg(): Promise<Person> {
  const { org, user, token } = await initOrg(store, `scale-${++counter}`, `admin-${counter}@scale.test`);
  return asPerson(org, user, token);
}

async function person(org: Person['org']): Promise<Person> {
  const user = await createUser(store, org, { type: 'dev_user', email: `p${++counter}@scale.test`, displayName: `p${counter}` });
  return asPerson(org, user, (await issueToken(store, user)).secret);
}

/** The i-th request goes to the i-th process, round robin, as a load balancer would send it. */
function via(index: number, who: Person): Client {
  return new Client(servers[index % servers.length]!.url, `Bearer ${who.token}`);
}

describe('several processes on one PostgreSQL', () => {
  it('creates the first organization once when all processes start together on an empty database', async () => {
    const { rows } = await admin(baseUrl, `select count(*)::int as n from ${schema.name}.orgs where name = 'Confab'`);
    expect(rows[0].n).toBe(1);
    const announced = servers.filter((server) => server.output().includes('First start'));
    expect(announced).toHaveLength(1);
  });

  it('makes exactly one default DM when both processes are asked for it at once', async () => {
    const ada = await newOrg();
    const bob = await person(ada.org);
    const attempts = await Promise.all(
      Array.from({ length: 12 }, (_, i) => via(i, i % 2 ? bob : ada).post('/chats.create', { type: 'dm', users: [ada.id, bob.id] })),
    );
    // Each answer with its message, so a failure says which request went wrong and why.
    const answers = attempts.map((res) => `${res.status} ${res.body.type ?? ''} ${res.body.message ?? ''}`.trim());
    expect(answers.filter((answer) => answer.startsWith('201'))).toHaveLength(1);
    expect(answers.filter((answer) => !answer.startsWith('201'))).toEqual(
      Array(11).fill('409 conflict a default DM between these users already exists; pass get_if_conflict to get it'),
    );
    expect(attempts.filter((res) => res.status === 409).every((res) => res.body.type === 'conflict')).toBe(true);
    const created = attempts.find((res) => res.status === 201)!.body.chat;
    for (let i = 0; i < servers.length; i++) {
      // DevRev's GET form takes only an id; the default DM of a set of users is asked for by POST.
      const found = await via(i, bob).post('/chats.get', { type: 'dm', users: [ada.id, bob.id] });
      expect(found.status).toBe(200);
      expect(found.body.chat.id).toBe(created.id);
    }
  });

  it('returns the one default DM to every concurrent get_if_conflict caller', async () => {
    const ada = await newOrg();
    const bob = await person(ada.org);
    const attempts = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        via(i, i % 2 ? bob : ada).post('/chats.create', { type: 'dm', users: [ada.id, bob.id], get_if_conflict: true }),
      ),
    );
    expect(attempts.every((res) => res.status === 201)).toBe(true);
    expect(new Set(attempts.map((res) => res.body.chat.id)).size).toBe(1);
  });

  it('never hands out a display id twice under concurrent creation through every process', async () => {
    const ada = await newOrg();
    const bob = await person(ada.org);
    const count = 45;
    const created = await Promise.all(
      Array.from({ length: count }, (_, i) =>
        via(i, i % 2 ? bob : ada).post('/chats.create', { type: 'dm', users: [ada.id, bob.id], is_default: false, title: `t${i}` }),
      ),
    );
    expect(created.map((res) => res.status)).toEqual(Array(count).fill(201));
    const displayIds = created.map((res) => res.body.chat.display_id as string);
    expect(new Set(displayIds).size).toBe(count);
    expect(new Set(created.map((res) => res.body.chat.id)).size).toBe(count);
    // Each process numbers from blocks of its own (store/numbers.ts): gaps are possible, at
    // most a block's worth per process.
    const numbers = displayIds.map((id) => Number(id.split('-').pop()));
    expect(Math.min(...numbers)).toBeGreaterThanOrEqual(1);
    expect(Math.max(...numbers)).toBeLessThanOrEqual(count + servers.length * NUMBER_BLOCK_SIZE);
  });

  it('lists a message written through one process through every other at once, in order', async () => {
    const ada = await newOrg();
    const bob = await person(ada.org);
    const chat = (await via(0, ada).post('/chats.create', { type: 'dm', users: [ada.id, bob.id] })).body.chat;
    const sent: string[] = [];
    for (let round = 0; round < 6; round++) {
      const body = `message ${round}`;
      const posted = await via(round, round % 2 ? bob : ada).post('/timeline-entries.create', {
        object: chat.id,
        type: 'timeline_comment',
        body,
      });
      expect(posted.status).toBe(201);
      sent.unshift(body);
      for (let reader = 0; reader < servers.length; reader++) {
        const listed = await via(round + 1 + reader, bob).post('/timeline-entries.list', { object: chat.id });
        expect(listed.status).toBe(200);
        expect(listed.body.timeline_entries.map((entry: { body: string }) => entry.body)).toEqual(sent);
      }
    }
    // A cursor one process handed out pages on through the others.
    const paged: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page === 0 || cursor; page++) {
      const res = await via(page, bob).post('/timeline-entries.list', { object: chat.id, limit: 2, ...(cursor && { cursor }) });
      expect(res.status).toBe(200);
      paged.push(...res.body.timeline_entries.map((entry: { body: string }) => entry.body));
      cursor = res.body.next_cursor;
    }
    expect(paged).toEqual(sent);
  });

  // Each process caches chats (src/store/read-cache.ts); the change relay drops what another
  // process changed, and the bound the design promises for that is 100 ms (DESIGN.md "Speed
  // model"). A write is answered once its relay message came back, so nearly every read
  // here sees it at once; a loaded machine may deliver the others' copy a few ms later.
  it('shows a change made through one process through the others within 100 ms', async () => {
    const ada = await newOrg();
    const bob = await person(ada.org);
    const chat = (await via(0, ada).post('/chats.create', { type: 'dm', users: [ada.id, bob.id] })).body.chat;
    for (let round = 0; round < 6; round++) {
      const writer = round % servers.length;
      const title = `round ${round}`;
      const updated = await via(writer, ada).post('/chats.update', { id: chat.id, title });
      expect(updated.status).toBe(200);
      const answeredAt = performance.now();
      for (let reader = 0; reader < servers.length; reader++) {
        for (;;) {
          const read = await via(reader, bob).get('/chats.get', { id: chat.id });
          expect(read.status).toBe(200);
          if (read.body.chat.title === title) break;
          expect(performance.now() - answeredAt).toBeLessThanOrEqual(100);
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
      }
    }
  });
});

describe('confab migrate on PostgreSQL', () => {
  let fresh: TestSchema;
  beforeAll(async () => {
    fresh = await createTestSchema(baseUrl);
  });
  afterAll(async () => {
    await fresh?.drop();
  });

  it('is safe to run from several processes at once: one applies, the others find nothing to do', async () => {
    const runs = await Promise.all(Array.from({ length: 4 }, () => confab(['migrate', '--json'], { DATABASE_URL: fresh.url })));
    expect(runs.map((run) => run.code)).toEqual([0, 0, 0, 0]);
    const applied = runs.flatMap((run) => JSON.parse(run.stdout).applied as string[]);
    const all = Object.keys(await migrationProvider('postgres').getMigrations());
    expect(applied).toEqual(all);
    const { rows } = await admin(baseUrl, `select name from ${fresh.name}.kysely_migration order by name`);
    expect(rows.map((row) => row.name)).toEqual(all);
  });
});
