import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { initOrg } from '../src/domain/orgs.js';
import { purgeExpiredEntries } from '../src/domain/timeline-entries.js';
import { startServer } from '../src/server.js';
import { Client, useServer, type Person } from './helpers/server.js';

const t = useServer();

interface Chat {
  id: string;
  display_id: string;
  modified_date: string;
}

async function chatOf(owner: Person, others: Person[] = [], extra: Record<string, unknown> = {}): Promise<Chat> {
  const response = await t
    .as(owner)
    .post('/chats.create', { type: 'dm', users: [owner.id, ...others.map((p) => p.id)], is_default: false, ...extra });
  expect(response.status).toBe(201);
  return response.body.chat;
}

async function post(author: Person, chat: Chat, body: string, extra: Record<string, unknown> = {}) {
  const response = await t
    .as(author)
    .post('/timeline-entries.create', { type: 'timeline_comment', object: chat.id, body, ...extra });
  expect(response.status).toBe(201);
  return response.body.timeline_entry;
}

async function bodiesOf(reader: Person, chat: Chat, query: Record<string, unknown> = {}): Promise<string[]> {
  const response = await t.as(reader).post('/timeline-entries.list', { object: chat.id, ...query });
  expect(response.status).toBe(200);
  return response.body.timeline_entries.map((entry: { body?: string }) => entry.body ?? '(deleted)');
}

/** An org with an admin and two members, and a chat between the admin and the first member. */
async function team() {
  const ada = await t.given.org();
  const bob = await t.given.user(ada);
  const cyd = await t.given.user(ada);
  const chat = await chatOf(ada, [bob]);
  return { ada, bob, cyd, chat };
}

