/**
 * Event ids (the `id:` of the stream, `Last-Event-ID`, webhook envelopes and the delivery
 * log) are opaque and per organization: the outbox numbers every tenant's events in one
 * sequence, and the gaps between one's own ids must not count anyone else's activity.
 * Resuming stays exact, across processes and restarts on the same database.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { initOrg } from '../src/domain/orgs.js';
import { DEFAULT_OVERLOAD } from '../src/http/overload.js';
import { startServer, type RunningServer } from '../src/server.js';
import { createTestSchema, testDatabaseUrl, type TestSchema } from './helpers/postgres.js';
import { Receiver } from './helpers/receiver.js';
import { Client, useServer, type Person } from './helpers/server.js';
import { SseClient } from './helpers/sse.js';

const realtime = { streamHeartbeatMs: 60_000, eventPollMs: 50, webhookAllowPrivate: true };
const t = useServer({ realtime });

const open: SseClient[] = [];
const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  await Promise.all(open.splice(0).map((client) => client.close()));
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function stream(url: string, token: string, lastEventId?: string): Promise<SseClient> {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (lastEventId !== undefined) headers['last-event-id'] = lastEventId;
  const client = await SseClient.open(`${url}/events.stream`, headers);
  open.push(client);
  return client;
}

const messages = (client: SseClient) => client.events.filter((event) => event.event === 'timeline_entry_created');
const bodies = (client: SseClient) => messages(client).map((event) => event.data.timeline_entry_created.entry.body);
const OPAQUE = /^[A-Za-z0-9_-]{22}$/;

async function post(client: Client, chat: string, body: string): Promise<void> {
  const response = await client.post('/timeline-entries.create', { type: 'timeline_comment', object: chat, body });
  expect(response.status).toBe(201);
}

async function expectRefused(url: string, token: string, lastEventId: string): Promise<void> {
  const client = await stream(url, token, lastEventId);
  expect(client.status, lastEventId).toBe(400);
  expect(client.body).toMatchObject({ type: 'invalid_field', field_name: 'last_event_id' });
}

describe('event ids', () => {
  it('are opaque and per organization: nothing in them counts another tenant’s events', async () => {
    const ada = await t.given.org();
    const bob = await t.given.user(ada);
    const eve = await t.given.org();
    const adaChat = await t.given.chat(ada, [bob]);
    const eveChat = await t.given.chat(eve);
    const [adaStream, bobStream, eveStream] = [await stream(t.url, ada.token), await stream(t.url, bob.token), await stream(t.url, eve.token)];
    for (let i = 0; i < 3; i++) {
      await post(t.as(ada), adaChat.id, `ada ${i}`);
      // Another tenant's activity between two of ada's events.
      for (let j = 0; j < 5; j++) await post(t.as(eve), eveChat.id, `eve ${i}.${j}`);
    }
    await adaStream.until(() => messages(adaStream).length === 3);
    await bobStream.until(() => messages(bobStream).length === 3);
    await eveStream.until(() => messages(eveStream).length === 15);

    const ids = messages(adaStream).map((event) => event.id!);
    for (const id of ids) expect(id).toMatch(OPAQUE);
    expect(new Set(ids).size).toBe(3);
    // One event has one id in its organization: every member's stream, and the envelope, name it alike.
    expect(messages(bobStream).map((event) => event.id)).toEqual(ids);
    expect(messages(adaStream).map((event) => event.data.id)).toEqual(ids.map((id) => expect.stringMatching(new RegExp(`:webhook_event/${id}$`))));
    // An id is refused by another organization's stream, as is a number or a forged one.
    await expectRefused(t.url, eve.token, ids[0]!);
    const flipped = ids[0]!.slice(0, 5) + (ids[0]![5] === 'A' ? 'B' : 'A') + ids[0]!.slice(6);
    for (const forged of ['1', '41', String(Number.MAX_SAFE_INTEGER), flipped, 'A'.repeat(22), `${ids[0]}=`]) await expectRefused(t.url, ada.token, forged);
    // Its own organization resumes with it, exactly after it.
    const resumed = await stream(t.url, bob.token, ids[0]!);
    await resumed.until(() => messages(resumed).length === 2);
    expect(bodies(resumed)).toEqual(['ada 1', 'ada 2']);
    expect(messages(resumed).map((event) => event.id)).toEqual(ids.slice(1));
  });

  it('are the same in webhook envelopes and the delivery log as on the stream', async () => {
    const ada = await t.given.org();
    const receiver = await Receiver.start();
    cleanups.push(() => receiver.stop());
    const created = await t.as(ada).post('/webhooks.create', { url: `${receiver.url}/hook`, event_types: ['timeline_entry_created'] });
    expect(created.status).toBe(201);
    const chat = await t.given.chat(ada);
    const adaStream = await stream(t.url, ada.token);
    await receiver.until(() => receiver.of('verify').length === 1);
    const verifyId = receiver.of('verify')[0]!.body.id as string;
    expect(verifyId).toMatch(/:webhook_verify\/[A-Za-z0-9_-]{22}$/);
    await post(t.as(ada), chat.id, 'hooked');
    await adaStream.until(() => messages(adaStream).length === 1);
    await receiver.until(() => receiver.of('timeline_entry_created').length === 1);
    const streamed = messages(adaStream)[0]!;
    expect(receiver.of('timeline_entry_created')[0]!.body.id).toBe(streamed.data.id);

    const log = await t.as(ada).get('/webhooks.deliveries.list', { id: created.body.webhook.id });
    expect(log.status).toBe(200);
    const delivery = log.body.deliveries.find((candidate: { type: string }) => candidate.type === 'timeline_entry_created');
    expect(delivery.event_id).toBe(streamed.id);
    const verify = log.body.deliveries.find((candidate: { type: string }) => candidate.type === 'verify');
    expect(verifyId.endsWith(`/${verify.id}`)).toBe(true);
    for (const entry of log.body.deliveries) expect(String(entry.id)).toMatch(OPAQUE);
  });
});

describe('Last-Event-ID across processes and restarts', () => {
  /** A database of this test's own: an SQLite file, or a PostgreSQL schema with TEST_DATABASE_URL. */
  async function ownDatabase(): Promise<string> {
    const postgresUrl = testDatabaseUrl();
    if (postgresUrl) {
      const schema: TestSchema = await createTestSchema(postgresUrl);
      cleanups.push(() => schema.drop());
      return schema.url;
    }
    const dir = mkdtempSync(join(tmpdir(), 'confab-ids-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    return `sqlite:${join(dir, 'confab.db')}`;
  }

  async function serve(databaseUrl: string): Promise<RunningServer> {
    return startServer({ port: 0, host: '127.0.0.1', logLevel: 'warn', databaseUrl, realtime } as Parameters<typeof startServer>[0], pino({ level: 'silent' }), {
      overload: { ...DEFAULT_OVERLOAD, maxEventLoopDelayMs: 0, maxHeapFraction: 1 },
    });
  }

  it('resumes exactly on another process, and after a restart on the same database', async () => {
    const databaseUrl = await ownDatabase();
    const first = await serve(databaseUrl);
    const second = await serve(databaseUrl);
    const { user, token } = await initOrg(first.store, 'Durable', 'ada@example.com');
    const ada = new Client(first.url, `Bearer ${token}`);
    const chat = (await ada.post('/chats.create', { type: 'dm', users: [`DEVU-${user.number}`], is_default: false })).body.chat.id as string;
    const before = await stream(first.url, token);
    await post(ada, chat, 'seen');
    await before.until(() => messages(before).length === 1);
    const seen = messages(before)[0]!.id!;
    expect(seen).toMatch(OPAQUE);
    await before.close();
    await post(ada, chat, 'missed on one process');

    // Another process on the same database reads the id alike.
    const elsewhere = await stream(second.url, token, seen);
    await elsewhere.until(() => messages(elsewhere).length === 1);
    expect(bodies(elsewhere)).toEqual(['missed on one process']);
    await elsewhere.close();
    await second.close();

    // A restart: the id still names the same place in the outbox.
    await first.close();
    const restarted = await serve(databaseUrl);
    cleanups.push(async () => void (await restarted.close()));
    const again = new Client(restarted.url, `Bearer ${token}`);
    await post(again, chat, 'missed across the restart');
    const resumed = await stream(restarted.url, token, seen);
    await resumed.until(() => messages(resumed).length === 2);
    expect(bodies(resumed)).toEqual(['missed on one process', 'missed across the restart']);
    await post(again, chat, 'live');
    await resumed.until(() => messages(resumed).length === 3);
    expect(bodies(resumed)).toEqual(['missed on one process', 'missed across the restart', 'live']);
    expect(messages(resumed)[1]!.id).not.toBe(seen);
  }, 60_000);
});
