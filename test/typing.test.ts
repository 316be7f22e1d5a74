import { describe, expect, it } from 'vitest';
import { useServer, type Person } from './helpers/server.js';
import { SseClient, streamOpener } from './helpers/sse.js';

const t = useServer({ realtime: { streamHeartbeatMs: 100, eventPollMs: 50, streamMaxBufferBytes: 64 * 1024 } });

const open = streamOpener(t);

const typing = (client: SseClient) => client.events.filter((event) => event.event === 'typing');

describe('chats.typing', () => {
  it("tells the chat's other members' streams, once per 2 s, and not the typist's own or outsiders'", async () => {
    const ada = await t.given.org();
    const bob = await t.given.user(ada);
    const outsider = await t.given.user(ada);
    const dm = (await t.as(ada).post('/chats.create', { type: 'dm', users: [ada.id, bob.id], is_default: false })).body.chat;
    const [adaStream, bobStream, outsiderStream] = [await open(ada), await open(bob), await open(outsider)];

    const response = await t.as(ada).post('/chats.typing', { id: dm.id });
    expect(response).toMatchObject({ status: 200, body: {} });
    await bobStream.until(() => typing(bobStream).length === 1);
    const [event] = typing(bobStream);
    expect(event!.id).toBeUndefined();
    expect(event!.data).toMatchObject({ type: 'typing', typing: { chat: dm.id, user: expect.objectContaining({ id: ada.id }) } });
    const expiresIn = Date.parse(event!.data.typing.expires_at) - Date.now();
    expect(expiresIn).toBeGreaterThan(0);
    expect(expiresIn).toBeLessThanOrEqual(6_000);

    // Again at once: accepted, and nothing new is sent. A message after it shows the stream moved on.
    expect((await t.as(ada).post('/chats.typing', { id: dm.display_id })).status).toBe(200);
    await t.as(ada).post('/timeline-entries.create', { type: 'timeline_comment', object: dm.id, body: 'hi' });
    await bobStream.until(() => bobStream.events.some((candidate) => candidate.event === 'timeline_entry_created'));
    expect(typing(bobStream)).toHaveLength(1);
    expect(typing(adaStream)).toHaveLength(0);
    expect(typing(outsiderStream)).toHaveLength(0);
  });

  it("answers 403 outside the chat, 404 for another organization's chat, 400 for a bad id", async () => {
    const ada = await t.given.org();
    const outsider = await t.given.user(ada);
    const dm = (await t.as(ada).post('/chats.create', { type: 'dm', users: [ada.id], is_default: false })).body.chat;
    const eve = await t.given.org();
    expect((await t.as(outsider).post('/chats.typing', { id: dm.id })).status).toBe(403);
    expect((await t.as(eve).post('/chats.typing', { id: dm.id })).status).toBe(404);
    const bad = await t.as(ada).post('/chats.typing', { id: ada.id });
    expect(bad.status).toBe(400);
    expect(bad.body.field_name).toBe('id');
  });
});
