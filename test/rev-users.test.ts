import { describe, expect, it } from 'vitest';
import { useServer } from './helpers/server.js';

const t = useServer();

describe('rev-users.create', () => {
  it('creates a customer in a rev org, in DevRev shape, for admins only', async () => {
    const admin = await t.given.org();
    const org = (await t.as(admin).post('/rev-orgs.create', { display_name: 'Acme' })).body.rev_org;
    const response = await t.as(admin).post('/rev-users.create', {
      display_name: 'Wile',
      email: 'Wile@Acme.com',
      external_ref: 'cust-1',
      rev_org: org.display_id,
    });
    expect(response.status).toBe(201);
    expect(response.body.rev_user).toMatchObject({
      type: 'rev_user',
      display_name: 'Wile',
      email: 'wile@acme.com',
      external_ref: 'cust-1',
      state: 'active',
      rev_org: { type: 'rev_org', id: org.id, display_name: 'Acme' },
    });
    const bob = await t.given.user(admin);
    expect((await t.as(bob).post('/rev-users.create', { display_name: 'x' })).status).toBe(403);
  });

  it('keeps external_ref and email unique within the org (409), not across orgs', async () => {
    const a = await t.given.org();
    const b = await t.given.org();
    expect((await t.as(a).post('/rev-users.create', { external_ref: 'c1', email: 'c@x.com' })).status).toBe(201);
    const dupRef = await t.as(a).post('/rev-users.create', { external_ref: 'c1' });
    expect(dupRef.status).toBe(409);
    expect(dupRef.body.type).toBe('conflict');
    expect((await t.as(a).post('/rev-users.create', { email: 'C@x.com' })).status).toBe(409);
    expect((await t.as(b).post('/rev-users.create', { external_ref: 'c1', email: 'c@x.com' })).status).toBe(201);
  });

  it('rejects bad input', async () => {
    const admin = await t.given.org();
    const badEmail = await t.as(admin).post('/rev-users.create', { email: 'nope' });
    expect(badEmail.status).toBe(400);
    expect(badEmail.body).toMatchObject({ type: 'invalid_field', field_name: 'email' });
    const badOrg = await t.as(admin).post('/rev-users.create', { rev_org: 'DEVU-1' });
    expect(badOrg.body).toMatchObject({ type: 'unexpected_id_type', field_name: 'rev_org' });
    expect((await t.as(admin).post('/rev-users.list', {})).body.rev_users).toEqual([]);
  });
});