describe('timeline-entries.create', () => {
  it('posts a message with DevRev timeline-comment shape', async () => {
    const { ada, chat } = await team();
    const response = await t.as(ada).post('/timeline-entries.create', {
      type: 'timeline_comment',
      object: chat.id,
      body: 'hello',
      labels: ['greeting', 'greeting', 'first'],
      external_ref: 'msg-1',
    });
    expect(response.status).toBe(201);
    const entry = response.body.timeline_entry;
    expect(entry).toMatchObject({
      type: 'timeline_comment',
      object: chat.id,
      object_display_id: chat.display_id,
      object_type: 'dm',
      body: 'hello',
      body_type: 'text',
      visibility: 'external',
      external_ref: 'msg-1',
      labels: ['greeting', 'first'],
    });
    expect(entry.id).toMatch(/^don:core:dvrv-us-1:devo\/[a-z0-9]+:comment\/\d+$/);
    expect(entry.display_id).toMatch(/^COMMENT-\d+$/);
    for (const who of [entry.created_by, entry.modified_by]) {
      expect(who).toEqual({
        type: 'dev_user',
        id: ada.id,
        display_id: ada.displayId,
        display_name: ada.user.displayName,
        email: ada.user.email,
        state: 'active',
      });
    }
    expect(entry.created_date).toBe(entry.modified_date);
  });

  it("accepts the chat's display id as object", async () => {
    const { ada, chat } = await team();
    const entry = await post(ada, chat, 'by display id', { object: chat.display_id });
    expect(entry.object).toBe(chat.id);
  });

  it("sets the chat's modified_date", async () => {
    const { ada, bob, chat } = await team();
    const entry = await post(bob, chat, 'ping');
    const after = await t.as(ada).get('/chats.get', { id: chat.id });
    expect(after.body.chat.modified_date).toBe(entry.created_date);
    expect(after.body.chat.modified_date > chat.modified_date).toBe(true);
    expect(after.body.chat.modified_by.id).toBe(ada.id);
  });

  it('returns 409 conflict for an external_ref already used in the chat, and stores nothing', async () => {
    const { ada, bob, chat } = await team();
    await post(ada, chat, 'first', { external_ref: 'dup' });
    const again = await t.as(bob).post('/timeline-entries.create', {
      type: 'timeline_comment',
      object: chat.id,
      body: 'second',
      external_ref: 'dup',
    });
    expect(again.status).toBe(409);
    expect(again.body.type).toBe('conflict');
    expect(await bodiesOf(ada, chat)).toEqual(['first']);
  });

  it('allows the same external_ref in another chat', async () => {
    const { ada, bob, cyd, chat } = await team();
    await post(ada, chat, 'one', { external_ref: 'shared' });
    const other = await chatOf(ada, [cyd]);
    const entry = await post(ada, other, 'two', { external_ref: 'shared' });
    expect(entry.external_ref).toBe('shared');
    expect(bob).toBeDefined();
  });

  it('returns 403 forbidden to an org user who is not a member', async () => {
    const { cyd, chat } = await team();
    const response = await t.as(cyd).post('/timeline-entries.create', { type: 'timeline_comment', object: chat.id, body: 'x' });
    expect(response.status).toBe(403);
    expect(response.body.type).toBe('forbidden');
  });

  it("returns 404 not_found for another organization's chat", async () => {
    const { chat } = await team();
    const eve = await t.given.org();
    const response = await t.as(eve).post('/timeline-entries.create', { type: 'timeline_comment', object: chat.id, body: 'x' });
    expect(response.status).toBe(404);
    expect(response.body.type).toBe('not_found');
  });

  it.each([
    [{ object: 'not-an-id' }, 'invalid_id', 'object'],
    [{ object: 'DEVU-1' }, 'unexpected_id_type', 'object'],
    [{ body: undefined }, 'missing_required_field', 'body'],
    [{ body: '   ' }, 'invalid_field', 'body'],
    [{ body: 'x'.repeat(64 * 1024 + 1) }, 'invalid_field', 'body'],
    [{ body: 42 }, 'unexpected_json_type', 'body'],
    [{ type: 'timeline_change_event' }, 'invalid_enum_value', 'type'],
    [{ type: undefined }, 'missing_required_field', 'type'],
    [{ visibility: 'everyone' }, 'invalid_enum_value', 'visibility'],
    [{ body_type: 'snap_kit' }, 'value_not_permitted', 'body_type'],
    [{ labels: Array.from({ length: 17 }, (_, i) => `l${i}`) }, 'invalid_field', 'labels'],
    [{ labels: [''] }, 'invalid_field', 'labels[0]'],
    [{ labels: ['x'.repeat(65)] }, 'invalid_field', 'labels[0]'],
    [{ external_ref: '' }, 'invalid_field', 'external_ref'],
    [{ expires_at: 'tomorrow' }, 'invalid_field', 'expires_at'],
    [{ expires_at: '2001-01-01T00:00:00.000Z' }, 'value_not_permitted', 'expires_at'],
    [{ artifacts: ['nope'] }, 'invalid_id', 'artifacts'],
    [{ private_to: ['nobody'] }, 'invalid_id', 'private_to'],
    [{ private_to: ['DEVU-999999'] }, 'invalid_field', 'private_to'],
  ])('rejects %j with 400 %s on %s and stores nothing', async (change, type, fieldName) => {
    const { ada, chat } = await team();
    const response = await t.as(ada).post('/timeline-entries.create', {
      type: 'timeline_comment',
      object: chat.id,
      body: 'ok',
      ...change,
    });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ type, field_name: fieldName });
    expect(await bodiesOf(ada, chat)).toEqual([]);
  });

  it('accepts exactly 16 labels', async () => {
    const { ada, chat } = await team();
    const labels = Array.from({ length: 16 }, (_, i) => `l${i}`);
    expect((await post(ada, chat, 'many labels', { labels })).labels).toEqual(labels);
  });

  it('refuses private_to naming someone outside the chat, or on a non-private entry', async () => {
    const { ada, bob, cyd, chat } = await team();
    const outsider = await t.as(ada).post('/timeline-entries.create', {
      type: 'timeline_comment',
      object: chat.id,
      body: 'x',
      private_to: [cyd.id],
    });
    expect(outsider.status).toBe(400);
    expect(outsider.body).toMatchObject({ type: 'value_not_permitted', field_name: 'private_to' });
    const notPrivate = await t.as(ada).post('/timeline-entries.create', {
      type: 'timeline_comment',
      object: chat.id,
      body: 'x',
      visibility: 'public',
      private_to: [bob.id],
    });
    expect(notPrivate.status).toBe(400);
    expect(notPrivate.body).toMatchObject({ type: 'value_not_permitted', field_name: 'private_to' });
  });

  it('lets rev users post, but not internal entries', async () => {
    const ada = await t.given.org();
    const rex = await t.given.user(ada, 'rev_user');
    const chat = await chatOf(ada, [rex]);
    const entry = await post(rex, chat, 'from a customer');
    expect(entry.created_by).toMatchObject({ type: 'rev_user', id: rex.id });
    const internal = await t
      .as(rex)
      .post('/timeline-entries.create', { type: 'timeline_comment', object: chat.id, body: 'x', visibility: 'internal' });
    expect(internal.status).toBe(400);
    expect(internal.body).toMatchObject({ type: 'value_not_permitted', field_name: 'visibility' });
  });

  it('returns 401 without a token', async () => {
    const { chat } = await team();
    const response = await t.client().post('/timeline-entries.create', { type: 'timeline_comment', object: chat.id, body: 'x' });
    expect(response.status).toBe(401);
    expect(response.body.type).toBe('unauthenticated');
  });

  it('lets members of the chat\'s groups post and read', async () => {
    const { ada, cyd } = await team();
    const group = await t.given.group(ada, [cyd]);
    const chat = await chatOf(ada, [], { groups: [group.id] });
    const entry = await post(cyd, chat, 'via the group');
    expect(await bodiesOf(cyd, chat)).toEqual(['via the group']);
    expect((await t.as(cyd).get('/timeline-entries.get', { id: entry.id })).status).toBe(200);
    expect(await bodiesOf(ada, chat)).toEqual(['via the group']);
  });
});

