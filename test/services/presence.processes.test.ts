/**
 * Two users on two `confab serve` processes on one PostgreSQL, as behind a load balancer:
 * each sees the other's presence, typing, reactions and read state live on their event
 * streams. Outbox events (reactions, read state) cross through the database; ephemeral
 * ones (typing, presence) through PostgreSQL LISTEN/NOTIFY, or Redis pub/sub where
 * REDIS_URL is set: both are run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatDisplayId, formatDon } from '../../src/domain/ids.js';
import { createUser, initOrg } from '../../src/domain/orgs.js';
import { issueToken } from '../../src/domain/tokens.js';
import type { RootStore } from '../../src/store/index.js';
import { openStore } from '../../src/store/open.js';
import { createTestSchema, requireTestDatabaseUrl, type TestSchema } from '../helpers/postgres.js';
import { serve, type ServeProcess } from '../helpers/process.js';
import { Client, type Person } from '../helpers/server.js';
import { DEFAULT_TEST_REDIS_URL } from '../helpers/services-setup.js';
import { SseClient } from '../helpers/sse.js';

const baseUrl = requireTestDatabaseUrl();
const redisUrl = process.env.TEST_REDIS_URL ?? DEFAULT_TEST_REDIS_URL;
/** A 1.5 s offline delay instead of 30 s; outbox polls every 50 ms. */
const env = { EVENT_POLL_MS: '50', STREAM_HEARTBEAT_MS: '200', PRESENCE_OFFLINE_AFTER_MS: '1500' };

let counter = 0;

