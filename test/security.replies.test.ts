/**
 * Security round three, finding 1: a reply keeps its comment's privacy. A reply takes its
 * comment's visibility (and a private comment's readers), a wider one is refused, and every
 * read path asks whether the reader may read the comment too.
 */
import Database from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { replyAudience } from '../src/store/migrations/0021_reply_audience.js';
import { parsePayload } from '../src/store/event-payloads.js';
import { useServer, type Person } from './helpers/server.js';
import { SseClient } from './helpers/sse.js';
import { testDatabaseUrl } from './helpers/postgres.js';

const t = useServer({ realtime: { streamHeartbeatMs: 60_000, eventPollMs: 50 } });

const open: SseClient[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((client) => client.close()));
});

async function stream(person: Person, headers: Record<string, string> = {}): Promise<SseClient> {
  const client = await SseClient.open(`${t.url}/events.stream`, { authorization: `Bearer ${person.token}`, ...headers });
  open.push(client);
  return client;
}

async function post(author: Person, object: string, body: string, extra: Record<string, unknown> = {}): Promise<any> {
  const response = await t.as(author).post('/timeline-entries.create', { type: 'timeline_comment', object, body, ...extra });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body.timeline_entry;
}

/** Staff (agent) and a customer (alice) in a chat staff made, with an internal note in it. */
async function supportChat() {
  const admin = await t.given.org();
  const agent = await t.given.user(admin, 'dev_user', 'agent');
  const acme = (await t.as(admin).post('/rev-orgs.create', { display_name: 'Acme' })).body.rev_org.id;
  const alice = await t.given.customer(admin, acme, `alice${Math.random().toString(36).slice(2, 8)}`);
  const chat = (await t.as(agent).post('/chats.create', { type: 'dm', users: [agent.id, alice.id], is_default: false })).body.chat.id;
  const note = await post(agent, chat, 'customer seems upset', { visibility: 'internal' });
  return { admin, agent, alice, chat, note };
}

/** What a customer can learn of an entry through every read path that answers at once. */
async function whatTheyRead(person: Person, entry: any, word: string) {
  const got = await t.as(person).get('/timeline-entries.get', { id: entry.id });
  const searched = await t.as(person).post('/timeline-entries.search', { query: word });
  const reacted = await t.as(person).post('/reactions.update', { object: entry.id, emoji: 'thumbsup', action: 'add' });
  expect(searched.status).toBe(200);
  return { get: [got.status, got.body.type], search: searched.body.results.length, react: [reacted.status, reacted.body.type] };
}

describe('a reply to an internal comment', () => {
  it('is internal unless asked otherwise, and a customer in the chat reads it through no path', async () => {
    const { agent, alice, chat, note } = await supportChat();
    const live = await stream(alice);
    const reply = await post(agent, note.id, 'refund flagged as fraud');
    expect(reply.visibility).toBe('internal');
    await post(agent, chat, 'marker for the stream');

    expect(await whatTheyRead(alice, reply, 'fraud')).toEqual({ get: [404, 'not_found'], search: 0, react: [404, 'not_found'] });
    const thread = await t.as(alice).post('/timeline-entries.list', { object: note.id });
    expect(thread.status).toBe(404);
    expect(thread.body.type).toBe('not_found');

    await live.until(() => JSON.stringify(live.events).includes('marker for the stream'));
    expect(JSON.stringify(live.events)).not.toContain('fraud');
    const replayed = await stream(alice, { 'last-event-id': '0' });
    await replayed.until(() => JSON.stringify(replayed.events).includes('marker for the stream'));
    expect(JSON.stringify(replayed.events)).not.toContain('fraud');

    // Staff read it as before.
    expect((await t.as(agent).get('/timeline-entries.get', { id: reply.id })).status).toBe(200);
  });

  it('refuses a wider visibility with 400 value_not_permitted on visibility, and stores nothing', async () => {
    const { agent, note } = await supportChat();
    const before = await t.snapshot();
    for (const visibility of ['external', 'public']) {
      const wider = await t.as(agent).post('/timeline-entries.create', { type: 'timeline_comment', object: note.id, body: 'for everyone', visibility });
      expect(wider.status).toBe(400);
      expect(wider.body).toMatchObject({ type: 'value_not_permitted', field_name: 'visibility' });
    }
    expect(await t.snapshot()).toBe(before);
  });

  it('may be narrower: an internal reply in an external thread stays hidden from the customer', async () => {
    const { agent, alice, chat } = await supportChat();
    const question = await post(alice, chat, 'where is my parcel?');
    const aside = await post(agent, question.id, 'courier lost it', { visibility: 'internal' });
    expect(aside.visibility).toBe('internal');
    expect((await whatTheyRead(alice, aside, 'courier')).get).toEqual([404, 'not_found']);
    // An answer with no visibility given is the comment's: external.
    expect((await post(agent, question.id, 'on its way')).visibility).toBe('external');
  });

  it('written wider before replies kept their parent\'s privacy, is still read only by those who may read the comment', async () => {
    const { agent, alice, chat, note } = await supportChat();
    const reply = await post(agent, note.id, 'legacy reply about chargeback');
    // As an older Confab stored it: an external reply under an internal note.
    await t.executeBehindItsBack("update timeline_entries set visibility = 'external' where body = ?", ['legacy reply about chargeback']);
    expect((await t.as(agent).get('/timeline-entries.get', { id: reply.id })).body.timeline_entry.visibility).toBe('external');
    expect(await whatTheyRead(alice, reply, 'chargeback')).toEqual({ get: [404, 'not_found'], search: 0, react: [404, 'not_found'] });
    const list = await t.as(alice).post('/chats.list', {});
    const item = list.body.chats.find((candidate: any) => candidate.chat.id === chat);
    expect(item.unread_count).toBe(0);
    expect(item.unread_thread_count).toBe(0);
  });
});