describe('rev-users.get, .list, .update and .delete', () => {
  it('reads, filters, pages and updates', async () => {
    const admin = await t.given.org();
    const org = (await t.as(admin).post('/rev-orgs.create', { display_name: 'Acme' })).body.rev_org;
    const one = (await t.as(admin).post('/rev-users.create', { external_ref: 'u1', rev_org: org.id })).body.rev_user;
    const two = (await t.as(admin).post('/rev-users.create', { external_ref: 'u2' })).body.rev_user;
    expect((await t.as(admin).get('/rev-users.get', { id: one.display_id })).body.rev_user.id).toBe(one.id);
    const byOrg = await t.as(admin).get('/rev-users.list', { rev_org: org.id });
    expect(byOrg.body.rev_users.map((user: { id: string }) => user.id)).toEqual([one.id]);
    const byRef = await t.as(admin).post('/rev-users.list', { external_ref: ['u2'] });
    expect(byRef.body.rev_users.map((user: { id: string }) => user.id)).toEqual([two.id]);
    const page = await t.as(admin).post('/rev-users.list', { limit: 1 });
    const next = await t.as(admin).post('/rev-users.list', { limit: 1, cursor: page.body.next_cursor });
    expect(next.body.rev_users.map((user: { id: string }) => user.id)).toEqual([two.id]);
    const updated = await t.as(admin).post('/rev-users.update', { id: two.id, display_name: 'Two', external_ref: 'u2b' });
    expect(updated.body.rev_user).toMatchObject({ display_name: 'Two', external_ref: 'u2b' });
    expect((await t.as(admin).post('/rev-users.update', { id: two.id, external_ref: 'u1' })).status).toBe(409);
  });

  it('deletes softly: gone from reads and lists, its external_ref free again, still shown in old chats', async () => {
    const admin = await t.given.org();
    const customer = (await t.as(admin).post('/rev-users.create', { external_ref: 'gone' })).body.rev_user;
    const chat = await t.as(admin).post('/chats.create', { type: 'dm', users: [admin.id, customer.id] });
    expect(chat.status).toBe(201);
    expect((await t.as(admin).post('/rev-users.delete', { id: customer.id })).status).toBe(200);
    expect((await t.as(admin).post('/rev-users.get', { id: customer.id })).status).toBe(404);
    expect((await t.as(admin).post('/rev-users.delete', { id: customer.id })).status).toBe(404);
    expect((await t.as(admin).post('/rev-users.list', {})).body.rev_users).toEqual([]);
    expect((await t.as(admin).post('/rev-users.create', { external_ref: 'gone' })).status).toBe(201);
    const shown = (await t.as(admin).post('/chats.get', { id: chat.body.chat.id })).body.chat.users;
    expect(shown.find((user: { id: string }) => user.id === customer.id).state).toBe('deleted');
  });

  it('lets rev users be in DMs with dev users, and use their own tokens there', async () => {
    const admin = await t.given.org();
    const customer = await t.given.user(admin, 'rev_user');
    const chat = await t.as(customer).post('/chats.create', { type: 'dm', users: [customer.id, admin.id] });
    expect(chat.status).toBe(201);
    expect(chat.body.chat.users.map((user: { type: string }) => user.type).sort()).toEqual(['dev_user', 'rev_user']);
    expect((await t.as(admin).post('/chats.get', { id: chat.body.chat.id })).status).toBe(200);
  });

  it("answers 404 for another org's rev user everywhere and never lists them", async () => {
    const a = await t.given.org();
    const b = await t.given.org();
    const customer = (await t.as(b).post('/rev-users.create', { external_ref: 'secret', email: 's@b.com' })).body.rev_user;
    expect((await t.as(a).post('/rev-users.get', { id: customer.id })).status).toBe(404);
    expect((await t.as(a).post('/rev-users.update', { id: customer.id, display_name: 'x' })).status).toBe(404);
    expect((await t.as(a).post('/rev-users.delete', { id: customer.id })).status).toBe(404);
    expect((await t.as(a).post('/rev-users.list', { external_ref: ['secret'] })).body.rev_users).toEqual([]);
    expect((await t.as(a).post('/rev-users.list', { email: ['s@b.com'] })).body.rev_users).toEqual([]);
    expect((await t.as(b).post('/rev-users.get', { id: customer.id })).body.rev_user.external_ref).toBe('secret');
  });

  it('is for admins only when changing', async () => {
    const admin = await t.given.org();
    const bob = await t.given.user(admin);
    const customer = (await t.as(admin).post('/rev-users.create', { display_name: 'C' })).body.rev_user;
    expect((await t.as(bob).post('/rev-users.update', { id: customer.id, display_name: 'x' })).status).toBe(403);
    expect((await t.as(bob).post('/rev-users.delete', { id: customer.id })).status).toBe(403);
    expect((await t.as(bob).get('/rev-users.get', { id: customer.id })).body.rev_user.display_name).toBe('C');
  });

  it('keeps customers from seeing each other (404 for a stranger, 403 for a colleague) or enumerating staff (403), but lets them read themselves', async () => {
    const admin = await t.given.org();
    const org = (await t.as(admin).post('/rev-orgs.create', { display_name: 'Theirs' })).body.rev_org;
    const carla = await t.given.user(admin, 'rev_user');
    const dave = await t.given.user(admin, 'rev_user');
    expect((await t.as(carla).get('/rev-users.get', { id: carla.id })).status).toBe(200);
    // A customer of no shared rev org is not there for carla (test/security.absent.test.ts).
    const stranger = await t.as(carla).get('/rev-users.get', { id: dave.id });
    expect(stranger.status).toBe(404);
    expect(stranger.body.type).toBe('not_found');
    // Colleagues she may chat with are known to her, but not hers to read.
    const eve = await t.given.customer(admin, org.id, 'eve');
    const fay = await t.given.customer(admin, org.id, 'fay');
    const colleague = await t.as(eve).get('/rev-users.get', { id: fay.id });
    expect(colleague.status).toBe(403);
    expect(colleague.body.type).toBe('forbidden');
    for (const path of ['/rev-users.list', '/rev-orgs.list', '/dev-users.list', '/groups.list']) {
      const response = await t.as(carla).post(path, {});
      expect(response.status, path).toBe(403);
    }
    expect((await t.as(carla).post('/rev-orgs.get', { id: org.id })).status).toBe(403);
    // The dev user they talk to may be looked up by id.
    expect((await t.as(carla).post('/dev-users.get', { id: admin.id })).status).toBe(200);
  });
});
