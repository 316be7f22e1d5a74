/**
 * The typed client's event-stream reader (src/client/event-stream.ts) over real HTTP:
 * what the web console uses to stay live, since a browser's EventSource cannot send the
 * Authorization header.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfabApiError, ConfabClient, EventStreamReader, isEventOf, readFrames, type AnyStreamEvent, type StreamEvent, type StreamStatus } from '../src/client/index.js';
import { startConfab, type ConfabProcess } from './helpers/confab-process.js';

type Seen = AnyStreamEvent;

/** Reads a stream in the background and lets a test wait for what it has collected. */
function collect(reader: EventStreamReader) {
  const events: Seen[] = [];
  const statuses: StreamStatus[] = [];
  let failure: unknown;
  const done = (async () => {
    try {
      for await (const event of reader) events.push(event);
    } catch (error) {
      failure = error;
    }
  })();
  return {
    events,
    statuses,
    done,
    failure: () => failure,
    async until(check: () => boolean, ms = 15_000) {
      const deadline = Date.now() + ms;
      while (!check()) {
        if (failure) throw failure;
        if (Date.now() > deadline) throw new Error(`timed out; saw ${JSON.stringify(events.map((e) => e.type))}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
  };
}

const bodies = (events: Seen[]) =>
  events.filter((event) => event.type === 'timeline_entry_created').map((event) => (event as Extract<StreamEvent, { type: 'timeline_entry_created' }>).data.entry.body);

describe('EventStreamReader', () => {
  let confab: ConfabProcess;
  let client: ConfabClient;
  let chatId: string;

  beforeAll(async () => {
    confab = await startConfab();
    client = new ConfabClient({ baseUrl: confab.url, token: confab.adminToken });
    const self = await client.devUsers.self();
    chatId = (await client.chats.create({ type: 'dm', users: [self.dev_user.id], is_default: false })).chat.id;
  });
  afterAll(() => confab?.dispose());

  const post = (body: string) => client.call('timeline-entries.create', { type: 'timeline_comment', object: chatId, body });

  it('yields typed events, sending the token in the Authorization header', async () => {
    const statuses: StreamStatus[] = [];
    const reader = new EventStreamReader({ baseUrl: confab.url, token: confab.adminToken, onStatus: (status) => statuses.push(status) });
    const seen = collect(reader);
    await seen.until(() => statuses.includes('open'));
    await post('hello over fetch');
    await seen.until(() => bodies(seen.events).includes('hello over fetch'));
    const event = seen.events.find((e) => e.type === 'timeline_entry_created') as Extract<StreamEvent, { type: 'timeline_entry_created' }>;
    expect(event.data.entry.object).toBe(chatId);
    expect(event.envelope.type).toBe('timeline_entry_created');
    expect(event.streamId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(reader.lastEventId).toBe(event.streamId);
    reader.close();
    await seen.done;
    expect(statuses).toEqual(['connecting', 'open', 'closed']);
  });

  it('surfaces presence_changed, typed and without a stream id, and the client asks presence.list', async () => {
    const self = (await client.devUsers.self()).dev_user;
    const { dev_user: bob } = await client.call('dev-users.create', { email: 'bob.presence@example.com', display_name: 'Bob', state: 'active' });
    const { access_token: bobToken } = await client.call('auth-tokens.create', { requested_token_type: 'urn:devrev:params:oauth:token-type:pat', act_as: bob.id });
    await client.chats.create({ type: 'dm', users: [self.id, bob.id], is_default: false });
    expect((await client.presence.list({ users: [bob.id] })).presence).toEqual([{ user: expect.objectContaining({ id: bob.id }), state: 'offline' }]);

    const statuses: StreamStatus[] = [];
    const reader = new EventStreamReader({ baseUrl: confab.url, token: confab.adminToken, onStatus: (status) => statuses.push(status) });
    const seen = collect(reader);
    await seen.until(() => statuses.includes('open'));
    const bobs = new EventStreamReader({ baseUrl: confab.url, token: bobToken! });
    const bobSeen = collect(bobs);
    await seen.until(() => seen.events.some((event) => isEventOf(event, 'presence_changed') && event.data.user.id === bob.id));
    const event = seen.events.find((candidate) => candidate.type === 'presence_changed')!;
    if (!isEventOf(event, 'presence_changed')) throw new Error('not narrowed');
    expect(event.data).toEqual({ user: expect.objectContaining({ id: bob.id, display_name: 'Bob' }), state: 'online' });
    expect(event.streamId).toBeUndefined();
    expect(reader.lastEventId).toBeUndefined();
    const { presence } = await client.presence.list({ users: [bob.id, self.id] });
    expect(presence.map((item) => item.state)).toEqual(['online', 'online']);
    bobs.close();
    reader.close();
    await Promise.all([seen.done, bobSeen.done]);
  });

  it('throws the DevRev error of a rejected token, and does not retry it', async () => {
    const reader = new EventStreamReader({ baseUrl: confab.url, token: 'cfb_not_a_real_token' });
    const seen = collect(reader);
    await seen.done;
    const failure = seen.failure() as ConfabApiError;
    expect(failure).toBeInstanceOf(ConfabApiError);
    expect(failure.status).toBe(401);
    expect(failure.type).toBe('unauthenticated');
  });

  it('after a server restart resumes with Last-Event-ID: every message written meanwhile once, none twice', async () => {
    const statuses: StreamStatus[] = [];
    const reader = new EventStreamReader({ baseUrl: confab.url, token: confab.adminToken, retryMs: 100, maxRetryMs: 400, onStatus: (s) => statuses.push(s) });
    const seen = collect(reader);
    await seen.until(() => statuses.includes('open'));
    await post('before the restart');
    await seen.until(() => bodies(seen.events).includes('before the restart'));

    await confab.stop();
    await seen.until(() => statuses.at(-1) === 'reconnecting');
    await confab.start();
    // Written before the reader gets back: it must come from the replay, exactly once.
    await post('while it was away');
    await post('after the restart');
    await seen.until(() => bodies(seen.events).includes('after the restart'));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(bodies(seen.events)).toEqual(['before the restart', 'while it was away', 'after the restart']);
    const ids = seen.events.map((event) => event.streamId);
    expect(new Set(ids).size).toBe(ids.length);
    reader.close();
    await seen.done;
  });

  it('starts after a given Last-Event-ID: the events after it, in order', async () => {
    const start = new EventStreamReader({ baseUrl: confab.url, token: confab.adminToken });
    const first = collect(start);
    await post('mark');
    await first.until(() => bodies(first.events).includes('mark'));
    const mark = first.events.at(-1)!.streamId;
    start.close();
    await post('missed one');
    await post('missed two');
    const resumed = collect(new EventStreamReader({ baseUrl: confab.url, token: confab.adminToken, lastEventId: mark }));
    await resumed.until(() => bodies(resumed.events).length >= 2);
    expect(bodies(resumed.events)).toEqual(['missed one', 'missed two']);
  });
});

describe('readFrames', () => {
  const framesOf = async (...chunks: string[]) => {
    const encoder = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
        controller.close();
      },
    });
    const frames = [];
    for await (const frame of readFrames(body)) frames.push(frame);
    return frames;
  };

  it('parses fields split across chunks, CRLF and CR line ends, comments and multi-line data', async () => {
    const frames = await framesOf(': connected\n\n', 'id: 7\r\nevent: a\r\nda', 'ta: {"x":\r\ndata: 1}\r\n\r\n', 'id: 8\revent: b\rdata: two\r\r');
    expect(frames).toEqual([
      { id: '7', event: 'a', data: '{"x":\n1}' },
      { id: '8', event: 'b', data: 'two' },
    ]);
  });

  it('drops a frame with no data, but passes on a retry field', async () => {
    expect(await framesOf('event: nothing\n\nretry: 2500\n\nid: 3\ndata:x\n\n')).toEqual([
      { event: '', data: '', retry: 2500 },
      { id: '3', event: '', data: 'x' },
    ]);
  });
});