describe('timeline-entries.get', () => {
  it('answers GET and POST by id or display id', async () => {
    const { ada, bob, chat } = await team();
    const entry = await post(ada, chat, 'find me');
    for (const id of [entry.id, entry.display_id]) {
      const viaGet = await t.as(bob).get('/timeline-entries.get', { id });
      expect(viaGet.status).toBe(200);
      expect(viaGet.body.timeline_entry).toEqual(entry);
      const viaPost = await t.as(bob).post('/timeline-entries.get', { id });
      expect(viaPost.status).toBe(200);
      expect(viaPost.body.timeline_entry).toEqual(entry);
    }
  });

  it('finds an entry by its chat and external_ref', async () => {
    const { ada, bob, chat } = await team();
    const entry = await post(ada, chat, 'by ref', { external_ref: 'ext-7' });
    const found = await t.as(bob).get('/timeline-entries.get', { id: chat.id, external_ref: 'ext-7' });
    expect(found.status).toBe(200);
    expect(found.body.timeline_entry.id).toBe(entry.id);
    const missing = await t.as(bob).get('/timeline-entries.get', { id: chat.id, external_ref: 'ext-8' });
    expect(missing.status).toBe(404);
    expect(missing.body.type).toBe('not_found');
    const wrongRef = await t.as(bob).get('/timeline-entries.get', { id: entry.id, external_ref: 'ext-8' });
    expect(wrongRef.status).toBe(404);
    const chatAlone = await t.as(bob).get('/timeline-entries.get', { id: chat.id });
    expect(chatAlone.status).toBe(400);
    expect(chatAlone.body).toMatchObject({ type: 'unexpected_id_type', field_name: 'id' });
  });

  it('returns 403 to non-members, 404 to other organizations and for unknown ids', async () => {
    const { ada, cyd, chat } = await team();
    const entry = await post(ada, chat, 'members only');
    const outsider = await t.as(cyd).get('/timeline-entries.get', { id: entry.id });
    expect(outsider.status).toBe(403);
    expect(outsider.body.type).toBe('forbidden');
    const eve = await t.given.org();
    const foreign = await t.as(eve).get('/timeline-entries.get', { id: entry.id });
    expect(foreign.status).toBe(404);
    expect(foreign.body.type).toBe('not_found');
    const unknown = await t.as(ada).get('/timeline-entries.get', { id: 'COMMENT-999999' });
    expect(unknown.status).toBe(404);
    const malformed = await t.as(ada).get('/timeline-entries.get', { id: 'COMMENT-x' });
    expect(malformed.status).toBe(400);
    expect(malformed.body).toMatchObject({ type: 'invalid_id', field_name: 'id' });
    const missing = await t.as(ada).get('/timeline-entries.get');
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ type: 'missing_required_field', field_name: 'id' });
  });

  it('shows private entries to their author and private_to only', async () => {
    const ada = await t.given.org();
    const bob = await t.given.user(ada);
    const cyd = await t.given.user(ada);
    const chat = await chatOf(ada, [bob, cyd]);
    const secret = await post(ada, chat, 'for bob', { private_to: [bob.displayId] });
    expect(secret.visibility).toBe('private');
    const solo = await post(ada, chat, 'note to self', { visibility: 'private' });
    await post(cyd, chat, 'public chatter');
    for (const reader of [ada, bob]) {
      expect((await t.as(reader).get('/timeline-entries.get', { id: secret.id })).status).toBe(200);
    }
    const hidden = await t.as(cyd).get('/timeline-entries.get', { id: secret.id });
    expect(hidden.status).toBe(404);
    expect(hidden.body.type).toBe('not_found');
    expect((await t.as(bob).get('/timeline-entries.get', { id: solo.id })).status).toBe(404);
    expect(await bodiesOf(ada, chat)).toEqual(['public chatter', 'note to self', 'for bob']);
    expect(await bodiesOf(bob, chat)).toEqual(['public chatter', 'for bob']);
    expect(await bodiesOf(cyd, chat)).toEqual(['public chatter']);
  });

  it('hides internal entries from rev users', async () => {
    const ada = await t.given.org();
    const rex = await t.given.user(ada, 'rev_user');
    const chat = await chatOf(ada, [rex]);
    const internal = await post(ada, chat, 'dev eyes only', { visibility: 'internal' });
    await post(ada, chat, 'hello customer');
    expect((await t.as(rex).get('/timeline-entries.get', { id: internal.id })).status).toBe(404);
    expect(await bodiesOf(rex, chat)).toEqual(['hello customer']);
    expect(await bodiesOf(ada, chat)).toEqual(['hello customer', 'dev eyes only']);
  });
});

