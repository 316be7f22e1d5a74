import { afterEach, describe, expect, it } from 'vitest';
import { useServer, type Person } from './helpers/server.js';
import { SseClient } from './helpers/sse.js';

const t = useServer({ realtime: { streamHeartbeatMs: 100, eventPollMs: 50, streamMaxBufferBytes: 64 * 1024 } });

const streams: SseClient[] = [];
afterEach(async () => {
  await Promise.all(streams.splice(0).map((client) => client.close()));
});

async function setup(): Promise<{ ada: Person; bob: Person; cy: Person; dm: any; entry: any }> {
  const ada = await t.given.org();
  const bob = await t.given.user(ada);
  const cy = await t.given.user(ada);
  const dm = (await t.as(ada).post('/chats.create', { type: 'dm', users: [ada.id, bob.id, cy.id], is_default: false })).body.chat;
  const entry = (await t.as(ada).post('/timeline-entries.create', { type: 'timeline_comment', object: dm.id, body: 'launch!' })).body
    .timeline_entry;
  return { ada, bob, cy, dm, entry };
}

async function react(person: Person, object: string, emoji: string, action: 'add' | 'remove' = 'add') {
  const response = await t.as(person).post('/reactions.update', { object, emoji, action });
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  expect(response.body).toEqual({});
}

async function reactionsSeenBy(person: Person, id: string) {
  const response = await t.as(person).get('/timeline-entries.get', { id });
  expect(response.status).toBe(200);
  return response.body.timeline_entry.reactions;
}

describe('reactions.update', () => {
  it('takes a short name or a code point, stores the code point, and shows each reader whether they reacted', async () => {
    const { ada, bob, cy, entry } = await setup();
    expect(await reactionsSeenBy(ada, entry.id)).toEqual([]);
    await react(ada, entry.id, 'joy');
    await react(bob, entry.display_id, '1F602');
    await react(bob, entry.id, ':+1:');
    await react(cy, entry.id, '1f44d-1f3fd');
    expect(await reactionsSeenBy(ada, entry.id)).toEqual([
      { emoji: '1f602', reacted: true, total_users: 2 },
      { emoji: '1f44d', reacted: false, total_users: 1 },
      { emoji: '1f44d-1f3fd', reacted: false, total_users: 1 },
    ]);
    expect(await reactionsSeenBy(bob, entry.id)).toEqual([
      { emoji: '1f602', reacted: true, total_users: 2 },
      { emoji: '1f44d', reacted: true, total_users: 1 },
      { emoji: '1f44d-1f3fd', reacted: false, total_users: 1 },
    ]);
    const listed = await t.as(cy).post('/timeline-entries.list', { object: entry.object });
    expect(listed.body.timeline_entries[0].reactions).toEqual([
      { emoji: '1f602', reacted: false, total_users: 2 },
      { emoji: '1f44d', reacted: false, total_users: 1 },
      { emoji: '1f44d-1f3fd', reacted: true, total_users: 1 },
    ]);
  });

  it('is a no-op to add twice or remove what is not there; removing the last reaction drops the emoji', async () => {
    const { ada, bob, entry } = await setup();
    await react(ada, entry.id, 'tada');
    const before = await t.snapshot();
    await react(ada, entry.id, 'tada');
    await react(bob, entry.id, 'tada', 'remove');
    await react(ada, entry.id, 'joy', 'remove');
    expect(await t.snapshot()).toBe(before);
    expect(await reactionsSeenBy(ada, entry.id)).toEqual([{ emoji: '1f389', reacted: true, total_users: 1 }]);
    await react(ada, entry.id, 'tada', 'remove');
    expect(await reactionsSeenBy(ada, entry.id)).toEqual([]);
  });

  it('sends timeline_entry_updated to the members, each told whether they reacted', async () => {
    const { ada, bob, entry } = await setup();
    const open = async (person: Person) => {
      const client = await SseClient.open(`${t.url}/events.stream`, { authorization: `Bearer ${person.token}` });
      streams.push(client);
      return client;
    };
    const adaStream = await open(ada);
    const bobStream = await open(bob);
    await react(bob, entry.id, 'heart');
    const updated = (client: SseClient) => client.events.find((event) => event.event === 'timeline_entry_updated');
    await adaStream.until(() => updated(adaStream) !== undefined);
    await bobStream.until(() => updated(bobStream) !== undefined);
    expect(updated(adaStream)!.data.timeline_entry_updated.entry.reactions).toEqual([{ emoji: '2764-fe0f', reacted: false, total_users: 1 }]);
    expect(updated(bobStream)!.data.timeline_entry_updated.entry.reactions).toEqual([{ emoji: '2764-fe0f', reacted: true, total_users: 1 }]);
    expect(updated(bobStream)!.data.timeline_entry_updated.old_entry.reactions).toEqual([]);
  });

  it('refuses an unknown emoji, an object that is not a comment, a deleted comment and a bad action with 400, changing nothing', async () => {
    const { ada, dm, entry } = await setup();
    const gone = (await t.as(ada).post('/timeline-entries.create', { type: 'timeline_comment', object: dm.id, body: 'oops' })).body
      .timeline_entry;
    await t.as(ada).post('/timeline-entries.delete', { id: gone.id });
    const before = await t.snapshot();
    const cases: [Record<string, unknown>, string, string][] = [
      [{ object: entry.id, emoji: 'not_an_emoji', action: 'add' }, 'invalid_field', 'emoji'],
      [{ object: entry.id, emoji: '1f60', action: 'add' }, 'invalid_field', 'emoji'],
      [{ object: entry.id, emoji: 'x'.repeat(101), action: 'add' }, 'invalid_field', 'emoji'],
      [{ object: dm.id, emoji: 'joy', action: 'add' }, 'unexpected_id_type', 'object'],
      [{ object: ada.id, emoji: 'joy', action: 'add' }, 'unexpected_id_type', 'object'],
      [{ object: gone.id, emoji: 'joy', action: 'add' }, 'value_not_permitted', 'object'],
      [{ object: entry.id, emoji: 'joy', action: 'toggle' }, 'invalid_enum_value', 'action'],
      [{ object: entry.id, emoji: 'joy' }, 'missing_required_field', 'action'],
    ];
    for (const [body, type, field] of cases) {
      const response = await t.as(ada).post('/reactions.update', body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body, JSON.stringify(body)).toMatchObject({ type, field_name: field });
    }
    expect(await t.snapshot()).toBe(before);
  });

  it("answers 404 for another organization's comment or one the caller may not see, 403 outside the chat", async () => {
    const { ada, bob, cy, dm, entry } = await setup();
    const eve = await t.given.org();
    const eveChat = (await t.as(eve).post('/chats.create', { type: 'dm', users: [eve.id] })).body.chat;
    const theirs = (await t.as(eve).post('/timeline-entries.create', { type: 'timeline_comment', object: eveChat.id, body: 'x' })).body
      .timeline_entry;
    const secret = (
      await t.as(ada).post('/timeline-entries.create', { type: 'timeline_comment', object: dm.id, body: 'psst', private_to: [bob.id] })
    ).body.timeline_entry;
    const outsider = await t.given.user(ada);
    const before = await t.snapshot();
    for (const path of ['/reactions.update', '/reactions.list']) {
      const body = { object: theirs.id, emoji: 'joy', action: 'add' };
      expect((await t.as(ada).post(path, body)).status, path).toBe(404);
      expect((await t.as(cy).post(path, { ...body, object: secret.id })).status, path).toBe(404);
      const forbidden = await t.as(outsider).post(path, { ...body, object: entry.id });
      expect(forbidden.status, path).toBe(403);
    }
    expect(await t.snapshot()).toBe(before);
  });
});

