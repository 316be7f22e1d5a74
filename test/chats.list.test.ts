import { afterEach, describe, expect, it } from 'vitest';
import { formatDon } from '../src/domain/ids.js';
import { assertMatchesSchema } from './helpers/contract.js';
import { useServer, type Person } from './helpers/server.js';
import { SseClient } from './helpers/sse.js';

const t = useServer({ realtime: { streamHeartbeatMs: 100, eventPollMs: 50, streamMaxBufferBytes: 64 * 1024 } });

const streams: SseClient[] = [];
afterEach(async () => {
  await Promise.all(streams.splice(0).map((client) => client.close()));
});

async function chat(owner: Person, others: Person[] = [], extra: Record<string, unknown> = {}): Promise<any> {
  const response = await t.as(owner).post('/chats.create', {
    type: 'dm',
    users: [owner.id, ...others.map((person) => person.id)],
    is_default: false,
    ...extra,
  });
  expect(response.status).toBe(201);
  return response.body.chat;
}

async function post(author: Person, target: { id: string }, body: string, extra: Record<string, unknown> = {}): Promise<any> {
  const response = await t.as(author).post('/timeline-entries.create', { type: 'timeline_comment', object: target.id, body, ...extra });
  expect(response.status).toBe(201);
  return response.body.timeline_entry;
}

async function list(person: Person, body: Record<string, unknown> = {}): Promise<any> {
  const response = await t.as(person).post('/chats.list', body);
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  // chats.list is Confab's, but what it carries is DevRev's own chat and timeline entry.
  for (const item of response.body.chats) {
    assertMatchesSchema('chat', item.chat);
    if (item.last_entry) assertMatchesSchema('timeline-entry', item.last_entry);
  }
  return response.body;
}

const ids = (page: any): string[] => page.chats.map((item: any) => item.chat.id);

async function groupOf(admin: Person, members: Person[]): Promise<string> {
  const group = (await t.as(admin).post('/groups.create', { name: `team-${Math.random()}`, description: 'team' })).body.group;
  for (const member of members) expect((await t.as(admin).post('/groups.members.add', { group: group.id, member: member.id })).status).toBe(200);
  return group.id;
}

