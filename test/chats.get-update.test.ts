import { describe, expect, it } from 'vitest';
import type { Person } from './helpers/server.js';
import { useServer } from './helpers/server.js';

const api = useServer();

async function dm(): Promise<{ ada: Person; bob: Person; outsider: Person; chat: any }> {
  const ada = await api.given.org();
  const bob = await api.given.user(ada);
  const outsider = await api.given.user(ada);
  const res = await api.as(ada).post('/chats.create', { type: 'dm', users: [ada.id, bob.id], title: 'Plans' });
  expect(res.status).toBe(201);
  return { ada, bob, outsider, chat: res.body.chat };
}

/** A group of the admin's org with the given members. */
async function group(owner: Person, members: Person[]): Promise<{ id: string; displayId: string }> {
  const made = await api.given.group(owner, members);
  return { id: made.id, displayId: made.display_id };
}

describe('chats.get', () => {
  it('reads a chat by DON and by display id, with GET and POST', async () => {
    const { bob, chat } = await dm();
    for (const res of [
      await api.as(bob).get('/chats.get', { id: chat.id }),
      await api.as(bob).get('/chats.get', { id: chat.display_id }),
      await api.as(bob).post('/chats.get', { id: chat.id }),
      await api.as(bob).post('/chats.get', { id: chat.display_id }),
    ]) {
      expect(res.status).toBe(200);
      expect(res.body.chat).toEqual(chat);
    }
  });

  it('finds the default DM by its users, in any order and id form', async () => {
    const { ada, bob, chat } = await dm();
    const res = await api.as(ada).post('/chats.get', { type: 'dm', users: [bob.displayId, ada.id] });
    expect(res.status).toBe(200);
    expect(res.body.chat.id).toBe(chat.id);
  });

  it('returns 404 not_found when those users have no default DM', async () => {
    const { ada, outsider } = await dm();
    const res = await api.as(ada).post('/chats.get', { type: 'dm', users: [ada.id, outsider.id] });
    expect(res.status).toBe(404);
    expect(res.body.type).toBe('not_found');
  });

  it('returns 404 not_found when a named user does not exist', async () => {
    const { ada } = await dm();
    const res = await api.as(ada).post('/chats.get', { type: 'dm', users: [ada.id, 'DEVU-424242'] });
    expect(res.status).toBe(404);
    expect(res.body.type).toBe('not_found');
  });

  it('returns 403 forbidden to a user of the organization who is not a member', async () => {
    const { outsider, chat } = await dm();
    const res = await api.as(outsider).get('/chats.get', { id: chat.id });
    expect(res.status).toBe(403);
    expect(res.body.type).toBe('forbidden');
    const byUsers = await api.as(outsider).post('/chats.get', { type: 'dm', users: chat.users.map((user: any) => user.id) });
    expect(byUsers.status).toBe(403);
  });

  it('returns 404 not_found for a chat of another organization, never 403', async () => {
    const { chat } = await dm();
    const stranger = await api.given.org();
    const res = await api.as(stranger).get('/chats.get', { id: chat.id });
    expect(res.status).toBe(404);
    expect(res.body.type).toBe('not_found');
  });

  it('resolves display ids within the caller\'s organization only', async () => {
    const { chat } = await dm();
    const stranger = await api.given.org();
    const res = await api.as(stranger).get('/chats.get', { id: chat.display_id });
    expect(res.status).toBe(404);
  });

  it('returns 404 not_found for a chat number that does not exist, however large', async () => {
    const { ada } = await dm();
    for (const id of ['CHAN-9999', 'CHAN-99999999999999']) {
      const res = await api.as(ada).get('/chats.get', { id });
      expect(res.status).toBe(404);
      expect(res.body.type).toBe('not_found');
    }
  });

  it('grants access through a group of the chat', async () => {
    const { ada, bob, outsider } = await dm();
    const team = await group(ada, [outsider]);
    const created = await api.as(ada).post('/chats.create', {
      type: 'dm',
      users: [ada.id, bob.id],
      is_default: false,
      groups: [team.id],
    });
    expect(created.status).toBe(201);
    expect(created.body.chat.groups).toEqual([
      { id: team.id, display_id: team.displayId, member_type: 'dev_user', name: expect.any(String) },
    ]);
    const res = await api.as(outsider).get('/chats.get', { id: created.body.chat.id });
    expect(res.status).toBe(200);
  });

  it('returns 400 invalid_id for a malformed id and unexpected_id_type for a user id', async () => {
    const { ada } = await dm();
    const malformed = await api.as(ada).get('/chats.get', { id: 'chat-one' });
    expect(malformed.status).toBe(400);
    expect(malformed.body).toMatchObject({ type: 'invalid_id', field_name: 'id' });
    const wrongKind = await api.as(ada).get('/chats.get', { id: ada.id });
    expect(wrongKind.status).toBe(400);
    expect(wrongKind.body).toMatchObject({ type: 'unexpected_id_type', field_name: 'id' });
  });

  it('returns 400 missing_required_field without an id or users', async () => {
    const { ada } = await dm();
    const get = await api.as(ada).get('/chats.get');
    expect(get.status).toBe(400);
    expect(get.body).toMatchObject({ type: 'missing_required_field', field_name: 'id' });
    const post = await api.as(ada).post('/chats.get', {});
    expect(post.status).toBe(400);
    expect(post.body).toMatchObject({ type: 'missing_required_field', field_name: 'id' });
    const noType = await api.as(ada).post('/chats.get', { users: [ada.id] });
    expect(noType.status).toBe(400);
    expect(noType.body).toMatchObject({ type: 'missing_required_field', field_name: 'type' });
  });

  it('takes only id in its GET form, as DevRev documents it: type and users there are 400 missing_required_field id, not 500', async () => {
    const { ada, bob } = await dm();
    for (const users of [`${ada.id},${bob.id}`, [ada.id, bob.id], `"${ada.id}","${bob.id}"`]) {
      const res = await api.as(ada).get('/chats.get', { type: 'dm', users });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ type: 'missing_required_field', field_name: 'id' });
    }
  });

  it('returns 400 when the id query parameter is repeated', async () => {
    const { ada, chat } = await dm();
    const res = await api.as(ada).get('/chats.get', { id: [chat.id, chat.id] });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ type: 'unexpected_json_type', field_name: 'id' });
  });
});

