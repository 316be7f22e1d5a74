import { afterEach, describe, expect, it } from 'vitest';
import { useServer, type Person } from './helpers/server.js';
import { SseClient } from './helpers/sse.js';

const t = useServer({ realtime: { streamHeartbeatMs: 60_000, eventPollMs: 50 } });

const open: SseClient[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((client) => client.close()));
});

/** Everything a stream resuming from the start of the outbox replays, as one string. */
async function replay(person: Person, until: (client: SseClient) => boolean): Promise<string> {
  const client = await SseClient.open(`${t.url}/events.stream`, { authorization: `Bearer ${person.token}`, 'last-event-id': '0' });
  open.push(client);
  await client.until(() => until(client));
  return JSON.stringify(client.events);
}

async function post(author: Person, chat: string, body: string, extra: Record<string, unknown> = {}): Promise<string> {
  const response = await t.as(author).post('/timeline-entries.create', { type: 'timeline_comment', object: chat, body, ...extra });
  expect(response.status).toBe(201);
  return response.body.timeline_entry.id;
}

const hasEvent = (type: string, body?: string) => (client: SseClient) =>
  client.events.some((event) => event.event === type && (body === undefined || JSON.stringify(event.data).includes(body)));

describe('replay applies today’s visibility', () => {
  it('brings back nothing of a deleted message, nor of its earlier versions, to members old and new', async () => {
    const ada = await t.given.org();
    const bob = await t.given.user(ada);
    const cid = await t.given.user(ada);
    const chat = (await t.as(ada).post('/chats.create', { type: 'dm', users: [ada.id, bob.id] })).body.chat.id;
    const id = await post(ada, chat, 'the db password is hunter2');
    expect((await t.as(ada).post('/timeline-entries.update', { type: 'timeline_comment', id, body: 'the db password is hunter3' })).status).toBe(200);
    expect((await t.as(ada).post('/timeline-entries.delete', { id })).status).toBe(200);
    expect((await t.as(ada).post('/chats.update', { id: chat, users: { set: [ada.id, bob.id, cid.id] } })).status).toBe(200);
    await post(ada, chat, 'marker');

    // Bob was there: he hears that a message was deleted, and nothing of what it said.
    const bobs = await replay(bob, hasEvent('timeline_entry_created', 'marker'));
    expect(bobs).toContain('timeline_entry_deleted');
    expect(bobs).not.toContain('hunter');
    // Cid joined after it all: his replay starts when he joined.
    const cids = await replay(cid, hasEvent('timeline_entry_created', 'marker'));
    expect(cids).not.toContain('hunter');
    expect(cids).not.toContain('timeline_entry_deleted');
    // Nor does a webhook registered later learn it from the outbox: the timeline agrees.
    const listed = await t.as(bob).post('/timeline-entries.list', { object: chat });
    expect(JSON.stringify(listed.body)).not.toContain('hunter');
  });

  it('replays an edit without the body of the version it replaced', async () => {
    const ada = await t.given.org();
    const bob = await t.given.user(ada);
    const chat = (await t.as(ada).post('/chats.create', { type: 'dm', users: [ada.id] })).body.chat.id;
    const id = await post(ada, chat, 'first draft: layoffs on friday');
    expect((await t.as(ada).post('/timeline-entries.update', { type: 'timeline_comment', id, body: 'team lunch on friday' })).status).toBe(200);
    // A member who was there when it was edited hears of the edit, without the old words.
    const replayed = await replay(ada, hasEvent('timeline_entry_updated'));
    expect(replayed).toContain('team lunch on friday');
    expect(replayed).not.toContain('layoffs');
    // Bob joins after the edit: the timeline shows him the current text, and replay nothing
    // from before he joined.
    expect((await t.as(ada).post('/chats.update', { id: chat, users: { set: [ada.id, bob.id] } })).status).toBe(200);
    await post(ada, chat, 'welcome bob');
    const bobs = await replay(bob, hasEvent('timeline_entry_created', 'welcome bob'));
    expect(bobs).not.toContain('layoffs');
    expect(bobs).not.toContain('timeline_entry_updated');
    const listed = await t.as(bob).post('/timeline-entries.list', { object: chat });
    expect(listed.body.timeline_entries.map((entry: { body: string }) => entry.body)).toEqual(['welcome bob', 'team lunch on friday']);
  });

  it('replays nothing from before the reader joined, whether directly or through a group', async () => {
    const ada = await t.given.org();
    const bob = await t.given.user(ada);
    const cy = await t.given.user(ada);
    const chat = (await t.as(ada).post('/chats.create', { type: 'dm', users: [ada.id], is_default: false })).body.chat.id;
    await post(ada, chat, 'before anyone else');
    // Cy's group is put in the chat first, and Cy added to the group later: Cy joined then.
    const group = await t.given.group(ada, [], 'later-joiners');
    expect((await t.as(ada).post('/chats.update', { id: chat, users: { set: [ada.id, bob.id] }, groups: { set: [group.id] } })).status).toBe(200);
    await post(ada, chat, 'bob is here');
    expect((await t.as(ada).post('/groups.members.add', { group: group.id, member: cy.id })).status).toBe(200);
    await post(ada, chat, 'cy is here');

    const bobs = await replay(bob, hasEvent('timeline_entry_created', 'cy is here'));
    expect(bobs).not.toContain('before anyone else');
    expect(bobs).toContain('bob is here');
    const cys = await replay(cy, hasEvent('timeline_entry_created', 'cy is here'));
    expect(cys).not.toContain('before anyone else');
    expect(cys).not.toContain('bob is here');
    // Ada made the chat: she hears all of it, its creation first.
    const adas = await replay(ada, hasEvent('timeline_entry_created', 'cy is here'));
    expect(adas).toContain('chat_created');
    expect(adas).toContain('before anyone else');
  });

  it('brings back nothing of an expired message, before or after the sweeper has been', async () => {
    const ada = await t.given.org();
    const bob = await t.given.user(ada);
    const chat = (await t.as(ada).post('/chats.create', { type: 'dm', users: [ada.id, bob.id] })).body.chat.id;
    await post(ada, chat, 'ephemeral secret', { expires_at: new Date(Date.now() + 1500).toISOString(), external_ref: 'eph-1' });
    await new Promise((resolve) => setTimeout(resolve, 1600));
    await post(ada, chat, 'marker');
    expect(await replay(bob, hasEvent('timeline_entry_created', 'marker'))).not.toContain('ephemeral secret');

    // Reusing the expired entry's external_ref purges it at once, as the sweeper would;
    // afterwards the stored events hold no body either.
    await post(ada, chat, 'the ref again', { external_ref: 'eph-1' });
    const rows = await t.executeBehindItsBack("SELECT payload FROM events WHERE type = 'timeline_entry_created'");
    expect(rows.length).toBeGreaterThan(0);
    expect(JSON.stringify(rows)).not.toContain('ephemeral secret');
  });
});