describe.each([
  ['PostgreSQL LISTEN/NOTIFY', {}],
  ['Redis pub/sub', { REDIS_URL: redisUrl }],
])('two users on two processes, ephemeral events by %s', (_bus, busEnv: Record<string, string>) => {
  let schema: TestSchema;
  let store: RootStore;
  let a: ServeProcess;
  let b: ServeProcess;
  const extra: ServeProcess[] = [];
  const streams: SseClient[] = [];

  beforeAll(async () => {
    schema = await createTestSchema(baseUrl);
    store = await openStore(schema.url, { poolSize: 2 });
    await store.migrate();
    [a, b] = await Promise.all([serve(schema.url, { ...env, ...busEnv }), serve(schema.url, { ...env, ...busEnv })]);
  });

  afterAll(async () => {
    await Promise.all(streams.map((stream) => stream.close()));
    await Promise.all([a, b, ...extra].map((server) => server?.stop()));
    await store?.close();
    await schema?.drop();
  });

  function asPerson(org: Person['org'], user: Person['user'], token: string): Person {
    return { org, user, token, id: formatDon(user.type, org.slug, user.number), displayId: formatDisplayId(user.type, user.number) };
  }

  async function newOrg(): Promise<Person> {
    const { org, user, token } = await initOrg(store, `presence-${++counter}`, `admin-${counter}@presence.test`);
    return asPerson(org, user, token);
  }

  async function person(org: Person['org'], name: string): Promise<Person> {
    const user = await createUser(store, org, { type: 'dev_user', email: `${name}-${++counter}@presence.test`, displayName: name });
    return asPerson(org, user, (await issueToken(store, user)).secret);
  }

  function via(server: ServeProcess, who: Person): Client {
    return new Client(server.url, `Bearer ${who.token}`);
  }

  async function stream(server: ServeProcess, who: Person): Promise<SseClient> {
    const client = await SseClient.open(`${server.url}/events.stream`, { authorization: `Bearer ${who.token}` });
    expect(client.status).toBe(200);
    streams.push(client);
    return client;
  }

  /** The presence states a stream heard of `subject`, in order. */
  function heard(client: SseClient, subject: Person): string[] {
    return client.events
      .filter((event) => event.event === 'presence_changed' && event.data.presence_changed.user.id === subject.id)
      .map((event) => event.data.presence_changed.state);
  }

  async function hears(client: SseClient, subject: Person, states: string[]): Promise<void> {
    await client.until(() => heard(client, subject).length >= states.length, 15_000);
    expect(heard(client, subject)).toEqual(states);
  }

  async function presence(server: ServeProcess, asker: Person, subject: Person) {
    const response = await via(server, asker).post('/presence.list', { users: [subject.id] });
    expect(response.status).toBe(200);
    return response.body.presence[0] as { state: string; last_seen?: string };
  }

  it("see each other's presence, typing, reactions and read state live", async () => {
    const ada = await newOrg();
    const bob = await person(ada.org, 'Bob');
    const created = await via(a, ada).post('/chats.create', { type: 'dm', users: [ada.id, bob.id], is_default: false });
    expect(created.status).toBe(201);
    const chat = created.body.chat;
    const adaOnA = await stream(a, ada);
    const bobOnB = await stream(b, bob);

    // Presence: Bob connected to B; Ada, on A, hears it, and either process answers alike.
    await hears(adaOnA, bob, ['online']);
    expect((await presence(a, ada, bob)).state).toBe('online');
    expect((await presence(b, bob, ada)).state).toBe('online');

    // Typing, through A, on Bob's stream on B.
    expect((await via(a, ada).post('/chats.typing', { id: chat.id })).status).toBe(200);
    await bobOnB.until(() => bobOnB.events.some((event) => event.event === 'typing'), 10_000);
    expect(bobOnB.events.find((event) => event.event === 'typing')!.data.typing).toMatchObject({ chat: chat.id, user: { id: ada.id } });

    // Reactions: Bob writes through B, Ada reacts through A, Bob's stream on B shows it.
    const written = await via(b, bob).post('/timeline-entries.create', { type: 'timeline_comment', object: chat.id, body: 'ship it?' });
    expect(written.status).toBe(201);
    const entry = written.body.timeline_entry;
    expect((await via(a, ada).post('/reactions.update', { object: entry.id, emoji: '+1', action: 'add' })).status).toBe(200);
    const reacted = () =>
      bobOnB.events.find((event) => event.event === 'timeline_entry_updated' && event.data.timeline_entry_updated.entry.id === entry.id);
    await bobOnB.until(() => reacted() !== undefined, 10_000);
    expect(reacted()!.data.timeline_entry_updated.entry.reactions).toEqual([{ emoji: '1f44d', total_users: 1, reacted: false }]);
    await adaOnA.until(() => adaOnA.events.some((event) => event.event === 'timeline_entry_updated'), 10_000);

    // Read state: Bob reads through B; his other device, on A, clears the badge.
    const bobOnA = await stream(a, bob);
    expect((await via(b, bob).post('/chats.mark-read', { id: chat.id })).status).toBe(200);
    const read = () => bobOnA.events.find((event) => event.event === 'chat_read');
    await bobOnA.until(() => read() !== undefined, 10_000);
    expect(read()!.data.chat_read).toMatchObject({ chat: { id: chat.id }, entry: entry.id, unread_count: 0 });
    // A second stream of someone online announces nothing.
    expect(heard(adaOnA, bob)).toEqual(['online']);

    // Bob leaves both processes: Ada hears it once, a delay later.
    await bobOnB.close();
    await bobOnA.close();
    await hears(adaOnA, bob, ['online', 'offline']);
    const last = await presence(b, ada, bob);
    expect(last.state).toBe('offline');
    expect(last.last_seen).toBe(adaOnA.events.filter((event) => event.event === 'presence_changed').at(-1)!.data.presence_changed.last_seen);
  });

  it("takes a dead process's users offline, and keeps online a user who moves to another process", async () => {
    const ada = await newOrg();
    const bob = await person(ada.org, 'Bob');
    const dave = await person(ada.org, 'Dave');
    expect((await via(a, ada).post('/chats.create', { type: 'dm', users: [ada.id, bob.id, dave.id], is_default: false })).status).toBe(201);
    const c = await serve(schema.url, { ...env, ...busEnv });
    extra.push(c);
    const adaOnA = await stream(a, ada);

    // Bob moves from C to B within the delay: no flap.
    const bobOnC = await stream(c, bob);
    await hears(adaOnA, bob, ['online']);
    await bobOnC.close();
    await stream(b, bob);

    // Dave connects to C after Bob's move, then C dies without a word: its vouching stops.
    const daveOnC = await stream(c, dave);
    await hears(adaOnA, dave, ['online']);
    await c.stop('SIGKILL');
    await daveOnC.until(() => daveOnC.ended, 10_000);
    await hears(adaOnA, dave, ['online', 'offline']);
    expect((await presence(a, ada, dave)).state).toBe('offline');
    // Dave's offline came no earlier than a flap of Bob's would have.
    expect(heard(adaOnA, bob)).toEqual(['online']);
    expect((await presence(b, ada, bob)).state).toBe('online');
  });
});