describe('timeline-entries.update', () => {
  it('lets the author edit the body, recording who and when', async () => {
    const { ada, chat } = await team();
    const entry = await post(ada, chat, 'helo');
    const response = await t
      .as(ada)
      .post('/timeline-entries.update', { type: 'timeline_comment', id: entry.display_id, body: 'hello' });
    expect(response.status).toBe(200);
    const updated = response.body.timeline_entry;
    expect(updated).toMatchObject({ id: entry.id, body: 'hello', created_date: entry.created_date });
    expect(updated.modified_date >= entry.modified_date).toBe(true);
    expect(updated.modified_by.id).toBe(ada.id);
    expect((await t.as(ada).get('/timeline-entries.get', { id: entry.id })).body.timeline_entry.body).toBe('hello');
  });

  it('returns 403 to members who are not the author, and changes nothing', async () => {
    const { ada, bob, chat } = await team();
    const entry = await post(ada, chat, 'mine');
    const response = await t.as(bob).post('/timeline-entries.update', { type: 'timeline_comment', id: entry.id, body: 'ours' });
    expect(response.status).toBe(403);
    expect(response.body.type).toBe('forbidden');
    expect(await bodiesOf(ada, chat)).toEqual(['mine']);
  });

  it('sets, conflicts on and clears external_ref', async () => {
    const { ada, chat } = await team();
    const first = await post(ada, chat, 'one', { external_ref: 'a' });
    const second = await post(ada, chat, 'two');
    const taken = await t.as(ada).post('/timeline-entries.update', { type: 'timeline_comment', id: second.id, external_ref: 'a' });
    expect(taken.status).toBe(409);
    expect(taken.body.type).toBe('conflict');
    const cleared = await t.as(ada).post('/timeline-entries.update', { type: 'timeline_comment', id: first.id, external_ref: null });
    expect(cleared.status).toBe(200);
    expect(cleared.body.timeline_entry.external_ref).toBeUndefined();
    const moved = await t.as(ada).post('/timeline-entries.update', { type: 'timeline_comment', id: second.id, external_ref: 'a' });
    expect(moved.status).toBe(200);
    expect(moved.body.timeline_entry.external_ref).toBe('a');
  });

  it('rejects bad input with the field at fault', async () => {
    const { ada, chat } = await team();
    const entry = await post(ada, chat, 'x');
    const cases: [Record<string, unknown>, string, string][] = [
      [{ body: '' }, 'invalid_field', 'body'],
      [{ body_type: 'snap_widget' }, 'value_not_permitted', 'body_type'],
      [{ type: undefined }, 'missing_required_field', 'type'],
      [{ id: undefined }, 'missing_required_field', 'id'],
      [{ id: chat.id }, 'unexpected_id_type', 'id'],
    ];
    for (const [change, type, fieldName] of cases) {
      const response = await t
        .as(ada)
        .post('/timeline-entries.update', { type: 'timeline_comment', id: entry.id, body: 'y', ...change });
      expect(response.status, JSON.stringify(change)).toBe(400);
      expect(response.body).toMatchObject({ type, field_name: fieldName });
    }
    expect(await bodiesOf(ada, chat)).toEqual(['x']);
  });
});

