import { describe, expect, it } from 'vitest';
import { useServer, type Person } from './helpers/server.js';

const t = useServer();
let names = 0;

async function newGroup(admin: Person, body: Record<string, unknown> = {}) {
  const response = await t.as(admin).post('/groups.create', { name: `team-${++names}`, description: 'a team', ...body });
  expect(response.status).toBe(201);
  return response.body.group as { id: string; display_id: string; name: string; member_type: string };
}

async function memberIds(person: Person, group: string): Promise<string[]> {
  const response = await t.as(person).get('/groups.members.list', { group });
  expect(response.status).toBe(200);
  return response.body.members.map((item: { member: { id: string } }) => item.member.id);
}

describe('groups.create', () => {
  it('creates a static group of dev users by default, in DevRev shape', async () => {
    const admin = await t.given.org();
    const group = await newGroup(admin, { name: 'Support' });
    expect(group).toMatchObject({ name: 'Support', description: 'a team', member_type: 'dev_user', is_default: false });
    expect(group.id).toMatch(/:group\/\d+$/);
    const rev = await newGroup(admin, { member_type: 'rev_user' });
    expect(rev.member_type).toBe('rev_user');
  });

  it('is for admins only', async () => {
    const admin = await t.given.org();
    const bob = await t.given.user(admin);
    const response = await t.as(bob).post('/groups.create', { name: 'x', description: 'y' });
    expect(response.status).toBe(403);
    expect(response.body.type).toBe('forbidden');
  });

  it('returns 409 for a name already taken in the org, but not in another org', async () => {
    const a = await t.given.org();
    const b = await t.given.org();
    await newGroup(a, { name: 'Dup' });
    const response = await t.as(a).post('/groups.create', { name: 'Dup', description: '' });
    expect(response.status).toBe(409);
    expect(response.body.type).toBe('conflict');
    await newGroup(b, { name: 'Dup' });
  });

  it('rejects bad input with DevRev errors', async () => {
    const admin = await t.given.org();
    const cases: [unknown, string, string][] = [
      [{ description: 'd' }, 'missing_required_field', 'name'],
      [{ name: 'n' }, 'missing_required_field', 'description'],
      [{ name: ' ', description: 'd' }, 'missing_required_field', 'name'],
      [{ name: 'n', description: 'd', member_type: 'robot' }, 'invalid_enum_value', 'member_type'],
      [{ name: 'n', description: 'd', type: 'dynamic' }, 'value_not_permitted', 'type'],
      [{ name: 'x'.repeat(300), description: 'd' }, 'invalid_field', 'name'],
    ];
    for (const [body, type, field] of cases) {
      const response = await t.as(admin).post('/groups.create', body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body).toMatchObject({ type, field_name: field });
    }
    expect((await t.as(admin).post('/groups.list', {})).body.groups).toEqual([]);
  });
});

describe('groups.get, groups.list and groups.update', () => {
  it('reads a group by either id form, for anyone in the org', async () => {
    const admin = await t.given.org();
    const bob = await t.given.user(admin);
    const group = await newGroup(admin);
    for (const id of [group.id, group.display_id]) {
      const response = await t.as(bob).get('/groups.get', { id });
      expect(response.status).toBe(200);
      expect(response.body.group.id).toBe(group.id);
    }
  });

  it("answers 404 for another org's group everywhere", async () => {
    const a = await t.given.org();
    const b = await t.given.org();
    const bBob = await t.given.user(b);
    const group = await newGroup(b);
    expect((await t.as(a).post('/groups.get', { id: group.id })).status).toBe(404);
    expect((await t.as(a).post('/groups.update', { id: group.id, name: 'stolen' })).status).toBe(404);
    expect((await t.as(a).post('/groups.members.add', { group: group.id, member: a.id })).status).toBe(404);
    expect((await t.as(a).post('/groups.members.add', { group: group.id, member: bBob.id })).status).toBe(404);
    expect((await t.as(a).post('/groups.members.list', { group: group.id })).status).toBe(404);
    expect((await t.as(a).post('/groups.list', { name: [group.name] })).body.groups).toEqual([]);
    expect((await t.as(b).get('/groups.get', { id: group.id })).body.group.name).toBe(group.name);
  });

  it('pages and filters', async () => {
    const admin = await t.given.org();
    const groups = [await newGroup(admin), await newGroup(admin), await newGroup(admin, { member_type: 'rev_user' })];
    const first = await t.as(admin).post('/groups.list', { limit: 2 });
    expect(first.body.groups).toHaveLength(2);
    const second = await t.as(admin).post('/groups.list', { limit: 2, cursor: first.body.next_cursor });
    expect(second.body.groups.map((group: { id: string }) => group.id)).toEqual([groups[2]!.id]);
    expect(second.body.next_cursor).toBeUndefined();
    const revOnly = await t.as(admin).get('/groups.list', { member_type: 'rev_user' });
    expect(revOnly.body.groups.map((group: { id: string }) => group.id)).toEqual([groups[2]!.id]);
    const forged = await t.as(admin).post('/groups.list', { cursor: 'AAAA' });
    expect(forged.status).toBe(400);
    expect(forged.body).toMatchObject({ type: 'invalid_field', field_name: 'cursor' });
    const otherList = await t.as(admin).post('/dev-users.list', { cursor: first.body.next_cursor });
    expect(otherList.status).toBe(400);
  });

  it('lets admins rename a group, with 409 on a taken name and 403 for others', async () => {
    const admin = await t.given.org();
    const bob = await t.given.user(admin);
    const group = await newGroup(admin);
    const other = await newGroup(admin);
    const renamed = await t.as(admin).post('/groups.update', { id: group.id, name: 'Renamed', description: 'new' });
    expect(renamed.status).toBe(200);
    expect(renamed.body.group).toMatchObject({ name: 'Renamed', description: 'new' });
    const taken = await t.as(admin).post('/groups.update', { id: group.id, name: other.name });
    expect(taken.status).toBe(409);
    const byPeer = await t.as(bob).post('/groups.update', { id: group.id, name: 'mine' });
    expect(byPeer.status).toBe(403);
    expect((await t.as(admin).get('/groups.get', { id: group.id })).body.group.name).toBe('Renamed');
  });
});

