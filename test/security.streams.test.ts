import { afterEach, describe, expect, it } from 'vitest';
import { useServer, type Person } from './helpers/server.js';
import { SseClient } from './helpers/sse.js';

// A long heartbeat: the streams below must end because of the event, not a quiet-time check.
const t = useServer({ realtime: { streamHeartbeatMs: 60_000, eventPollMs: 50, maxStreamsPerUser: 2 } });

const open: SseClient[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((client) => client.close()));
});

async function stream(token: string): Promise<SseClient> {
  const client = await SseClient.open(`${t.url}/events.stream`, { authorization: `Bearer ${token}` });
  expect(client.status).toBe(200);
  open.push(client);
  return client;
}

async function chatOf(owner: Person, others: Person[]): Promise<{ id: string }> {
  const response = await t.as(owner).post('/chats.create', { type: 'dm', users: [owner.id, ...others.map((p) => p.id)] });
  expect(response.status).toBe(201);
  return response.body.chat;
}

async function post(author: Person, chat: { id: string }, body: string): Promise<void> {
  const response = await t.as(author).post('/timeline-entries.create', { type: 'timeline_comment', object: chat.id, body });
  expect(response.status).toBe(201);
}

const bodies = (client: SseClient) =>
  client.events.filter((event) => event.event === 'timeline_entry_created').map((event) => event.data.timeline_entry_created.entry.body);

/** The stream ends with one `stream_closed` event naming why, and carries nothing after `before`. */
async function expectClosed(client: SseClient, reason: string, before: string[]): Promise<void> {
  await client.until(() => client.ended, 5000);
  expect(client.events.at(-1)).toEqual({ event: 'stream_closed', data: { type: 'stream_closed', stream_closed: { reason } } });
  expect(bodies(client)).toEqual(before);
}

describe('an open event stream ends with the access it was opened with', () => {
  it('when its token is deleted', async () => {
    const ada = await t.given.org();
    const bob = await t.given.user(ada);
    const chat = await chatOf(ada, [bob]);
    const bobStream = await stream(bob.token);
    await post(ada, chat, 'before');
    await bobStream.until(() => bodies(bobStream).length === 1);

    const deleted = await t.as(bob).post('/auth-tokens.delete', {});
    expect(deleted.status).toBe(200);
    await post(ada, chat, 'db password is hunter2');
    await expectClosed(bobStream, 'token_revoked', ['before']);
  });

  it('when its token expires', async () => {
    const ada = await t.given.org();
    const bob = await t.given.user(ada);
    const chat = await chatOf(ada, [bob]);
    const created = await t.as(bob).post('/auth-tokens.create', { requested_token_type: 'urn:devrev:params:oauth:token-type:pat', expires_in: 2 });
    expect(created.status).toBe(201);
    const bobStream = await stream(created.body.access_token);
    await post(ada, chat, 'before');
    await bobStream.until(() => bodies(bobStream).length === 1);

    await new Promise((resolve) => setTimeout(resolve, 2100));
    await post(ada, chat, 'after expiry');
    await expectClosed(bobStream, 'token_expired', ['before']);
  });

  it('when its user is deactivated', async () => {
    const ada = await t.given.org();
    const bob = await t.given.user(ada);
    const chat = await chatOf(ada, [bob]);
    const bobStream = await stream(bob.token);
    await post(ada, chat, 'before');
    await bobStream.until(() => bodies(bobStream).length === 1);

    const deactivated = await t.as(ada).post('/dev-users.deactivate', { id: bob.id });
    expect(deactivated.status).toBe(200);
    await post(ada, chat, 'after deactivation');
    await expectClosed(bobStream, 'user_deactivated', ['before']);
  });

  it('but leaving a chat only stops that chat’s events', async () => {
    const ada = await t.given.org();
    const bob = await t.given.user(ada);
    const cid = await t.given.user(ada);
    const left = await chatOf(ada, [bob, cid]);
    const kept = await chatOf(ada, [bob]);
    const bobStream = await stream(bob.token);
    await post(ada, left, 'before');
    await bobStream.until(() => bodies(bobStream).length === 1);

    const updated = await t.as(ada).post('/chats.update', { id: left.id, users: { set: [ada.id, cid.id] } });
    expect(updated.status).toBe(200);
    await post(ada, left, 'after bob left');
    await post(ada, kept, 'in the chat bob kept');
    await bobStream.until(() => bodies(bobStream).length === 2);
    expect(bodies(bobStream)).toEqual(['before', 'in the chat bob kept']);
    expect(bobStream.ended).toBe(false);
  });
});

