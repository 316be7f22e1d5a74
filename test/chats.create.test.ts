import { describe, expect, it } from 'vitest';
import { useServer, type Person } from './helpers/server.js';

const api = useServer();

async function pair(): Promise<{ ada: Person; bob: Person; carol: Person }> {
  const ada = await api.given.org();
  const bob = await api.given.user(ada);
  const carol = await api.given.user(ada, 'rev_user');
  return { ada, bob, carol };
}

describe('chats.create', () => {
  it('creates a DM and answers 201 with the chat as DevRev shapes it', async () => {
    const { ada, bob } = await pair();
    const res = await api.as(ada).post('/chats.create', { type: 'dm', users: [ada.id, bob.id], title: 'Launch' });
    expect(res.status).toBe(201);
    const { chat } = res.body;
    expect(chat.type).toBe('dm');
    expect(chat.id).toMatch(new RegExp(`^don:core:dvrv-us-1:devo/${ada.org.slug}:chat/\\d+$`));
    expect(chat.display_id).toMatch(/^CHAN-\d+$/);
    expect(chat.title).toBe('Launch');
    expect(chat.users.map((user: { id: string }) => user.id)).toEqual([ada.id, bob.id]);
    expect(chat.users[1]).toEqual({
      type: 'dev_user',
      id: bob.id,
      display_id: bob.displayId,
      display_name: bob.user.displayName,
      full_name: bob.user.fullName,
      email: bob.user.email,
      state: 'active',
    });
    expect(chat.created_by.id).toBe(ada.id);
    expect(chat.modified_by.id).toBe(ada.id);
    expect(chat.created_date).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(chat.modified_date).toBe(chat.created_date);
    expect(chat.groups).toEqual([]);
    expect(chat).not.toHaveProperty('sync_metadata');
  });

  it('omits the title when none was given', async () => {
    const { ada, bob } = await pair();
    const res = await api.as(ada).post('/chats.create', { type: 'dm', users: [ada.id, bob.id] });
    expect(res.status).toBe(201);
    expect(res.body.chat).not.toHaveProperty('title');
  });

  it('accepts display ids and DONs alike and de-duplicates users', async () => {
    const { ada, bob } = await pair();
    const res = await api.as(ada).post('/chats.create', { type: 'dm', users: [ada.displayId, bob.id, bob.displayId, ada.id] });
    expect(res.status).toBe(201);
    expect(res.body.chat.users.map((user: { id: string }) => user.id)).toEqual([ada.id, bob.id]);
  });

  it('lets a dev user and a rev user share a DM', async () => {
    const { ada, carol } = await pair();
    const res = await api.as(ada).post('/chats.create', { type: 'dm', users: [ada.id, carol.id] });
    expect(res.status).toBe(201);
    expect(res.body.chat.users[1]).toMatchObject({ type: 'rev_user', id: carol.id, display_id: carol.displayId });
  });

  it('allows a DM of the caller alone', async () => {
    const { ada } = await pair();
    const res = await api.as(ada).post('/chats.create', { type: 'dm', users: [ada.id] });
    expect(res.status).toBe(201);
    expect(res.body.chat.users).toHaveLength(1);
  });

  it('returns 409 conflict for a second default DM of the same users, in any order or id form', async () => {
    const { ada, bob } = await pair();
    expect((await api.as(ada).post('/chats.create', { type: 'dm', users: [ada.id, bob.id] })).status).toBe(201);
    const again = await api.as(bob).post('/chats.create', { type: 'dm', users: [bob.displayId, ada.displayId] });
    expect(again.status).toBe(409);
    expect(again.body.type).toBe('conflict');
  });

  it('returns the existing default DM with get_if_conflict', async () => {
    const { ada, bob } = await pair();
    const first = await api.as(ada).post('/chats.create', { type: 'dm', users: [ada.id, bob.id] });
    const again = await api.as(bob).post('/chats.create', { type: 'dm', users: [bob.id, ada.id], get_if_conflict: true });
    expect(again.status).toBe(201);
    expect(again.body.chat).toEqual(first.body.chat);
  });

  it('makes a new chat with get_if_conflict when there is no default yet', async () => {
    const { ada, bob } = await pair();
    const res = await api.as(ada).post('/chats.create', { type: 'dm', users: [ada.id, bob.id], get_if_conflict: true });
    expect(res.status).toBe(201);
    expect(res.body.chat.users).toHaveLength(2);
  });

  it('allows any number of non-default DMs of the same users beside the default', async () => {
    const { ada, bob } = await pair();
    const ids = new Set<string>();
    for (const isDefault of [true, false, false]) {
      const res = await api.as(ada).post('/chats.create', { type: 'dm', users: [ada.id, bob.id], is_default: isDefault });
      expect(res.status).toBe(201);
      ids.add(res.body.chat.id);
    }
    expect(ids.size).toBe(3);
    const byUsers = await api.as(ada).post('/chats.get', { type: 'dm', users: [ada.id, bob.id] });
    expect(byUsers.body.chat.id).toBe([...ids][0]);
  });

  it('keeps default DMs of different member sets apart', async () => {
    const { ada, bob, carol } = await pair();
    expect((await api.as(ada).post('/chats.create', { type: 'dm', users: [ada.id, bob.id] })).status).toBe(201);
    expect((await api.as(ada).post('/chats.create', { type: 'dm', users: [ada.id, bob.id, carol.id] })).status).toBe(201);
    expect((await api.as(ada).post('/chats.create', { type: 'dm', users: [ada.id] })).status).toBe(201);
  });

  it('returns 400 value_not_permitted when the caller is not one of the users', async () => {
    const { ada, bob, carol } = await pair();
    const res = await api.as(ada).post('/chats.create', { type: 'dm', users: [bob.id, carol.id] });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ type: 'value_not_permitted', field_name: 'users' });
  });

  it('returns 400 invalid_field for a user that does not exist', async () => {
    const { ada } = await pair();
    const res = await api.as(ada).post('/chats.create', { type: 'dm', users: [ada.id, 'DEVU-999999'] });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ type: 'invalid_field', field_name: 'users' });
  });

  it('treats a user of another organization as nonexistent', async () => {
    const { ada } = await pair();
    const stranger = await api.given.org();
    const res = await api.as(ada).post('/chats.create', { type: 'dm', users: [ada.id, stranger.id] });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ type: 'invalid_field', field_name: 'users' });
    expect(res.body.message).not.toContain(stranger.user.email);
  });

  it.each([
    ['garbage', 'not an id'],
    ['empty', ''],
    ['a DON of another partition', 'don:identity:dvrv-eu-1:devo/abc:devu/1'],
    ['an absurdly long id', `DEVU-${'9'.repeat(300)}`],
  ])('returns 400 invalid_id for %s', async (_label, id) => {
    const { ada } = await pair();
    const res = await api.as(ada).post('/chats.create', { type: 'dm', users: [ada.id, id] });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ type: 'invalid_id', field_name: 'users' });
  });

  it('returns 400 unexpected_id_type for the id of something that is not a user', async () => {
    const { ada, bob } = await pair();
    const chat = await api.as(ada).post('/chats.create', { type: 'dm', users: [ada.id, bob.id] });
    const res = await api.as(ada).post('/chats.create', { type: 'dm', users: [ada.id, chat.body.chat.id] });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ type: 'unexpected_id_type', field_name: 'users' });
  });

  it('returns 400 for a user number beyond any stored id, not a database error', async () => {
    const { ada } = await pair();
    const res = await api.as(ada).post('/chats.create', { type: 'dm', users: [ada.id, 'DEVU-99999999999999'] });
    expect(res.status).toBe(400);
    expect(res.body.type).toBe('invalid_field');
  });

  it('returns 400 missing_required_field for a request without users or type', async () => {
    const { ada } = await pair();
    const noUsers = await api.as(ada).post('/chats.create', { type: 'dm' });
    expect(noUsers.status).toBe(400);
    expect(noUsers.body).toMatchObject({ type: 'missing_required_field', field_name: 'users' });
    const noType = await api.as(ada).post('/chats.create', { users: [ada.id] });
    expect(noType.status).toBe(400);
    expect(noType.body).toMatchObject({ type: 'missing_required_field', field_name: 'type' });
  });

  it('returns 400 invalid_enum_value for a chat type DevRev does not have', async () => {
    const { ada } = await pair();
    const res = await api.as(ada).post('/chats.create', { type: 'channel', users: [ada.id] });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ type: 'invalid_enum_value', field_name: 'type', value: 'channel', allowed_values: ['dm'] });
  });

  it.each([
    ['users', 'a string', { users: 'DEVU-1' }, 'array', 'string'],
    ['users[0]', 'a number', { users: [1] }, 'string', 'number'],
    ['is_default', 'a string', { is_default: 'yes' }, 'bool', 'string'],
    ['get_if_conflict', 'null', { get_if_conflict: null }, 'bool', 'null'],
    ['title', 'an object', { title: { text: 'x' } }, 'string', 'object'],
    ['custom_fields', 'an array', { custom_fields: [] }, 'object', 'array'],
  ])('returns 400 unexpected_json_type when %s is %s', async (field, _label, patch, expected, actual) => {
    const { ada } = await pair();
    const res = await api.as(ada).post('/chats.create', { type: 'dm', users: [ada.id], ...patch });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ type: 'unexpected_json_type', field_name: field, expected, actual });
  });

  it('returns 400 unexpected_json_type when the body is not an object', async () => {
    const { ada } = await pair();
    const res = await api.as(ada).post('/chats.create', [ada.id]);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ type: 'unexpected_json_type', expected: 'object', actual: 'array' });
  });

  it('returns 400 invalid_field for no users, or more than 16', async () => {
    const { ada } = await pair();
    const none = await api.as(ada).post('/chats.create', { type: 'dm', users: [] });
    expect(none.status).toBe(400);
    expect(none.body).toMatchObject({ type: 'invalid_field', field_name: 'users' });
    const many = await api.as(ada).post('/chats.create', { type: 'dm', users: Array.from({ length: 17 }, () => ada.id) });
    expect(many.status).toBe(400);
    expect(many.body).toMatchObject({ type: 'invalid_field', field_name: 'users' });
  });

  it('accepts 16 distinct users', async () => {
    const ada = await api.given.org();
    const others = await Promise.all(Array.from({ length: 15 }, () => api.given.user(ada)));
    const res = await api.as(ada).post('/chats.create', { type: 'dm', users: [ada.id, ...others.map((other) => other.id)] });
    expect(res.status).toBe(201);
    expect(res.body.chat.users).toHaveLength(16);
  });

  it('accepts up to 16 records and refuses more', async () => {
    const { ada } = await pair();
    const records = Array.from({ length: 16 }, (_, index) => `ISS-${index + 1}`);
    expect((await api.as(ada).post('/chats.create', { type: 'dm', users: [ada.id], records, is_default: false })).status).toBe(201);
    const res = await api.as(ada).post('/chats.create', { type: 'dm', users: [ada.id], records: [...records, 'ISS-17'] });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ type: 'invalid_field', field_name: 'records' });
  });

  it('returns 400 invalid_id for a record that is not an id', async () => {
    const { ada } = await pair();
    const res = await api.as(ada).post('/chats.create', { type: 'dm', users: [ada.id], records: ['<script>'] });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ type: 'invalid_id', field_name: 'records' });
  });

  it('refuses custom fields larger than the limit', async () => {
    const { ada } = await pair();
    const res = await api.as(ada).post('/chats.create', { type: 'dm', users: [ada.id], custom_fields: { big: 'x'.repeat(20_000) } });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ type: 'invalid_field', field_name: 'custom_fields' });
  });

  it('changes nothing when a request is refused', async () => {
    const { ada, bob } = await pair();
    const refused = await api.as(ada).post('/chats.create', { type: 'dm', users: [ada.id, bob.id, 'DEVU-999999'] });
    expect(refused.status).toBe(400);
    const lookup = await api.as(ada).post('/chats.get', { type: 'dm', users: [ada.id, bob.id] });
    expect(lookup.status).toBe(404);
    const created = await api.as(ada).post('/chats.create', { type: 'dm', users: [ada.id, bob.id] });
    expect(created.status).toBe(201);
  });

  it('numbers chats per organization without gaps from refused requests', async () => {
    const ada = await api.given.org();
    const bob = await api.given.user(ada);
    const first = await api.as(ada).post('/chats.create', { type: 'dm', users: [ada.id, bob.id] });
    await api.as(ada).post('/chats.create', { type: 'dm', users: [ada.id, bob.id] }); // 409
    const second = await api.as(ada).post('/chats.create', { type: 'dm', users: [ada.id] });
    expect(first.body.chat.display_id).toBe('CHAN-1');
    expect(second.body.chat.display_id).toBe('CHAN-2');
  });
});

describe('chats.create under concurrency', () => {
  it('makes exactly one default DM from 20 simultaneous creates with get_if_conflict', async () => {
    const { ada, bob } = await pair();
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        api.as(index % 2 ? ada : bob).post('/chats.create', { type: 'dm', users: [ada.id, bob.id], get_if_conflict: true }),
      ),
    );
    expect(results.map((res) => res.status)).toEqual(Array(20).fill(201));
    expect(new Set(results.map((res) => res.body.chat.id)).size).toBe(1);
  });

  it('answers one 201 and nineteen 409s to 20 simultaneous creates without it', async () => {
    const { ada, bob } = await pair();
    const results = await Promise.all(
      Array.from({ length: 20 }, () => api.as(ada).post('/chats.create', { type: 'dm', users: [ada.id, bob.id] })),
    );
    const statuses = results.map((res) => res.status).sort();
    expect(statuses).toEqual([201, ...Array(19).fill(409)]);
    expect(results.filter((res) => res.status === 409).every((res) => res.body.type === 'conflict')).toBe(true);
  });
});
