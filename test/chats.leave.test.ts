/**
 * chats.leave (a Confab addition): a member leaves a chat of three or more that is not a
 * default DM; the others stay and hear of it; nothing else may be left, and a refusal
 * changes nothing.
 */
import { describe, expect, it } from 'vitest';
import { assertMatchesSchema } from './helpers/contract.js';
import { useServer, type Person } from './helpers/server.js';
import { streamOpener } from './helpers/sse.js';

const t = useServer();
const stream = streamOpener(t);

async function threeOf(extra: Record<string, unknown> = { is_default: false }) {
  const ada = await t.given.org();
  const bob = await t.given.user(ada);
  const cy = await t.given.user(ada);
  const made = await t.as(ada).post('/chats.create', { type: 'dm', users: [ada.id, bob.id, cy.id], title: 'Plans', ...extra });
  expect(made.status).toBe(201);
  return { ada, bob, cy, chat: made.body.chat as { id: string; display_id: string; users: { id: string }[] } };
}

async function memberIds(person: Person, chatId: string): Promise<string[]> {
  const read = await t.as(person).get('/chats.get', { id: chatId });
  expect(read.status).toBe(200);
  assertMatchesSchema('chats-get-response', read.body);
  return read.body.chat.users.map((user: { id: string }) => user.id).sort();
}

describe('chats.leave', () => {
  it('takes the caller out of a chat of three, by either id form; the others stay and can still read it', async () => {
    const { ada, bob, cy, chat } = await threeOf();
    const left = await t.as(bob).post('/chats.leave', { id: chat.display_id });
    expect(left.status).toBe(200);
    expect(left.body).toEqual({});
    expect(await memberIds(ada, chat.id)).toEqual([ada.id, cy.id].sort());
    // No longer a member: reading it is forbidden, like any chat of the org one is not in.
    const read = await t.as(bob).get('/chats.get', { id: chat.id });
    expect(read.status).toBe(403);
    expect(read.body.type).toBe('forbidden');
    const listed = await t.as(bob).get('/chats.list');
    expect(listed.body.chats.map((item: { chat: { id: string } }) => item.chat.id)).not.toContain(chat.id);
  });

  it('tells the members who stay with a chat_updated event that no longer lists the one who left', async () => {
    const { ada, bob, chat } = await threeOf();
    const adaStream = await stream(ada);
    expect((await t.as(bob).post('/chats.leave', { id: chat.id })).status).toBe(200);
    await adaStream.until(() => adaStream.events.some((event) => event.event === 'chat_updated'));
    const updated = adaStream.events.find((event) => event.event === 'chat_updated')!.data.chat_updated.chat;
    expect(updated.id).toBe(chat.id);
    expect(updated.users.map((user: { id: string }) => user.id)).not.toContain(bob.id);
    expect(updated.users).toHaveLength(2);
  });

  it('refuses to leave a default DM (400 value_not_permitted), whatever its size, and changes nothing', async () => {
    const { bob, chat } = await threeOf({});
    const left = await t.as(bob).post('/chats.leave', { id: chat.id });
    expect(left.status).toBe(400);
    expect(left.body).toMatchObject({ type: 'value_not_permitted', field_name: 'id' });
    expect(left.body.message).toMatch(/default DM/);
    expect(await memberIds(bob, chat.id)).toHaveLength(3);
  });

  it('refuses to leave a chat of two (400), which would leave one person alone', async () => {
    const ada = await t.given.org();
    const bob = await t.given.user(ada);
    const made = await t.as(ada).post('/chats.create', { type: 'dm', users: [ada.id, bob.id], is_default: false });
    const left = await t.as(bob).post('/chats.leave', { id: made.body.chat.id });
    expect(left.status).toBe(400);
    expect(left.body).toMatchObject({ type: 'value_not_permitted', field_name: 'id' });
    expect(await memberIds(ada, made.body.chat.id)).toHaveLength(2);
  });

  it('refuses a member through a group only: they leave the group, not the chat', async () => {
    const { ada, bob, chat } = await threeOf();
    const dana = await t.given.user(ada);
    const group = await t.given.group(ada, [dana]);
    expect((await t.as(ada).post('/chats.update', { id: chat.id, groups: { set: [group.id] } })).status).toBe(200);
    const left = await t.as(dana).post('/chats.leave', { id: chat.id });
    expect(left.status).toBe(400);
    expect(left.body).toMatchObject({ type: 'value_not_permitted', field_name: 'id' });
    expect(await memberIds(bob, chat.id)).toHaveLength(3);
  });

  it('is 403 for a non-member of the org, 404 for another org and for no such chat, 400 for a malformed id', async () => {
    const { ada, chat } = await threeOf();
    const outsider = await t.given.user(ada);
    const stranger = await t.given.org();
    const notMine = await t.as(outsider).post('/chats.leave', { id: chat.id });
    expect(notMine.status).toBe(403);
    expect(notMine.body.type).toBe('forbidden');
    for (const id of [chat.id, chat.display_id]) {
      const elsewhere = await t.as(stranger).post('/chats.leave', { id });
      expect(elsewhere.status).toBe(404);
      expect(elsewhere.body.type).toBe('not_found');
    }
    expect((await t.as(ada).post('/chats.leave', { id: 'CHAN-999999' })).status).toBe(404);
    const malformed = await t.as(ada).post('/chats.leave', { id: 'DEVU-1' });
    expect(malformed.status).toBe(400);
    for (const body of [{}, { id: 7 }, { id: ['CHAN-1'] }]) {
      const wrong = await t.as(ada).post('/chats.leave', body);
      expect(wrong.status).toBe(400);
    }
    expect(await memberIds(ada, chat.id)).toHaveLength(3);
  });

  it('leaving twice: the second time the caller is no longer a member (403)', async () => {
    const { bob, chat } = await threeOf();
    expect((await t.as(bob).post('/chats.leave', { id: chat.id })).status).toBe(200);
    const again = await t.as(bob).post('/chats.leave', { id: chat.id });
    expect(again.status).toBe(403);
  });

  it('is marked as a Confab addition in /openapi.json', async () => {
    const doc = await (await fetch(`${t.url}/openapi.json`)).json();
    expect(doc.paths['/chats.leave'].post['x-confab-addition']).toBe(true);
  });
});
