import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { assertMatchesSchema } from './helpers/contract.js';
import { useServer, type Person } from './helpers/server.js';
import { SseClient } from './helpers/sse.js';
import { EVENT_PAYLOAD_VERSION } from '../src/store/event-payloads.js';

const t = useServer({ realtime: { streamHeartbeatMs: 100, eventPollMs: 50, streamMaxBufferBytes: 64 * 1024 } });

const open: SseClient[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((client) => client.close()));
});

async function stream(person: Person, headers: Record<string, string> = {}, query = ''): Promise<SseClient> {
  const client = await SseClient.open(`${t.url}/events.stream${query}`, { authorization: `Bearer ${person.token}`, ...headers });
  open.push(client);
  return client;
}

async function chatOf(owner: Person, others: Person[] = []): Promise<{ id: string }> {
  const response = await t.as(owner).post('/chats.create', { type: 'dm', users: [owner.id, ...others.map((p) => p.id)], is_default: false });
  expect(response.status).toBe(201);
  return response.body.chat;
}

async function post(author: Person, chat: { id: string }, body: string, extra: Record<string, unknown> = {}) {
  const response = await t.as(author).post('/timeline-entries.create', { type: 'timeline_comment', object: chat.id, body, ...extra });
  expect(response.status).toBe(201);
  return response.body.timeline_entry;
}

const messages = (client: SseClient) => client.events.filter((event) => event.event === 'timeline_entry_created');

