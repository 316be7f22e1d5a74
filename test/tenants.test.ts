import { beforeAll, describe, expect, it } from 'vitest';
import { Client, useEmulator, useServer } from './helpers/server.js';

const emulator = useEmulator();
let root: Client;
const as = (token: string) => emulator.withToken(token);

beforeAll(() => {
  root = as(emulator.server.firstRun!.token);
});

const FIXTURES = {
  name: 'Acme',
  users: [
    { ref: 'ada', type: 'dev_user', email: 'ada@acme.test', full_name: 'Ada Lovelace' },
    { ref: 'grace', type: 'dev_user', email: 'grace@acme.test' },
  ],
  groups: [{ ref: 'support', name: 'Support', members: ['grace'] }],
  chats: [{ users: ['ada', 'grace'], title: 'Ada and Grace' }],
  tokens: [{ user: 'ada', value: 'tenant-token-ada' }],
};

describe('confab.orgs.create', () => {
  it('creates an empty organization with an admin and a working token', async () => {
    const response = await root.post('/confab.orgs.create', {});
    expect(response.status).toBe(201);
    expect(response.body).toEqual({
      org: { id: expect.stringMatching(/^don:identity:dvrv-us-1:devo\/[a-z0-9]+$/), slug: expect.any(String), name: expect.any(String), created_date: expect.any(String) },
      admin: { user: expect.objectContaining({ type: 'dev_user', display_id: 'DEVU-1' }), token: expect.any(String) },
    });
    const self = await as(response.body.admin.token).get('/dev-users.self');
    expect(self.status).toBe(200);
    expect(self.body.dev_user.id).toBe(`don:identity:dvrv-us-1:devo/${response.body.org.slug}:devu/1`);
  });

  it('loads fixtures in the --fixtures format, numbered as in a fixtures file, the admin after them', async () => {
    const response = await root.post('/confab.orgs.create', { fixtures: FIXTURES });
    expect(response.status).toBe(201);
    expect(response.body.org.name).toBe('Acme');
    expect(response.body.admin.user.display_id).toBe('DEVU-3');
    const chat = await as('tenant-token-ada').get('/chats.get', { id: 'CHAN-1' });
    expect(chat.status).toBe(200);
    expect(chat.body.chat.title).toBe('Ada and Grace');
    expect(chat.body.chat.users.map((user: { display_id: string }) => user.display_id)).toEqual(['DEVU-1', 'DEVU-2']);
  });

  it('keeps tenants apart: the same ids in another tenant are 404', async () => {
    const one = await root.post('/confab.orgs.create', { fixtures: { ...FIXTURES, tokens: [{ user: 'ada', value: 'tenant-one-ada' }] } });
    const two = await root.post('/confab.orgs.create', {});
    expect(one.status).toBe(201);
    const other = await as(two.body.admin.token).get('/chats.get', { id: `don:core:dvrv-us-1:devo/${one.body.org.slug}:chat/1` });
    expect(other.status).toBe(404);
    expect(other.body.type).toBe('not_found');
  });

  it('serves parallel tenants: twenty at once each get their own organization', async () => {
    const created = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        root.post('/confab.orgs.create', { fixtures: { ...FIXTURES, tokens: [{ user: 'ada', value: `parallel-${index}-ada` }] } }),
      ),
    );
    expect(created.map((response) => response.status)).toEqual(Array(20).fill(201));
    expect(new Set(created.map((response) => response.body.org.slug)).size).toBe(20);
  });

  it('refuses fixtures that break a rule, naming where, and writes nothing', async () => {
    const before = (await emulator.server.store.orgs.list()).length;
    const broken = {
      ...FIXTURES,
      users: [...FIXTURES.users, { ref: 'bob', type: 'dev_user', email: 'bob@acme.test', state: 'deactivated' }],
      chats: [...FIXTURES.chats, { users: ['ada', 'bob'] }],
      tokens: [{ user: 'ada', value: 'never-written-token' }],
    };
    const response = await root.post('/confab.orgs.create', { fixtures: broken });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ type: 'invalid_field', field_name: 'fixtures.chats[1]' });
    expect(response.body.message).toMatch(/DEVU-3 is deactivated/);
    expect((await emulator.server.store.orgs.list()).length).toBe(before);
    expect((await as('never-written-token').get('/dev-users.self')).status).toBe(401);
  });

  it('refuses a reference to a user the fixtures do not have', async () => {
    const response = await root.post('/confab.orgs.create', { fixtures: { tokens: [{ user: 'nobody', value: 'tenant-token-nobody' }] } });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ type: 'invalid_field', field_name: 'fixtures.tokens[0].user' });
  });

  it('refuses an unknown fixture field with a DevRev 400', async () => {
    const response = await root.post('/confab.orgs.create', { fixtures: { users: [{ ref: 'a', type: 'dev_user', email: 'a@a.test', emial: 'x' }] } });
    expect(response.status).toBe(400);
    expect(response.body.type).toBe('invalid_field');
  });

  it('refuses a token value another organization has with 409 conflict, naming the key', async () => {
    const response = await root.post('/confab.orgs.create', { fixtures: { ...FIXTURES, name: 'Again' } });
    expect(response.status).toBe(409);
    expect(response.body.type).toBe('conflict');
    expect(response.body.message).toMatch(/fixtures\.tokens\[0\]\.value/);
  });

  it('refuses a slug that is taken with 409 conflict', async () => {
    await root.post('/confab.orgs.create', { fixtures: { slug: 'takenslug' } });
    const response = await root.post('/confab.orgs.create', { fixtures: { slug: 'takenslug' } });
    expect(response.status).toBe(409);
    expect(response.body.message).toMatch(/takenslug/);
  });

  it('is for admins: a member gets 403 forbidden', async () => {
    const fixtures = { users: [{ ref: 'm', type: 'dev_user', email: 'm@m.test' }], tokens: [{ user: 'm', value: 'tenant-token-member' }] };
    expect((await root.post('/confab.orgs.create', { fixtures })).status).toBe(201);
    const response = await as('tenant-token-member').post('/confab.orgs.create', {});
    expect(response.status).toBe(403);
    expect(response.body.type).toBe('forbidden');
  });
});

describe('confab.orgs.create outside emulator mode', () => {
  const t = useServer();
  it('answers 404 not_found like an unknown route', async () => {
    const admin = await t.given.org();
    const response = await t.as(admin).post('/confab.orgs.create', {});
    expect(response.status).toBe(404);
    expect(response.body.type).toBe('not_found');
  });
});