describe('a reply to a private message', () => {
  async function privateThread() {
    const ada = await t.given.org();
    const bob = await t.given.user(ada);
    const cy = await t.given.user(ada);
    const chat = (await t.as(ada).post('/chats.create', { type: 'dm', users: [ada.id, bob.id, cy.id], is_default: false })).body.chat.id;
    const secret = await post(ada, chat, 'salary review', { visibility: 'private', private_to: [bob.id] });
    return { ada, bob, cy, chat, secret };
  }

  it("is for the message's author and readers alone, not every member", async () => {
    const { ada, bob, cy, chat, secret } = await privateThread();
    const live = await stream(cy);
    const reply = await post(bob, secret.id, 'raise approved');
    expect(reply.visibility).toBe('private');
    await post(ada, chat, 'marker for the stream');

    expect(await whatTheyRead(cy, reply, 'raise')).toEqual({ get: [404, 'not_found'], search: 0, react: [404, 'not_found'] });
    await live.until(() => JSON.stringify(live.events).includes('marker for the stream'));
    expect(JSON.stringify(live.events)).not.toContain('raise approved');
    expect((await t.as(ada).get('/timeline-entries.get', { id: reply.id })).status).toBe(200);
  });

  it('refuses a wider visibility, and readers who cannot read the message', async () => {
    const { bob, cy, secret } = await privateThread();
    const before = await t.snapshot();
    for (const visibility of ['internal', 'external']) {
      const wider = await t.as(bob).post('/timeline-entries.create', { type: 'timeline_comment', object: secret.id, body: 'hey all', visibility });
      expect(wider.status).toBe(400);
      expect(wider.body).toMatchObject({ type: 'value_not_permitted', field_name: 'visibility' });
    }
    const outsider = await t.as(bob).post('/timeline-entries.create', { type: 'timeline_comment', object: secret.id, body: 'cc cy', private_to: [cy.id] });
    expect(outsider.status).toBe(400);
    expect(outsider.body).toMatchObject({ type: 'value_not_permitted', field_name: 'private_to' });
    expect(await t.snapshot()).toBe(before);
  });
});

describe('migration 0021_reply_audience', () => {
  /** The server's database, opened beside it as the migrator opens it. */
  function database(): Kysely<unknown> {
    return testDatabaseUrl()
      ? new Kysely({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: t.databaseUrl, max: 1 }) }) })
      : new Kysely({ dialect: new SqliteDialect({ database: new Database(t.databaseFile) }) });
  }

  it('narrows replies stored wider than their comment, and gives their events the comment\'s audience', async () => {
    const { agent, alice, chat, note } = await supportChat();
    const reply = await post(agent, note.id, 'legacy words about a lawsuit');
    // As an older Confab left it: the reply external, its events without the comment's audience.
    await t.executeBehindItsBack("update timeline_entries set visibility = 'external' where body = ?", ['legacy words about a lawsuit']);
    const events = await t.executeBehindItsBack(
      'select events.id, events.payload from events join timeline_entries on timeline_entries.id = events.entry_id where timeline_entries.body = ?',
      ['legacy words about a lawsuit'],
    );
    expect(events).toHaveLength(1);
    for (const event of events) {
      const { parent: _parent, ...older } = JSON.parse(String(event.payload));
      older.v = 3;
      older.entry.visibility = 'external';
      await t.executeBehindItsBack('update events set payload = ? where id = ?', [JSON.stringify(older), event.id]);
    }
    await post(agent, chat, 'first marker');
    const before = await stream(alice, { 'last-event-id': '0' });
    await before.until(() => JSON.stringify(before.events).includes('first marker'));
    expect(JSON.stringify(before.events)).toContain('lawsuit');

    const db = database();
    try {
      await replyAudience().up(db);
    } finally {
      await db.destroy();
    }

    expect((await t.as(agent).get('/timeline-entries.get', { id: reply.id })).body.timeline_entry.visibility).toBe('internal');
    const [migrated] = await t.executeBehindItsBack('select payload from events where id = ?', [events[0]!.id]);
    expect(parsePayload(String(migrated!.payload)).parent).toMatchObject({ visibility: 'internal', privateTo: [] });
    await post(agent, chat, 'second marker');
    const after = await stream(alice, { 'last-event-id': '0' });
    await after.until(() => JSON.stringify(after.events).includes('second marker'));
    expect(JSON.stringify(after.events)).not.toContain('lawsuit');
  });
});