describe('event streams per user', () => {
  it('refuses a user more than MAX_STREAMS_PER_USER at once, whichever of their tokens opens it, with 429', async () => {
    const ada = await t.given.org();
    const tokens = [ada.token];
    for (let i = 0; i < 2; i++) {
      const created = await t.as(ada).post('/auth-tokens.create', { requested_token_type: 'urn:devrev:params:oauth:token-type:pat' });
      expect(created.status).toBe(201);
      tokens.push(created.body.access_token);
    }
    const first = await stream(tokens[0]!);
    await stream(tokens[1]!);

    const third = await SseClient.open(`${t.url}/events.stream`, { authorization: `Bearer ${tokens[2]}` });
    expect(third.status).toBe(429);
    expect(third.body).toEqual({
      type: 'too_many_requests',
      message: 'this user already holds 2 open event streams; close one first',
      retry_after: 5,
    });
    // Another user of the same organization is not held back by ada's streams.
    await stream((await t.given.user(ada)).token);

    await first.close();
    await new Promise((resolve) => setTimeout(resolve, 100));
    await stream(tokens[2]!);
  });
});
/** Ephemeral events, after the grant has ended: each one alone must end the stream, not reach it. */
const causes = {
  /** Ada types in the chat. */
  typing: async (world: World) => {
    expect((await t.as(world.ada).post('/chats.typing', { id: world.chat.id })).status).toBe(200);
  },
  /** Cid's first stream makes cid online: an announcement to everyone who shares a chat with cid. */
  presence: async (world: World) => {
    await stream(world.cid.token);
  },
};

interface World {
  ada: Person;
  bob: Person;
  cid: Person;
  chat: { id: string };
}

/** Ada, bob (who holds the stream under test) and cid, sharing a chat. */
async function sharedChat(): Promise<World> {
  const ada = await t.given.org();
  const bob = await t.given.user(ada);
  const cid = await t.given.user(ada);
  return { ada, bob, cid, chat: await chatOf(ada, [bob, cid]) };
}

const ephemeral = (client: SseClient) => client.events.filter((event) => event.event === 'typing' || event.event === 'presence_changed');

/** Bob's stream, shown to hear typing (cid's: typing is throttled per typist, and ada types later). */
async function listening(world: World, token: string): Promise<SseClient> {
  const bobStream = await stream(token);
  expect((await t.as(world.cid).post('/chats.typing', { id: world.chat.id })).status).toBe(200);
  await bobStream.until(() => ephemeral(bobStream).length === 1);
  bobStream.events.length = 0;
  return bobStream;
}

for (const [cause, happen] of Object.entries(causes)) {
  describe(`an open event stream hears no ${cause} once its access ends, and closes`, () => {
    async function expectNothingMore(world: World, bobStream: SseClient, reason: string): Promise<void> {
      await happen(world);
      await bobStream.until(() => bobStream.ended, 5000);
      expect(ephemeral(bobStream)).toEqual([]);
      expect(bobStream.events).toEqual([{ event: 'stream_closed', data: { type: 'stream_closed', stream_closed: { reason } } }]);
    }

    it('when its token is deleted', async () => {
      const world = await sharedChat();
      const bobStream = await listening(world, world.bob.token);
      expect((await t.as(world.bob).post('/auth-tokens.delete', {})).status).toBe(200);
      await expectNothingMore(world, bobStream, 'token_revoked');
    });

    it('when its token expires', async () => {
      const world = await sharedChat();
      const created = await t.as(world.bob).post('/auth-tokens.create', { requested_token_type: 'urn:devrev:params:oauth:token-type:pat', expires_in: 2 });
      expect(created.status).toBe(201);
      const bobStream = await listening(world, created.body.access_token);
      await new Promise((resolve) => setTimeout(resolve, 2100));
      await expectNothingMore(world, bobStream, 'token_expired');
    });

    it('when its user is deactivated', async () => {
      const world = await sharedChat();
      const bobStream = await listening(world, world.bob.token);
      expect((await t.as(world.ada).post('/dev-users.deactivate', { id: world.bob.id })).status).toBe(200);
      await expectNothingMore(world, bobStream, 'user_deactivated');
    });
  });
}
