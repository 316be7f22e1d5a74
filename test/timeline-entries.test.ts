import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { formatDon } from '../src/domain/ids.js';
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
    [{ artifacts: ['ARTIFACT-1'] }, 'value_not_permitted', 'artifacts'],
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
    const store = t.server.store;
    const group = await store.groups.insert({
      orgId: ada.org.id,
      number: await store.orgs.nextNumber(ada.org.id, 'group'),
      name: 'crew',
      description: null,
      memberType: 'dev_user',
      at: new Date().toISOString(),
    });
    await store.groups.addMember(group.id, cyd.user.id, new Date().toISOString());
    const chat = await chatOf(ada, [], { groups: [formatDon('group', ada.org.slug, group.number)] });
    await post(cyd, chat, 'via the group');
    expect(await bodiesOf(ada, chat)).toEqual(['via the group']);
  });
});
