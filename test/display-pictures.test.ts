import { describe, expect, it } from 'vitest';
import { picture, png, prepare } from './helpers/artifacts.js';
import { useServer } from './helpers/server.js';

const t = useServer();

describe('display_picture on dev users', () => {
  it('puts the artifact summary into every user summary: dev users, chats, timeline entries, lists', async () => {
    const admin = await t.given.org();
    const bob = await t.given.user(admin);
    const id = await picture(t, bob, 'bob.png');
    const updated = await t.as(bob).post('/dev-users.self.update', { display_picture: id });
    expect(updated.status).toBe(200);
    const expected = { id, display_id: expect.stringMatching(/^ARTIFACT-\d+$/), file: { type: 'image/png', name: 'bob.png', size: png().length } };
    expect(updated.body.dev_user.display_picture).toEqual(expected);

    const chat = await t.as(admin).post('/chats.create', { type: 'dm', users: [admin.id, bob.id], is_default: false });
    expect(chat.status).toBe(201);
    const bobInChat = chat.body.chat.users.find((u: { id: string }) => u.id === bob.id);
    expect(bobInChat.display_picture).toEqual(expected);
    const entry = await t.as(bob).post('/timeline-entries.create', { type: 'timeline_comment', object: chat.body.chat.id, body: 'hi' });
    expect(entry.body.timeline_entry.created_by.display_picture).toEqual(expected);
    const listed = await t.as(admin).post('/timeline-entries.list', { object: chat.body.chat.id });
    expect(listed.body.timeline_entries[0].created_by.display_picture).toEqual(expected);
    const got = await t.as(admin).post('/chats.get', { id: chat.body.chat.id });
    expect(got.body.chat.users.find((u: { id: string }) => u.id === bob.id).display_picture).toEqual(expected);
    const users = await t.as(admin).post('/dev-users.list', {});
    expect(users.body.dev_users.find((u: { id: string }) => u.id === bob.id).display_picture).toEqual(expected);
    expect((await t.as(bob).get('/dev-users.self')).body.dev_user.display_picture).toEqual(expected);
  });

  it('lets an admin set someone\'s picture with dev-users.update, and null removes it', async () => {
    const admin = await t.given.org();
    const bob = await t.given.user(admin);
    const id = await picture(t, admin);
    const set = await t.as(admin).post('/dev-users.update', { id: bob.id, display_picture: id });
    expect(set.status).toBe(200);
    expect(set.body.dev_user.display_picture.id).toBe(id);
    const cleared = await t.as(admin).post('/dev-users.update', { id: bob.id, display_picture: null });
    expect(cleared.status).toBe(200);
    expect(cleared.body.dev_user.display_picture).toBeUndefined();
  });

  it('is 403 forbidden for someone else\'s upload unless the caller is an admin', async () => {
    const admin = await t.given.org();
    const bob = await t.given.user(admin);
    const carol = await t.given.user(admin);
    const bobs = await picture(t, bob);
    const response = await t.as(carol).post('/dev-users.self.update', { display_picture: bobs });
    expect(response.status).toBe(403);
    expect(response.body.type).toBe('forbidden');
    expect((await t.as(carol).get('/dev-users.self')).body.dev_user.display_picture).toBeUndefined();
    expect((await t.as(admin).post('/dev-users.update', { id: carol.id, display_picture: bobs })).status).toBe(200);
  });

  it('is 400 artifact_already_attached_to_a_parent for an artifact attached to someone else', async () => {
    const admin = await t.given.org();
    const bob = await t.given.user(admin);
    const id = await picture(t, admin);
    expect((await t.as(admin).post('/dev-users.self.update', { display_picture: id })).status).toBe(200);
    const response = await t.as(admin).post('/dev-users.update', { id: bob.id, display_picture: id });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({
      type: 'artifact_already_attached_to_a_parent',
      existing_parent: admin.id,
      is_same: false,
      field_name: 'display_picture',
    });
    expect((await t.as(bob).get('/dev-users.self')).body.dev_user.display_picture).toBeUndefined();
    // The same picture again for the same user is no change, not an error.
    expect((await t.as(admin).post('/dev-users.self.update', { display_picture: id })).status).toBe(200);
  });

  it('refuses an artifact with no upload yet: 400 value_not_permitted', async () => {
    const admin = await t.given.org();
    const prepared = await prepare(t, admin);
    const response = await t.as(admin).post('/dev-users.self.update', { display_picture: prepared.id, full_name: 'Changed' });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ type: 'value_not_permitted', field_name: 'display_picture' });
    const self = (await t.as(admin).get('/dev-users.self')).body.dev_user;
    expect(self.full_name).not.toBe('Changed');
    expect(self.display_picture).toBeUndefined();
  });

  it('is 404 for another organization\'s artifact and 400 for what is not an artifact id', async () => {
    const admin = await t.given.org();
    const eve = await t.given.org();
    const evesPicture = await picture(t, eve);
    const foreign = await t.as(admin).post('/dev-users.self.update', { display_picture: evesPicture });
    expect(foreign.status).toBe(404);
    expect(foreign.body.type).toBe('not_found');
    const cases: [unknown, string][] = [
      ['nope', 'invalid_id'],
      [admin.id, 'unexpected_id_type'],
      [42, 'unexpected_json_type'],
    ];
    for (const [value, type] of cases) {
      const response = await t.as(admin).post('/dev-users.self.update', { display_picture: value });
      expect(response.status, String(value)).toBe(400);
      expect(response.body).toMatchObject({ type, field_name: 'display_picture' });
    }
  });

  it('lets two concurrent attachments of one artifact to two users have one winner', async () => {
    const admin = await t.given.org();
    const bob = await t.given.user(admin);
    const carol = await t.given.user(admin);
    const id = await picture(t, admin);
    const responses = await Promise.all(
      [bob, carol].map((person) => t.as(admin).post('/dev-users.update', { id: person.id, display_picture: id })),
    );
    expect(responses.map((r) => r.status).sort()).toEqual([200, 400]);
    const loser = responses.find((r) => r.status === 400)!;
    expect(loser.body.type).toBe('artifact_already_attached_to_a_parent');
    const winner = responses.find((r) => r.status === 200)!;
    expect(loser.body.existing_parent).toBe(winner.body.dev_user.id);
  });
});

describe('display_picture on rev users', () => {
  it('is set by an admin with rev-users.update and shows wherever the customer does', async () => {
    const admin = await t.given.org();
    const carla = await t.given.user(admin, 'rev_user');
    const id = await picture(t, admin, 'carla.webp');
    const updated = await t.as(admin).post('/rev-users.update', { id: carla.id, display_picture: id });
    expect(updated.status).toBe(200);
    expect(updated.body.rev_user.display_picture).toMatchObject({ id, file: { name: 'carla.webp', type: 'image/png' } });
    const chat = await t.as(admin).post('/chats.create', { type: 'dm', users: [admin.id, carla.id], is_default: false });
    expect(chat.body.chat.users.find((u: { id: string }) => u.id === carla.id).display_picture.id).toBe(id);
    const self = await t.as(carla).post('/rev-users.get', { id: carla.id });
    expect(self.body.rev_user.display_picture.id).toBe(id);
  });
});