describe('reactions.list', () => {
  it('pages through who reacted with an emoji, in the order they reacted, over GET and POST', async () => {
    const { ada, bob, cy, entry } = await setup();
    await react(cy, entry.id, '+1');
    await react(ada, entry.id, '+1');
    await react(bob, entry.id, 'thumbsup');
    await react(bob, entry.id, 'joy');

    const first = await t.as(ada).post('/reactions.list', { object: entry.id, emoji: '1f44d', limit: 2 });
    expect(first.status).toBe(200);
    expect(first.body.reactors.map((user: any) => user.id)).toEqual([cy.id, ada.id]);
    expect(first.body.reactors[0]).toMatchObject({ type: 'dev_user', display_id: cy.displayId });
    const second = await t.as(ada).get('/reactions.list', { object: entry.id, emoji: '+1', limit: '2', cursor: first.body.next_cursor });
    expect(second.status).toBe(200);
    expect(second.body).toEqual({ reactors: [expect.objectContaining({ id: bob.id })] });
    expect((await t.as(ada).get('/reactions.list', { object: entry.id, emoji: 'heart' })).body).toEqual({ reactors: [] });
  });

  it('refuses an unknown emoji, a limit out of range and a cursor of another emoji with 400', async () => {
    const { ada, bob, entry } = await setup();
    await react(ada, entry.id, 'joy');
    await react(bob, entry.id, 'joy');
    const cursor = (await t.as(ada).post('/reactions.list', { object: entry.id, emoji: 'joy', limit: 1 })).body.next_cursor;
    expect(cursor).toEqual(expect.any(String));
    const cases: [Record<string, unknown>, string][] = [
      [{ object: entry.id, emoji: 'nope' }, 'emoji'],
      [{ object: entry.id, emoji: 'joy', limit: 0 }, 'limit'],
      [{ object: entry.id, emoji: 'joy', limit: 101 }, 'limit'],
      [{ object: entry.id, emoji: 'tada', cursor }, 'cursor'],
    ];
    for (const [body, field] of cases) {
      const response = await t.as(ada).post('/reactions.list', body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body.field_name).toBe(field);
    }
  });
});