describe('groups.members.add, .remove and .list', () => {
  it('adds, lists and removes members', async () => {
    const admin = await t.given.org();
    const bob = await t.given.user(admin);
    const carol = await t.given.user(admin);
    const group = await newGroup(admin);
    const add = await t.as(admin).post('/groups.members.add', { group: group.id, member: bob.id });
    expect(add.status).toBe(200);
    expect(add.body).toEqual({});
    await t.as(admin).post('/groups.members.add', { group: group.display_id, member: carol.displayId });
    // Adding twice is harmless.
    expect((await t.as(admin).post('/groups.members.add', { group: group.id, member: bob.id })).status).toBe(200);
    expect(await memberIds(bob, group.id)).toEqual([bob.id, carol.id]);
    const page = await t.as(admin).post('/groups.members.list', { group: group.id, limit: 1 });
    expect(page.body.members).toHaveLength(1);
    expect(page.body.next_cursor).toBeDefined();
    const remove = await t.as(admin).post('/groups.members.remove', { group: group.id, member: bob.id });
    expect(remove.status).toBe(200);
    expect(await memberIds(admin, group.id)).toEqual([carol.id]);
    const again = await t.as(admin).post('/groups.members.remove', { group: group.id, member: bob.id });
    expect(again.status).toBe(404);
  });

  it('enforces member_type', async () => {
    const admin = await t.given.org();
    const customer = await t.given.user(admin, 'rev_user');
    const devGroup = await newGroup(admin);
    const revGroup = await newGroup(admin, { member_type: 'rev_user' });
    const wrong = await t.as(admin).post('/groups.members.add', { group: devGroup.id, member: customer.id });
    expect(wrong.status).toBe(400);
    expect(wrong.body).toMatchObject({ type: 'value_not_permitted', field_name: 'member' });
    const wrongDev = await t.as(admin).post('/groups.members.add', { group: revGroup.id, member: admin.id });
    expect(wrongDev.status).toBe(400);
    expect((await t.as(admin).post('/groups.members.add', { group: revGroup.id, member: customer.id })).status).toBe(200);
    expect(await memberIds(admin, devGroup.id)).toEqual([]);
    expect(await memberIds(admin, revGroup.id)).toEqual([customer.id]);
  });

  it('is for admins only, refuses deactivated users, and 404s unknown members', async () => {
    const admin = await t.given.org();
    const bob = await t.given.user(admin);
    const carol = await t.given.user(admin);
    const group = await newGroup(admin);
    const byPeer = await t.as(bob).post('/groups.members.add', { group: group.id, member: bob.id });
    expect(byPeer.status).toBe(403);
    await t.as(admin).post('/dev-users.deactivate', { id: carol.id });
    const deactivated = await t.as(admin).post('/groups.members.add', { group: group.id, member: carol.id });
    expect(deactivated.status).toBe(400);
    expect(deactivated.body).toMatchObject({ type: 'value_not_permitted', field_name: 'member' });
    expect((await t.as(admin).post('/groups.members.add', { group: group.id, member: 'DEVU-9999' })).status).toBe(404);
    const malformed = await t.as(admin).post('/groups.members.add', { group: group.id, member: 'nope' });
    expect(malformed.body).toMatchObject({ type: 'invalid_id', field_name: 'member' });
    expect(await memberIds(admin, group.id)).toEqual([]);
  });

  it("removing someone from a chat's group removes their access to the chat at once", async () => {
    const admin = await t.given.org();
    const bob = await t.given.user(admin);
    const group = await newGroup(admin);
    await t.as(admin).post('/groups.members.add', { group: group.id, member: bob.id });
    const chat = await t.as(admin).post('/chats.create', { type: 'dm', users: [admin.id], groups: [group.id] });
    expect(chat.status).toBe(201);
    expect((await t.as(bob).post('/chats.get', { id: chat.body.chat.id })).status).toBe(200);
    await t.as(admin).post('/groups.members.remove', { group: group.id, member: bob.id });
    const denied = await t.as(bob).post('/chats.get', { id: chat.body.chat.id });
    expect(denied.status).toBe(403);
    expect(denied.body.type).toBe('forbidden');
  });
});