describe('chats.update', () => {
  it('changes the title and records who changed it and when', async () => {
    const { bob, chat } = await dm();
    await new Promise((resolve) => setTimeout(resolve, 5));
    const res = await api.as(bob).post('/chats.update', { id: chat.display_id, title: 'New plans' });
    expect(res.status).toBe(200);
    expect(res.body.chat.title).toBe('New plans');
    expect(res.body.chat.modified_by.id).toBe(bob.id);
    expect(res.body.chat.created_by.id).toBe(chat.created_by.id);
    expect(res.body.chat.modified_date > chat.modified_date).toBe(true);
    expect(res.body.chat.created_date).toBe(chat.created_date);
    const read = await api.as(bob).get('/chats.get', { id: chat.id });
    expect(read.body.chat).toEqual(res.body.chat);
  });

  it('clears the title with an empty string', async () => {
    const { ada, chat } = await dm();
    const res = await api.as(ada).post('/chats.update', { id: chat.id, title: '' });
    expect(res.status).toBe(200);
    expect(res.body.chat).not.toHaveProperty('title');
  });

  it('answers an update that changes nothing with the chat unchanged', async () => {
    const { ada, chat } = await dm();
    const res = await api.as(ada).post('/chats.update', { id: chat.id });
    expect(res.status).toBe(200);
    expect(res.body.chat).toEqual(chat);
  });

  it('replaces the users with users.set, moving the default-DM key with them', async () => {
    const { ada, bob, outsider, chat } = await dm();
    const res = await api.as(ada).post('/chats.update', { id: chat.id, type: 'dm', users: { set: [ada.id, bob.id, outsider.id] } });
    expect(res.status).toBe(200);
    expect(res.body.chat.users.map((user: any) => user.id)).toEqual([ada.id, bob.id, outsider.id]);
    const oldSet = await api.as(ada).post('/chats.get', { type: 'dm', users: [ada.id, bob.id] });
    expect(oldSet.status).toBe(404);
    const newSet = await api.as(outsider).post('/chats.get', { type: 'dm', users: [outsider.id, bob.id, ada.id] });
    expect(newSet.body.chat.id).toBe(chat.id);
    // The old set is free again for a new default DM.
    expect((await api.as(ada).post('/chats.create', { type: 'dm', users: [ada.id, bob.id] })).status).toBe(201);
  });

  it('returns 409 conflict when users.set would make a second default DM of a set', async () => {
    const { ada, bob, outsider, chat } = await dm();
    expect((await api.as(ada).post('/chats.create', { type: 'dm', users: [ada.id, outsider.id] })).status).toBe(201);
    const res = await api.as(ada).post('/chats.update', { id: chat.id, users: { set: [ada.id, outsider.id] } });
    expect(res.status).toBe(409);
    expect(res.body.type).toBe('conflict');
    const unchanged = await api.as(bob).get('/chats.get', { id: chat.id });
    expect(unchanged.body.chat).toEqual(chat);
  });

  it('returns 400 value_not_permitted when the caller would no longer be a member', async () => {
    const { ada, bob, outsider, chat } = await dm();
    const res = await api.as(ada).post('/chats.update', { id: chat.id, users: { set: [bob.id, outsider.id] } });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ type: 'value_not_permitted', field_name: 'users.set' });
    expect((await api.as(ada).get('/chats.get', { id: chat.id })).body.chat).toEqual(chat);
  });

  it('lets the caller leave the users while a group of the chat keeps them a member', async () => {
    const { ada, bob, chat } = await dm();
    const team = await group(ada, [ada]);
    const res = await api.as(ada).post('/chats.update', { id: chat.id, users: { set: [bob.id] }, groups: { set: [team.id] } });
    expect(res.status).toBe(200);
    expect(res.body.chat.users.map((user: any) => user.id)).toEqual([bob.id]);
    expect((await api.as(ada).get('/chats.get', { id: chat.id })).status).toBe(200);
  });

  it('returns 403 forbidden to a non-member and 404 to another organization', async () => {
    const { outsider, chat } = await dm();
    const res = await api.as(outsider).post('/chats.update', { id: chat.id, title: 'mine now' });
    expect(res.status).toBe(403);
    expect(res.body.type).toBe('forbidden');
    const stranger = await api.given.org();
    const foreign = await api.as(stranger).post('/chats.update', { id: chat.id, title: 'mine now' });
    expect(foreign.status).toBe(404);
    expect(foreign.body.type).toBe('not_found');
  });

  it('returns 400 for a malformed update and changes nothing', async () => {
    const { ada, chat } = await dm();
    const cases: [unknown, string, string][] = [
      [{ title: 'x' }, 'missing_required_field', 'id'],
      [{ id: chat.id, users: {} }, 'missing_required_field', 'users.set'],
      [{ id: chat.id, users: { set: [] } }, 'invalid_field', 'users.set'],
      [{ id: chat.id, users: { set: ['nobody'] } }, 'invalid_id', 'users.set'],
      [{ id: chat.id, users: { set: [ada.id, 'DEVU-31337'] } }, 'invalid_field', 'users.set'],
      [{ id: chat.id, users: [ada.id] }, 'unexpected_json_type', 'users'],
      [{ id: chat.id, records: { set: Array.from({ length: 17 }, (_, n) => `ISS-${n}`) } }, 'invalid_field', 'records.set'],
      [{ id: chat.id, type: 'group' }, 'invalid_enum_value', 'type'],
      [{ id: chat.id, title: 'x'.repeat(5000) }, 'invalid_field', 'title'],
    ];
    for (const [body, type, field] of cases) {
      const res = await api.as(ada).post('/chats.update', body);
      expect({ body, status: res.status, type: res.body.type, field: res.body.field_name }).toEqual({
        body,
        status: 400,
        type,
        field,
      });
    }
    expect((await api.as(ada).get('/chats.get', { id: chat.id })).body.chat).toEqual(chat);
  });

  it('sets records, which are stored though DevRev\'s dm object has no field to echo them', async () => {
    const { ada, chat } = await dm();
    const records = ['ISS-1', 'don:core:dvrv-us-1:devo/x:issue/1'];
    const res = await api.as(ada).post('/chats.update', { id: chat.id, records: { set: [...records, 'ISS-1'] } });
    expect(res.status).toBe(200);
    expect(res.body.chat.modified_by.id).toBe(ada.id);
    const [row] = await api.executeBehindItsBack('SELECT records FROM chats WHERE org_id = ? AND number = ?', [
      ada.org.id,
      Number(chat.display_id.split('-')[1]),
    ]);
    expect(JSON.parse(row!.records as string)).toEqual(records);
  });
});
