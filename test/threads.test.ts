import { describe, expect, it } from 'vitest';
import { useServer, type Person } from './helpers/server.js';

const t = useServer();

async function setup(): Promise<{ ada: Person; bob: Person; cy: Person; dm: any; comment: any }> {
  const ada = await t.given.org();
  const bob = await t.given.user(ada);
  const cy = await t.given.user(ada);
  const dm = (await t.as(ada).post('/chats.create', { type: 'dm', users: [ada.id, bob.id, cy.id], is_default: false })).body.chat;
  const comment = await post(ada, dm.id, 'shall we ship?');
  return { ada, bob, cy, dm, comment };
}

async function post(author: Person, object: string, body: string, extra: Record<string, unknown> = {}): Promise<any> {
  const response = await t.as(author).post('/timeline-entries.create', { type: 'timeline_comment', object, body, ...extra });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body.timeline_entry;
}

async function get(person: Person, id: string): Promise<any> {
  const response = await t.as(person).get('/timeline-entries.get', { id });
  expect(response.status).toBe(200);
  return response.body.timeline_entry;
}

async function listItem(person: Person, chatId: string): Promise<any> {
  const response = await t.as(person).post('/chats.list', {});
  expect(response.status).toBe(200);
  return response.body.chats.find((item: any) => item.chat.id === chatId);
}

describe('threads', () => {
  it("makes a reply of an entry whose object is a comment, counted in the comment's thread.total_replies", async () => {
    const { ada, bob, cy, dm, comment } = await setup();
    expect(comment.thread).toBeUndefined();
    const reply = await post(bob, comment.id, 'yes');
    expect(reply).toMatchObject({ object: comment.id, object_display_id: comment.display_id, object_type: 'timeline_comment' });
    await post(cy, comment.display_id, 'after lunch');
    expect((await get(ada, comment.id)).thread).toEqual({ total_replies: 2 });
    expect((await get(ada, reply.id)).thread).toBeUndefined();
    // The chat's own timeline has the comment, not its replies.
    const timeline = await t.as(ada).post('/timeline-entries.list', { object: dm.id });
    expect(timeline.body.timeline_entries.map((entry: any) => entry.id)).toEqual([comment.id]);
    expect(timeline.body.timeline_entries[0].thread).toEqual({ total_replies: 2 });
  });

  it('counts in thread.total_replies only the replies the reader may read, wherever the comment is shown', async () => {
    const { ada, bob, cy, dm, comment } = await setup();
    await post(bob, comment.id, 'just between us', { visibility: 'private', private_to: [ada.id] });
    await post(cy, comment.id, 'for everyone');
    for (const [reader, replies] of [[ada, 2], [bob, 2], [cy, 1]] as const) {
      expect((await get(reader, comment.id)).thread).toEqual({ total_replies: replies });
      const timeline = await t.as(reader).post('/timeline-entries.list', { object: dm.id });
      expect(timeline.body.timeline_entries[0].thread).toEqual({ total_replies: replies });
      expect((await listItem(reader, dm.id)).last_entry?.thread).toEqual({ total_replies: replies });
      const thread = await t.as(reader).post('/timeline-entries.list', { object: comment.id });
      expect(thread.body.timeline_entries).toHaveLength(replies);
    }
  });

  it('pages through a thread with timeline-entries.list and object=<comment>, with the same cursors', async () => {
    const { ada, bob, comment } = await setup();
    const replies = [];
    for (let i = 0; i < 5; i++) replies.unshift((await post(i % 2 ? ada : bob, comment.id, `reply ${i}`)).id);
    const seen: string[] = [];
    let page = (await t.as(ada).post('/timeline-entries.list', { object: comment.id, limit: 2 })).body;
    seen.push(...page.timeline_entries.map((entry: any) => entry.id));
    while (page.next_cursor) {
      const response = await t.as(ada).get('/timeline-entries.list', { object: comment.display_id, limit: '2', cursor: page.next_cursor });
      expect(response.status).toBe(200);
      page = response.body;
      seen.push(...page.timeline_entries.map((entry: any) => entry.id));
    }
    expect(seen).toEqual(replies);
  });

  it('refuses a reply to a reply (threads are one level deep) with 400 on object, changing nothing', async () => {
    const { ada, bob, comment } = await setup();
    const reply = await post(bob, comment.id, 'yes');
    const before = await t.snapshot();
    const response = await t.as(ada).post('/timeline-entries.create', { type: 'timeline_comment', object: reply.id, body: 'deeper' });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ type: 'value_not_permitted', field_name: 'object' });
    const listed = await t.as(ada).post('/timeline-entries.list', { object: reply.id });
    expect(listed.status).toBe(400);
    expect(listed.body).toMatchObject({ type: 'value_not_permitted', field_name: 'object' });
    expect(await t.snapshot()).toBe(before);
  });

  it("lets only the chat's members read or write a thread; another organization's comment is 404", async () => {
    const { ada, comment } = await setup();
    const outsider = await t.given.user(ada);
    const eve = await t.given.org();
    const before = await t.snapshot();
    const write = { type: 'timeline_comment', object: comment.id, body: 'let me in' };
    expect((await t.as(outsider).post('/timeline-entries.create', write)).status).toBe(403);
    expect((await t.as(outsider).post('/timeline-entries.list', { object: comment.id })).status).toBe(403);
    expect((await t.as(eve).post('/timeline-entries.create', write)).status).toBe(404);
    expect((await t.as(eve).post('/timeline-entries.list', { object: comment.id })).status).toBe(404);
    expect(await t.snapshot()).toBe(before);
  });

  it('keeps the replies of a deleted comment readable in its thread', async () => {
    const { ada, bob, comment } = await setup();
    const reply = await post(bob, comment.id, 'still here');
    expect((await t.as(ada).post('/timeline-entries.delete', { id: comment.id })).status).toBe(200);
    const thread = await t.as(bob).post('/timeline-entries.list', { object: comment.id });
    expect(thread.status).toBe(200);
    expect(thread.body.timeline_entries).toEqual([expect.objectContaining({ id: reply.id, body: 'still here' })]);
    expect((await get(bob, comment.id)).thread).toEqual({ total_replies: 1 });
  });

  it('leaves replies out of unread_count, and counts them in unread_thread_count for threads the caller is in', async () => {
    const { ada, bob, cy, dm, comment } = await setup();
    const other = await post(bob, dm.id, "bob's question");
    await post(cy, comment.id, 'in ada’s thread');
    await post(cy, other.id, "in bob's thread");
    expect(await listItem(ada, dm.id)).toMatchObject({ unread_count: 1, unread_thread_count: 1 });
    expect(await listItem(bob, dm.id)).toMatchObject({ unread_count: 1, unread_thread_count: 1 });
    // Replying puts Ada in Bob's thread; Cy's later reply there is unread for her.
    await post(ada, other.id, 'me too');
    await post(cy, other.id, 'noted');
    expect(await listItem(ada, dm.id)).toMatchObject({ unread_count: 1, unread_thread_count: 3 });
    expect(await listItem(cy, dm.id)).toMatchObject({ unread_count: 2, unread_thread_count: 1 });
    // Read to the latest entry, replies included: nothing left.
    expect((await t.as(ada).post('/chats.mark-read', { id: dm.id })).status).toBe(200);
    expect(await listItem(ada, dm.id)).toMatchObject({ unread_count: 0, unread_thread_count: 0 });
    expect((await listItem(ada, dm.id)).last_entry.id).toBe(other.id);
  });
});