describe('timeline-entries.delete', () => {
  it('lets the author delete; the entry keeps its place without a body', async () => {
    const { ada, bob, chat } = await team();
    await post(ada, chat, 'before');
    const doomed = await post(ada, chat, 'oops', { external_ref: 'gone' });
    await post(bob, chat, 'after');
    const response = await t.as(ada).post('/timeline-entries.delete', { id: doomed.id });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({});
    expect(await bodiesOf(bob, chat)).toEqual(['after', '(deleted)', 'before']);
    const got = (await t.as(bob).get('/timeline-entries.get', { id: doomed.id })).body.timeline_entry;
    expect(got.body).toBeUndefined();
    expect(got.body_type).toBeUndefined();
    expect(got).toMatchObject({ id: doomed.id, created_date: doomed.created_date, external_ref: 'gone' });
  });

  it('is idempotent for the author; a deleted entry cannot be edited', async () => {
    const { ada, chat } = await team();
    const entry = await post(ada, chat, 'twice');
    expect((await t.as(ada).post('/timeline-entries.delete', { id: entry.id })).status).toBe(200);
    expect((await t.as(ada).post('/timeline-entries.delete', { id: entry.id })).status).toBe(200);
    const edit = await t.as(ada).post('/timeline-entries.update', { type: 'timeline_comment', id: entry.id, body: 'back' });
    expect(edit.status).toBe(400);
    expect(edit.body).toMatchObject({ type: 'value_not_permitted', field_name: 'id' });
  });

  it('returns 403 to other members and non-members, 404 to other orgs, and keeps the entry', async () => {
    const { ada, bob, cyd, chat } = await team();
    const entry = await post(ada, chat, 'keep');
    for (const person of [bob, cyd]) {
      const response = await t.as(person).post('/timeline-entries.delete', { id: entry.id });
      expect(response.status).toBe(403);
      expect(response.body.type).toBe('forbidden');
    }
    const eve = await t.given.org();
    const foreign = await t.as(eve).post('/timeline-entries.delete', { id: entry.id });
    expect(foreign.status).toBe(404);
    expect(foreign.body.type).toBe('not_found');
    expect(await bodiesOf(ada, chat)).toEqual(['keep']);
  });
});