describe('chats.list', () => {
  it("lists the caller's chats, through groups too, newest activity first, and no one else's", async () => {
    const ada = await t.given.org();
    const bob = await t.given.user(ada);
    const cy = await t.given.user(ada);
    const first = await chat(ada, [bob]);
    const second = await chat(ada, [cy]);
    const team = await groupOf(ada, [bob]);
    const viaGroup = await chat(cy, [], { groups: [team] });

    expect(ids(await list(ada))).toEqual([second.id, first.id]);
    expect(ids(await list(bob))).toEqual([viaGroup.id, first.id]);
    // A message moves its chat to the top for every member.
    await post(ada, first, 'hello');
    expect(ids(await list(ada))).toEqual([first.id, second.id]);
    expect(ids(await list(bob))).toEqual([first.id, viaGroup.id]);
    await post(cy, viaGroup, 'team news');
    expect(ids(await list(bob))).toEqual([viaGroup.id, first.id]);

    const outsider = await t.given.user(ada);
    expect(await list(outsider)).toEqual({ chats: [] });
  });

  it('answers GET with the same fields as query parameters, and carries unread_count and last_entry', async () => {
    const ada = await t.given.org();
    const bob = await t.given.user(ada);
    const dm = await chat(ada, [bob]);
    const empty = await chat(ada, []);
    const hello = await post(bob, dm, 'hello');
    const response = await t.as(ada).get('/chats.list', { limit: '5' });
    expect(response.status).toBe(200);
    expect(response.body.chats).toEqual([
      { chat: expect.objectContaining({ id: dm.id, display_id: dm.display_id }), unread_count: 1, unread_thread_count: 0, last_entry: hello },
      { chat: expect.objectContaining({ id: empty.id }), unread_count: 0, unread_thread_count: 0 },
    ]);
  });

  it('pages with signed cursors both ways, each chat once', async () => {
    const ada = await t.given.org();
    const made: string[] = [];
    for (let i = 0; i < 7; i++) made.unshift((await chat(ada, [], { title: `chat ${i}` })).id);

    const seen: string[] = [];
    let page = await list(ada, { limit: 3 });
    expect(page.prev_cursor).toBeUndefined();
    seen.push(...ids(page));
    const pages = [page];
    while (page.next_cursor) {
      page = await list(ada, { limit: 3, cursor: page.next_cursor });
      pages.push(page);
      seen.push(...ids(page));
    }
    expect(seen).toEqual(made);
    expect(pages.map((p) => p.chats.length)).toEqual([3, 3, 1]);
    // Back from the last page: the cursor remembers its direction, and mode: before says it too.
    const back = await list(ada, { limit: 3, cursor: pages[2].prev_cursor });
    expect(ids(back)).toEqual(made.slice(3, 6));
    expect(ids(await list(ada, { limit: 3, cursor: pages[2].prev_cursor, mode: 'before' }))).toEqual(made.slice(3, 6));
    expect(ids(await list(ada, { limit: 3, cursor: back.prev_cursor }))).toEqual(made.slice(0, 3));
  });

  it('filters by users (chats containing all of them), by is_default and by type', async () => {
    const ada = await t.given.org();
    const bob = await t.given.user(ada);
    const cy = await t.given.user(ada);
    const withBob = await chat(ada, [bob]);
    const withBoth = await chat(ada, [bob, cy]);
    const defaultDm = (await t.as(ada).post('/chats.create', { type: 'dm', users: [ada.id, cy.id] })).body.chat;

    expect(ids(await list(ada, { users: [bob.id] }))).toEqual([withBoth.id, withBob.id]);
    expect(ids(await list(ada, { users: [bob.displayId, cy.id] }))).toEqual([withBoth.id]);
    expect(ids(await list(ada, { is_default: true }))).toEqual([defaultDm.id]);
    expect(ids(await list(ada, { is_default: false, users: [cy.id] }))).toEqual([withBoth.id]);
    expect(ids(await list(ada, { type: ['dm'] }))).toEqual([defaultDm.id, withBoth.id, withBob.id]);
    const viaGet = await t.as(ada).get('/chats.list', { users: `${bob.id},${cy.id}`, is_default: 'false' });
    expect(ids(viaGet.body)).toEqual([withBoth.id]);
  });

  it('refuses a limit out of range, a forged cursor and another user\'s cursor with 400 on the field', async () => {
    const ada = await t.given.org();
    const bob = await t.given.user(ada);
    await chat(ada, [bob]);
    await chat(ada, [bob]);
    const cursor = (await list(ada, { limit: 1 })).next_cursor;
    const cases: [Record<string, unknown>, string][] = [
      [{ limit: 0 }, 'limit'],
      [{ limit: 101 }, 'limit'],
      [{ cursor: 'v1.abc.def' }, 'cursor'],
      [{ cursor: cursor.slice(0, -2) + 'xx' }, 'cursor'],
      [{ mode: 'sideways' }, 'mode'],
      [{ type: ['ticket'] }, 'type[0]'],
    ];
    for (const [body, field] of cases) {
      const response = await t.as(ada).post('/chats.list', body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body.field_name).toBe(field);
    }
    const foreign = await t.as(bob).post('/chats.list', { cursor });
    expect(foreign.status).toBe(400);
    expect(foreign.body).toMatchObject({ type: 'invalid_field', field_name: 'cursor' });
  });

  it("answers 404 for another organization's user in the users filter", async () => {
    const ada = await t.given.org();
    const eve = await t.given.org();
    const response = await t.as(ada).post('/chats.list', { users: [eve.id] });
    expect(response.status).toBe(404);
    expect(response.body.type).toBe('not_found');
  });

  it('is marked as a Confab addition in /openapi.json', async () => {
    const doc = await (await fetch(`${t.url}/openapi.json`)).json();
    for (const path of ['/chats.list', '/chats.mark-read', '/chats.mark-unread']) {
      expect(doc.paths[path].post['x-confab-addition'], path).toBe(true);
    }
    expect(doc.paths['/chats.list'].get['x-confab-addition']).toBe(true);
    expect(doc.paths['/chats.get'].post['x-confab-addition']).toBeUndefined();
  });
});