describe('events.stream', () => {
  it('delivers a message to the other member within a bound, and to no one outside the chat', async () => {
    const ada = await t.given.org();
    const bob = await t.given.user(ada);
    const eve = await t.given.user(ada);
    const mallory = await t.given.org();
    const [bobStream, eveStream, malloryStream] = await Promise.all([stream(bob), stream(eve), stream(mallory)]);
    const chat = await chatOf(ada, [bob]);
    // Warm up (the first response pays for compiling the contract's validators), then measure.
    await post(ada, chat, 'warm-up');
    await bobStream.until(() => messages(bobStream).length === 1, 5000);
    bobStream.events.length = 0;

    const started = Date.now();
    const entry = await post(ada, chat, 'hello bob');
    await bobStream.until(() => messages(bobStream).length === 1, 2000);
    const latency = Date.now() - started;

    const [event] = messages(bobStream);
    expect(event!.id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(event!.data.type).toBe('timeline_entry_created');
    expect(event!.data.timeline_entry_created.entry).toEqual(entry);
    assertMatchesSchema('event-timeline-entry-created', event!.data.timeline_entry_created);
    console.log(`stream latency, write acknowledged → event received: ${latency} ms`);
    expect(latency).toBeLessThan(1000);

    // Give the others every chance to receive what they must not.
    await post(ada, chat, 'still only for bob');
    await bobStream.until(() => messages(bobStream).length === 2, 2000);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(eveStream.events).toEqual([]);
    expect(malloryStream.events).toEqual([]);
  });

  it('tells the members of a new chat about it with chat_created, and of changes with chat_updated', async () => {
    const ada = await t.given.org();
    const bob = await t.given.user(ada);
    const bobStream = await stream(bob);
    const chat = await chatOf(ada, [bob]);
    await t.as(ada).post('/chats.update', { id: chat.id, title: 'Plans' });
    await bobStream.until(() => bobStream.events.length === 2);
    expect(bobStream.events.map((event) => event.event)).toEqual(['chat_created', 'chat_updated']);
    expect(bobStream.events[0]!.data.chat_created.chat).toEqual(chat);
    expect(bobStream.events[1]!.data.chat_updated.chat.title).toBe('Plans');
  });

  it('reaches members through the chat’s groups, and stops when they leave the chat', async () => {
    const ada = await t.given.org();
    const bob = await t.given.user(ada);
    const group = await t.given.group(ada, [bob]);
    const response = await t.as(ada).post('/chats.create', { type: 'dm', users: [ada.id], is_default: false, groups: [group.display_id] });
    expect(response.status).toBe(201);
    const chat = response.body.chat;
    const bobStream = await stream(bob);
    await post(ada, chat, 'via the group');
    await bobStream.until(() => messages(bobStream).length === 1);

    expect((await t.as(ada).post('/chats.update', { id: chat.id, groups: { set: [] } })).status).toBe(200);
    await post(ada, chat, 'after bob left');
    const eve = await t.given.user(ada);
    const check = await chatOf(ada, [bob, eve]);
    await post(ada, check, 'a later message bob does get');
    await bobStream.until(() => messages(bobStream).length === 2);
    expect(messages(bobStream).map((event) => event.data.timeline_entry_created.entry.body)).toEqual([
      'via the group',
      'a later message bob does get',
    ]);
  });

  it('sends updates and deletions of entries with their old versions', async () => {
    const ada = await t.given.org();
    const bob = await t.given.user(ada);
    const chat = await chatOf(ada, [bob]);
    const bobStream = await stream(bob);
    const entry = await post(ada, chat, 'first');
    expect((await t.as(ada).post('/timeline-entries.update', { type: 'timeline_comment', id: entry.id, body: 'second' })).status).toBe(200);
    expect((await t.as(ada).post('/timeline-entries.delete', { id: entry.id })).status).toBe(200);
    await bobStream.until(() => bobStream.events.length === 3);
    const [, updated, deleted] = bobStream.events;
    expect(updated!.event).toBe('timeline_entry_updated');
    expect(updated!.data.timeline_entry_updated.entry.body).toBe('second');
    expect(updated!.data.timeline_entry_updated.old_entry.body).toBe('first');
    assertMatchesSchema('event-timeline-entry-updated', updated!.data.timeline_entry_updated);
    expect(deleted!.event).toBe('timeline_entry_deleted');
    expect(deleted!.data.timeline_entry_deleted.id).toBe(entry.id);
    assertMatchesSchema('event-timeline-entry-deleted', deleted!.data.timeline_entry_deleted);
  });

  it('shows a private entry only to its author and private_to', async () => {
    const ada = await t.given.org();
    const bob = await t.given.user(ada);
    const cat = await t.given.user(ada);
    const chat = await chatOf(ada, [bob, cat]);
    const [bobStream, catStream] = await Promise.all([stream(bob), stream(cat)]);
    await post(ada, chat, 'for bob only', { private_to: [bob.id] });
    await post(ada, chat, 'for everyone');
    await catStream.until(() => messages(catStream).length === 1);
    await bobStream.until(() => messages(bobStream).length === 2);
    expect(messages(catStream)[0]!.data.timeline_entry_created.entry.body).toBe('for everyone');
  });

  it('resumes with Last-Event-ID: all 100 missed messages in order, then live ones', async () => {
    const ada = await t.given.org();
    const bob = await t.given.user(ada);
    const chat = await chatOf(ada, [bob]);
    const first = await stream(bob);
    await post(ada, chat, 'before');
    await first.until(() => messages(first).length === 1);
    const lastId = first.events.at(-1)!.id!;
    await first.close();

    for (let i = 0; i < 100; i++) await post(ada, chat, `missed ${i}`);
    const resumed = await stream(bob, { 'last-event-id': lastId });
    await resumed.until(() => messages(resumed).length === 100, 5000);
    await post(ada, chat, 'live');
    await resumed.until(() => messages(resumed).length === 101);

    const bodies = messages(resumed).map((event) => event.data.timeline_entry_created.entry.body);
    expect(bodies).toEqual([...Array.from({ length: 100 }, (_, i) => `missed ${i}`), 'live']);
    // Ids are opaque: order is the bodies' order above; each event comes once.
    const ids = resumed.events.map((event) => event.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('replays events stored in the first payload format (v1, no version), with their private audience', async () => {
    const ada = await t.given.org();
    const bob = await t.given.user(ada);
    const cat = await t.given.user(ada);
    const chat = await chatOf(ada, [bob, cat]);
    const watcher = await stream(ada);
    await post(ada, chat, 'just before');
    await post(ada, chat, 'for bob, stored as v1', { private_to: [bob.id] });
    await watcher.until(() => messages(watcher).length === 2);
    const justBefore = messages(watcher)[0]!.id!;
    const [row] = await t.executeBehindItsBack('SELECT id, payload FROM events WHERE org_id = ? ORDER BY id DESC LIMIT 1', [ada.org.id]);
    const eventId = Number(row!.id);
    const { v, privateTo, ...objects } = JSON.parse(String(row!.payload));
    expect(v).toBe(EVENT_PAYLOAD_VERSION);
    const v1 = { ...objects, audience: [ada.user.id, ...privateTo] };
    await t.executeBehindItsBack('UPDATE events SET payload = ? WHERE id = ?', [JSON.stringify(v1), eventId]);

    const [bobReplay, catReplay] = await Promise.all([
      stream(bob, { 'last-event-id': justBefore }),
      stream(cat, { 'last-event-id': justBefore }),
    ]);
    await bobReplay.until(() => messages(bobReplay).length === 1);
    expect(messages(bobReplay)[0]!.data.timeline_entry_created.entry.body).toBe('for bob, stored as v1');
    await post(ada, chat, 'for everyone');
    await catReplay.until(() => messages(catReplay).length === 1);
    expect(messages(catReplay)[0]!.data.timeline_entry_created.entry.body).toBe('for everyone');
  });

  it('resumes with the last_event_id query parameter too', async () => {
    const ada = await t.given.org();
    const bob = await t.given.user(ada);
    const chat = await chatOf(ada, [bob]);
    const first = await stream(bob);
    await post(ada, chat, 'one');
    await first.until(() => messages(first).length === 1);
    await first.close();
    await post(ada, chat, 'two');
    const resumed = await stream(bob, {}, `?last_event_id=${first.events.at(-1)!.id}`);
    await resumed.until(() => messages(resumed).length === 1);
    expect(messages(resumed)[0]!.data.timeline_entry_created.entry.body).toBe('two');
  });

  it('sends heartbeat comments while nothing happens', async () => {
    const ada = await t.given.org();
    const client = await stream(ada);
    await client.until(() => client.comments.filter((comment) => comment === 'heartbeat').length >= 2, 2000);
  });

  it('returns 401 unauthenticated without a valid token', async () => {
    const client = await SseClient.open(`${t.url}/events.stream`, { authorization: 'Bearer nope' });
    expect(client.status).toBe(401);
    expect(client.body.type).toBe('unauthenticated');
  });

  it('returns 400 invalid_field for a Last-Event-ID that is not an event id', async () => {
    const ada = await t.given.org();
    for (const value of ['abc', '-1', '1e3', '9'.repeat(40), '17']) {
      const client = await SseClient.open(`${t.url}/events.stream`, { authorization: `Bearer ${ada.token}`, 'last-event-id': value });
      expect(client.status).toBe(400);
      expect(client.body.type).toBe('invalid_field');
      expect(client.body.field_name).toBe('last_event_id');
    }
  });

  it('disconnects a consumer that stops reading instead of buffering for it', async () => {
    const ada = await t.given.org();
    const bob = await t.given.user(ada);
    const chat = await chatOf(ada, [bob]);
    const url = new URL(t.url);
    const socket = connect(Number(url.port), url.hostname);
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => {});
    socket.write(`GET /events.stream HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${bob.token}\r\n\r\n`);
    // Read the response head, then stop reading altogether.
    await new Promise<void>((resolve) => socket.once('data', () => resolve()));
    socket.pause();
    // Loopback sockets absorb megabytes in kernel buffers before the server's own buffer grows.
    const big = 'x'.repeat(60_000);
    let cut = false;
    void closed.then(() => (cut = true));
    let posted = 0;
    // A paused socket only notices the server hung up when it writes; so it writes a byte now and then.
    for (; posted < 1000 && !cut; posted++) {
      await post(ada, chat, big);
      socket.write('\r\n');
    }
    console.log(`slow consumer cut after ${posted} messages of 60 kB`);
    await Promise.race([closed, new Promise((_, reject) => setTimeout(() => reject(new Error('not disconnected')), 5000))]);
    expect(cut).toBe(true);
  }, 60_000);
});