describe('timeline-entries.list', () => {
  it('lists newest first, 50 by default, with a next_cursor when more exist', async () => {
    const { ada, bob, chat } = await team();
    for (let i = 0; i < 52; i++) await post(i % 2 ? ada : bob, chat, `m${i}`);
    const response = await t.as(bob).get('/timeline-entries.list', { object: chat.display_id });
    expect(response.status).toBe(200);
    const bodies = response.body.timeline_entries.map((entry: { body: string }) => entry.body);
    expect(bodies).toEqual(Array.from({ length: 50 }, (_, i) => `m${51 - i}`));
    expect(response.body.next_cursor).toEqual(expect.any(String));
    expect(response.body.prev_cursor).toBeUndefined();
    const rest = await t.as(bob).get('/timeline-entries.list', { object: chat.id, cursor: response.body.next_cursor });
    expect(rest.body.timeline_entries.map((entry: { body: string }) => entry.body)).toEqual(['m1', 'm0']);
    expect(rest.body.next_cursor).toBeUndefined();
    expect(rest.body.prev_cursor).toEqual(expect.any(String));
  });

  it('starts from the oldest entries with mode before and no cursor', async () => {
    const { ada, chat } = await team();
    for (let i = 0; i < 5; i++) await post(ada, chat, `m${i}`);
    const response = await t.as(ada).get('/timeline-entries.list', { object: chat.id, mode: 'before', limit: '2' });
    expect(response.body.timeline_entries.map((entry: { body: string }) => entry.body)).toEqual(['m1', 'm0']);
    expect(response.body.prev_cursor).toEqual(expect.any(String));
    expect(response.body.next_cursor).toBeUndefined();
    const newer = await t.as(ada).get('/timeline-entries.list', { object: chat.id, cursor: response.body.prev_cursor, limit: '2' });
    expect(newer.body.timeline_entries.map((entry: { body: string }) => entry.body)).toEqual(['m3', 'm2']);
  });

  it('walks 250 messages, 10 pages, forward and back with no gap and no duplicate while messages arrive', async () => {
    const { ada, bob, chat } = await team();
    // Posted ten at a time, so the timeline's order is the server's: the order of commits,
    // which (created_date, id) follows. Display numbers are taken before, and may not. Ten
    // pages of 25 walk the same boundaries as ten of 100, at a quarter of the posting.
    const posted: string[] = [];
    for (let batch = 0; batch < 25; batch++) {
      const entries = await Promise.all(
        Array.from({ length: 10 }, (_, i) => post(i % 3 ? ada : bob, chat, `m${String(batch * 10 + i).padStart(4, '0')}`)),
      );
      posted.push(...entries.map((entry) => entry.body));
    }
    expect(new Set(posted).size).toBe(250);
    const arrivals: string[] = [];
    const forward: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    let last: any;
    const dates: string[] = [];
    do {
      last = (await t.as(bob).get('/timeline-entries.list', { object: chat.id, limit: '25', ...(cursor && { cursor }) })).body;
      forward.push(...last.timeline_entries.map((entry: { body: string }) => entry.body));
      dates.push(...last.timeline_entries.map((entry: { created_date: string }) => entry.created_date));
      cursor = last.next_cursor;
      const arrival = `new${pages++}`;
      await post(ada, chat, arrival);
      arrivals.push(arrival);
    } while (cursor);
    // Every message once, newest first, none of those that arrived meanwhile.
    expect(forward).toHaveLength(250);
    expect([...forward].sort()).toEqual([...posted].sort());
    expect(dates).toEqual([...dates].sort().reverse());
    const original = [...forward].reverse();
    expect(pages).toBe(10);

    // Back toward the newest from the oldest page, following prev_cursor (with an explicit mode too).
    const backPages: string[][] = [];
    cursor = last.prev_cursor;
    let explicit = false;
    while (cursor) {
      const query = { object: chat.id, limit: '25', cursor, ...(explicit && { mode: 'before' }) };
      const page = (await t.as(bob).get('/timeline-entries.list', query)).body;
      backPages.push(page.timeline_entries.map((entry: { body: string }) => entry.body));
      cursor = page.prev_cursor;
      explicit = !explicit;
    }
    const backward = [...backPages].reverse().flat();
    expect(backward).toEqual([...[...original, ...arrivals].reverse().slice(0, 260 - 25)]);
  }, 120_000);

  it('filters by labels and visibility, from repeated and comma-joined query parameters', async () => {
    const { ada, bob, chat } = await team();
    await post(ada, chat, 'bug', { labels: ['bug'] });
    await post(ada, chat, 'idea', { labels: ['idea', 'later'] });
    await post(ada, chat, 'plain');
    await post(ada, chat, 'inside', { visibility: 'internal', labels: ['bug'] });
    await post(ada, chat, 'open', { visibility: 'public' });
    const bodies = async (query: Record<string, string | string[]>) =>
      (await t.as(bob).get('/timeline-entries.list', { object: chat.id, ...query })).body.timeline_entries.map(
        (entry: { body: string }) => entry.body,
      );
    expect(await bodies({ labels: ['bug', 'idea'] })).toEqual(['inside', 'idea', 'bug']);
    expect(await bodies({ labels: 'bug,later' })).toEqual(['inside', 'idea', 'bug']);
    expect(await bodies({ labels: 'idea' })).toEqual(['idea']);
    expect(await bodies({ visibility: 'internal,public' })).toEqual(['open', 'inside']);
    expect(await bodies({ visibility: ['external'], labels: ['bug'] })).toEqual(['bug']);
    expect(await bodiesOf(bob, chat, { labels: ['later'], visibility: ['external'] })).toEqual(['idea']);
    expect(await bodies({ collections: 'events' })).toEqual([]);
    expect(await bodies({ collections: 'discussions,events' })).toHaveLength(5);
    const bad = await t.as(bob).get('/timeline-entries.list', { object: chat.id, visibility: 'secret' });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ type: 'invalid_enum_value', field_name: 'visibility[0]' });
  });

  it.each([
    [{ limit: '0' }, 'invalid_field', 'limit'],
    [{ limit: '101' }, 'invalid_field', 'limit'],
    [{ limit: 'lots' }, 'unexpected_json_type', 'limit'],
    [{ mode: 'sideways' }, 'invalid_enum_value', 'mode'],
    [{ object: 'nope' }, 'invalid_id', 'object'],
  ])('rejects %j with 400 %s', async (change, type, fieldName) => {
    const { ada, chat } = await team();
    const response = await t.as(ada).get('/timeline-entries.list', { object: chat.id, ...change });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ type, field_name: fieldName });
  });

  it('accepts the documented maximum limit of 100', async () => {
    const { ada, chat } = await team();
    expect((await t.as(ada).post('/timeline-entries.list', { object: chat.id, limit: 100 })).status).toBe(200);
  });

  it('returns 403 to non-members and 404 for other organizations', async () => {
    const { ada, cyd, chat } = await team();
    await post(ada, chat, 'x');
    const outsider = await t.as(cyd).get('/timeline-entries.list', { object: chat.id });
    expect(outsider.status).toBe(403);
    expect(outsider.body.type).toBe('forbidden');
    const eve = await t.given.org();
    const foreign = await t.as(eve).get('/timeline-entries.list', { object: chat.id });
    expect(foreign.status).toBe(404);
    expect(foreign.body.type).toBe('not_found');
  });

  it('shuts out a member removed by chats.update at once', async () => {
    const { ada, bob, cyd, chat } = await team();
    const entry = await post(bob, chat, 'soon gone');
    expect((await t.as(bob).get('/timeline-entries.list', { object: chat.id })).status).toBe(200);
    const update = await t.as(ada).post('/chats.update', { id: chat.id, users: { set: [ada.id, cyd.id] } });
    expect(update.status).toBe(200);
    const attempts = [
      await t.as(bob).get('/timeline-entries.list', { object: chat.id }),
      await t.as(bob).get('/timeline-entries.get', { id: entry.id }),
      await t.as(bob).post('/timeline-entries.create', { type: 'timeline_comment', object: chat.id, body: 'hi' }),
      await t.as(bob).post('/timeline-entries.delete', { id: entry.id }),
    ];
    for (const response of attempts) {
      expect(response.status).toBe(403);
      expect(response.body.type).toBe('forbidden');
    }
    expect(await bodiesOf(cyd, chat)).toEqual(['soon gone']);
  });
});