describe('read state', () => {
  async function unread(person: Person, target: { id: string }): Promise<number> {
    const page = await list(person, { users: [person.id] });
    return page.chats.find((item: any) => item.chat.id === target.id).unread_count;
  }

  it("counts others' entries after the marker; mark-read moves it to the latest or to an entry; mark-unread moves it back", async () => {
    const ada = await t.given.org();
    const bob = await t.given.user(ada);
    const dm = await chat(ada, [bob]);
    const one = await post(bob, dm, 'one');
    await post(ada, dm, 'mine does not count');
    const two = await post(bob, dm, 'two');
    const three = await post(bob, dm, 'three');
    expect(await unread(ada, dm)).toBe(3);
    expect(await unread(bob, dm)).toBe(1);

    expect((await t.as(ada).post('/chats.mark-read', { id: dm.id, entry: two.id })).status).toBe(200);
    expect(await unread(ada, dm)).toBe(1);
    const read = await t.as(ada).post('/chats.mark-read', { id: dm.display_id });
    expect(read).toMatchObject({ status: 200, body: {} });
    expect(await unread(ada, dm)).toBe(0);
    // Bob's marker is his own.
    expect(await unread(bob, dm)).toBe(1);

    expect((await t.as(ada).post('/chats.mark-unread', { id: dm.id, entry: two.display_id })).status).toBe(200);
    expect(await unread(ada, dm)).toBe(2);
    expect((await t.as(ada).post('/chats.mark-unread', { id: dm.id, entry: one.id })).status).toBe(200);
    expect(await unread(ada, dm)).toBe(3);
    await post(bob, dm, 'four');
    expect(await unread(ada, dm)).toBe(4);
    expect((await t.as(ada).post('/chats.mark-read', { id: dm.id, entry: three.id })).status).toBe(200);
    expect(await unread(ada, dm)).toBe(1);
  });

  it("leaves out entries the reader may not see and deleted ones", async () => {
    const ada = await t.given.org();
    const bob = await t.given.user(ada);
    const cy = await t.given.user(ada);
    const dm = await chat(ada, [bob, cy]);
    await post(bob, dm, 'for cy only', { private_to: [cy.id] });
    const gone = await post(bob, dm, 'deleted');
    await t.as(bob).post('/timeline-entries.delete', { id: gone.id });
    await post(bob, dm, 'for all');
    expect(await unread(ada, dm)).toBe(1);
    expect(await unread(cy, dm)).toBe(2);
  });

  it("refuses another chat's entry with 400 on entry, and changes nothing", async () => {
    const ada = await t.given.org();
    const bob = await t.given.user(ada);
    const dm = await chat(ada, [bob]);
    const other = await chat(ada, []);
    const elsewhere = await post(ada, other, 'elsewhere');
    await post(bob, dm, 'here');
    const before = await t.snapshot();
    for (const path of ['/chats.mark-read', '/chats.mark-unread']) {
      const response = await t.as(ada).post(path, { id: dm.id, entry: elsewhere.id });
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ type: 'invalid_field', field_name: 'entry' });
    }
    const missing = await t.as(ada).post('/chats.mark-unread', { id: dm.id });
    expect(missing.status).toBe(400);
    expect(missing.body.field_name).toBe('entry');
    expect(await t.snapshot()).toBe(before);
  });

  it("answers 404 for another organization's chat or entry, 403 for a chat the caller is not in", async () => {
    const ada = await t.given.org();
    const bob = await t.given.user(ada);
    const dm = await chat(ada, []);
    const eve = await t.given.org();
    const theirs = await chat(eve, []);
    const theirEntry = await post(eve, theirs, 'secret');
    const before = await t.snapshot();
    expect((await t.as(ada).post('/chats.mark-read', { id: theirs.id })).status).toBe(404);
    expect((await t.as(ada).post('/chats.mark-read', { id: dm.id, entry: theirEntry.id })).status).toBe(404);
    expect((await t.as(ada).post('/chats.mark-unread', { id: theirs.id, entry: theirEntry.id })).status).toBe(404);
    // The same number in the caller's own org names nothing there either.
    const sameNumber = formatDon('timeline_comment', ada.org.slug, Number(theirEntry.display_id.split('-')[1]) + 1000);
    expect((await t.as(ada).post('/chats.mark-read', { id: dm.id, entry: sameNumber })).status).toBe(404);
    expect((await t.as(bob).post('/chats.mark-read', { id: dm.id })).status).toBe(403);
    expect(await t.snapshot()).toBe(before);
  });

  it("tells the reader's own streams (their other devices), and no one else's", async () => {
    const ada = await t.given.org();
    const bob = await t.given.user(ada);
    const dm = await chat(ada, [bob]);
    await post(bob, dm, 'one');
    const two = await post(bob, dm, 'two');
    const open = async (person: Person) => {
      const client = await SseClient.open(`${t.url}/events.stream`, { authorization: `Bearer ${person.token}` });
      streams.push(client);
      return client;
    };
    const adaPhone = await open(ada);
    const bobStream = await open(bob);
    expect((await t.as(ada).post('/chats.mark-read', { id: dm.id })).status).toBe(200);
    await adaPhone.until(() => adaPhone.events.some((event) => event.event === 'chat_read'));
    const event = adaPhone.events.find((candidate) => candidate.event === 'chat_read')!;
    expect(event.data).toMatchObject({
      type: 'chat_read',
      chat_read: { chat: expect.objectContaining({ id: dm.id }), entry: two.id, unread_count: 0 },
    });
    // Bob's next message reaches both; Ada's read marker never reached Bob.
    await post(bob, dm, 'three');
    await bobStream.until(() => bobStream.events.some((candidate) => candidate.event === 'timeline_entry_created'));
    expect(bobStream.events.map((candidate) => candidate.event)).not.toContain('chat_read');
  });
});