describe('timeline-entries.list cursors', () => {
  const elsewhere = useServer();

  async function cursorFor(chat: Chat, reader: Person) {
    const page = await t.as(reader).get('/timeline-entries.list', { object: chat.id, limit: '1' });
    expect(page.body.next_cursor).toEqual(expect.any(String));
    return page.body.next_cursor as string;
  }

  async function expectRefused(reader: Person, chat: Chat, cursor: string) {
    for (const response of [
      await t.as(reader).get('/timeline-entries.list', { object: chat.id, cursor }),
      await t.as(reader).post('/timeline-entries.list', { object: chat.id, cursor }),
    ]) {
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ type: 'invalid_field', field_name: 'cursor' });
    }
  }

  it('refuses forged and malformed cursors with 400', async () => {
    const { ada, chat } = await team();
    await post(ada, chat, 'a');
    for (const forged of ['', 'abc', 'v1..', 'v1.e30.', '☃', 'v2.e30.AAAA', 'v1.e30.AAAA.extra', 'x'.repeat(600)]) {
      await expectRefused(ada, chat, forged);
    }
  });

  it('refuses a cursor whose position was altered', async () => {
    const { ada, chat } = await team();
    await post(ada, chat, 'a');
    await post(ada, chat, 'b');
    const [version, payload, signature] = (await cursorFor(chat, ada)).split('.');
    const position = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    const altered = Buffer.from(JSON.stringify({ ...position, i: position.i + 1 })).toString('base64url');
    await expectRefused(ada, chat, `${version}.${altered}.${signature}`);
    const flipped = signature!.slice(0, -1) + (signature!.endsWith('A') ? 'B' : 'A');
    await expectRefused(ada, chat, `${version}.${payload}.${flipped}`);
  });

  it("refuses another chat's cursor rather than showing that chat", async () => {
    const { ada, bob, chat } = await team();
    const other = await chatOf(ada);
    await post(ada, other, 'private thoughts');
    await post(ada, other, 'more private thoughts');
    await post(ada, chat, 'shared');
    await expectRefused(ada, chat, await cursorFor(other, ada));
    expect(bob).toBeDefined();
  });

  it("refuses another server's cursor", async () => {
    const ada = await elsewhere.given.org();
    const chat = (await elsewhere.as(ada).post('/chats.create', { type: 'dm', users: [ada.id], is_default: false })).body.chat;
    for (const body of ['a', 'b']) {
      await elsewhere.as(ada).post('/timeline-entries.create', { type: 'timeline_comment', object: chat.id, body });
    }
    const foreign = (await elsewhere.as(ada).get('/timeline-entries.list', { object: chat.id, limit: '1' })).body.next_cursor;
    const local = await team();
    await post(local.ada, local.chat, 'x');
    await expectRefused(local.ada, local.chat, foreign);
  });

  it('keeps working across a restart and between processes sharing the database', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'confab-cursor-'));
    const config = { port: 0, host: '127.0.0.1', databaseUrl: `sqlite:${join(dir, 'confab.db')}`, logLevel: 'silent' };
    try {
      const first = await startServer(config, pino({ level: 'silent' }));
      const second = await startServer(config, pino({ level: 'silent' }));
      const { org, token } = await initOrg(first.store, 'restart', 'restart@example.com');
      const owner = new Client(first.url, `Bearer ${token}`);
      const me = (await owner.get('/dev-users.self')).body.dev_user.id;
      const chat = (await owner.post('/chats.create', { type: 'dm', users: [me] })).body.chat;
      for (const body of ['one', 'two', 'three']) {
        await owner.post('/timeline-entries.create', { type: 'timeline_comment', object: chat.id, body });
      }
      const cursor = (await owner.get('/timeline-entries.list', { object: chat.id, limit: '1' })).body.next_cursor;
      const onSecond = await new Client(second.url, `Bearer ${token}`).get('/timeline-entries.list', { object: chat.id, cursor });
      expect(onSecond.status).toBe(200);
      expect(onSecond.body.timeline_entries.map((entry: { body: string }) => entry.body)).toEqual(['two', 'one']);
      await first.close();
      await second.close();

      const restarted = await startServer(config, pino({ level: 'silent' }));
      try {
        const again = await new Client(restarted.url, `Bearer ${token}`).get('/timeline-entries.list', {
          object: chat.id,
          cursor,
          limit: '1',
        });
        expect(again.status).toBe(200);
        expect(again.body.timeline_entries.map((entry: { body: string }) => entry.body)).toEqual(['two']);
        expect(org.slug).toBeTruthy();
      } finally {
        await restarted.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('ephemeral entries (expires_at)', () => {
  it('stop being returned once expired, free their external_ref, and are purged', async () => {
    const { ada, bob, chat } = await team();
    const soon = () => new Date(Date.now() + 1500).toISOString();
    const fleeting = await post(ada, chat, 'fleeting', { expires_at: soon(), external_ref: 'eph' });
    const other = await post(ada, chat, 'also fleeting', { expires_at: soon() });
    await post(ada, chat, 'lasting');
    expect(await bodiesOf(bob, chat)).toEqual(['lasting', 'also fleeting', 'fleeting']);
    expect(fleeting.expires_at).toBeUndefined();

    await new Promise((resolve) => setTimeout(resolve, 1600));
    expect(await bodiesOf(bob, chat)).toEqual(['lasting']);
    for (const entry of [fleeting, other]) {
      const gone = await t.as(bob).get('/timeline-entries.get', { id: entry.id });
      expect(gone.status).toBe(404);
      expect(gone.body.type).toBe('not_found');
    }
    const byRef = await t.as(bob).get('/timeline-entries.get', { id: chat.id, external_ref: 'eph' });
    expect(byRef.status).toBe(404);
    const reused = await post(ada, chat, 'reborn', { external_ref: 'eph' });
    expect(reused.external_ref).toBe('eph');

    // The reuse already purged `fleeting`; the sweep takes the other one, and then nothing.
    expect(await purgeExpiredEntries(t.server.store)).toBe(1);
    expect(await purgeExpiredEntries(t.server.store)).toBe(0);
    expect(await bodiesOf(bob, chat)).toEqual(['reborn', 'lasting']);
  });

  it('accepts an offset date-time and stores it as UTC', async () => {
    const { ada, chat } = await team();
    const later = new Date(Date.now() + 3_600_000);
    const offset = later.toISOString().replace('Z', '+00:00');
    expect((await post(ada, chat, 'in an hour', { expires_at: offset })).body).toBe('in an hour');
  });
});

describe('hostile input', () => {
  it('answers every wrong type, shape and size with a 400, never a 500', async () => {
    const { ada, chat } = await team();
    const entry = await post(ada, chat, 'untouched');
    const create = { type: 'timeline_comment', object: chat.id, body: 'x' };
    const update = { type: 'timeline_comment', id: entry.id, body: 'y' };
    const list = { object: chat.id };
    const wrong = [1, true, null, {}, [], 'x'.repeat(2000), [null], [{}]];
    const cases: [string, Record<string, unknown>][] = [];
    for (const value of wrong) {
      for (const field of ['type', 'object', 'body', 'body_type', 'labels', 'external_ref', 'visibility', 'private_to', 'expires_at']) {
        cases.push(['/timeline-entries.create', { ...create, [field]: value }]);
      }
      for (const field of ['type', 'id', 'body', 'body_type']) cases.push(['/timeline-entries.update', { ...update, [field]: value }]);
      for (const field of ['object', 'cursor', 'limit', 'mode', 'labels', 'visibility', 'collections']) {
        cases.push(['/timeline-entries.list', { ...list, [field]: value }]);
      }
      cases.push(['/timeline-entries.get', { id: value }], ['/timeline-entries.delete', { id: value }]);
    }
    for (const [path, body] of cases) {
      // Some of these values are right for some fields (a long body, an empty label list).
      const response = await t.as(ada).post(path, body);
      if (response.status >= 300) expect(response.status, `${path} ${JSON.stringify(body).slice(0, 120)}`).toBe(400);
    }
    for (const raw of ['[]', '"text"', '{"__proto__":{"x":1}}', '{"object":', 'null']) {
      const response = await t.as(ada).request('POST', '/timeline-entries.create', raw);
      expect(response.status, raw).toBe(400);
    }
    // Only the few valid ones among them (a long body, an empty label list) wrote anything.
    const bodies = await bodiesOf(ada, chat);
    expect(bodies.every((body) => body === 'x' || body === 'x'.repeat(2000))).toBe(true);
  }, 60_000);
});
