import { beforeAll, describe, expect, it } from 'vitest';
import { useServer, type Person } from './helpers/server.js';

// One sweep over every identity endpoint with another organization's ids: each must answer
// 404 not_found (never 403, which would confirm the object exists), and nothing may change.
const t = useServer();
const PAT = 'urn:devrev:params:oauth:token-type:pat';

let a: Person;
let b: Person;
const their = {} as Record<'devUser' | 'group' | 'revGroup' | 'serviceAccount' | 'revOrg' | 'revUser' | 'token' | 'artifact', string>;

beforeAll(async () => {
  a = await t.given.org();
  b = await t.given.org();
  const bob = await t.given.user(b);
  their.devUser = bob.id;
  their.group = (await t.as(b).post('/groups.create', { name: 'B team', description: 'b' })).body.group.id;
  their.revGroup = (await t.as(b).post('/groups.create', { name: 'B customers', description: 'b', member_type: 'rev_user' })).body.group.id;
  their.serviceAccount = (await t.as(b).post('/service-accounts.create', { display_name: 'B bot' })).body.service_account.id;
  their.revOrg = (await t.as(b).post('/rev-orgs.create', { display_name: 'B customer', external_ref: 'b-ref' })).body.rev_org.id;
  their.revUser = (await t.as(b).post('/rev-users.create', { display_name: 'B rev', external_ref: 'b-rev' })).body.rev_user.id;
  await t.as(b).post('/groups.members.add', { group: their.group, member: bob.id });
  their.token = (await t.as(b).get('/auth-tokens.list')).body.tokens[0].id;
  const prepared = (await t.as(b).post('/artifacts.prepare', { file_name: 'b.png' })).body;
  const pngSignature = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]);
  expect((await fetch(prepared.url, { method: 'POST', body: pngSignature })).status).toBe(204);
  await t.as(b).post('/dev-users.update', { id: bob.id, display_picture: prepared.id });
  their.artifact = prepared.id;
});

describe("another organization's objects", () => {
  const calls: [string, (ids: Record<string, string>) => Record<string, unknown>][] = [
    ['/dev-users.get', (ids) => ({ id: ids.devUser })],
    ['/dev-users.update', (ids) => ({ id: ids.devUser, display_name: 'pwned' })],
    ['/dev-users.deactivate', (ids) => ({ id: ids.devUser })],
    ['/dev-users.activate', (ids) => ({ id: ids.devUser })],
    ['/auth-tokens.create', (ids) => ({ requested_token_type: PAT, act_as: ids.devUser })],
    ['/auth-tokens.create', (ids) => ({ requested_token_type: PAT, act_as: ids.serviceAccount })],
    ['/auth-tokens.get', (ids) => ({ token_id: ids.token })],
    ['/auth-tokens.list', (ids) => ({ subject: ids.devUser })],
    ['/auth-tokens.delete', (ids) => ({ token_id: ids.token })],
    ['/groups.get', (ids) => ({ id: ids.group })],
    ['/groups.update', (ids) => ({ id: ids.group, name: 'pwned' })],
    ['/groups.members.add', (ids) => ({ group: ids.group, member: a.id })],
    ['/groups.members.remove', (ids) => ({ group: ids.group, member: ids.devUser })],
    ['/groups.members.list', (ids) => ({ group: ids.group })],
    ['/groups.get', (ids) => ({ id: ids.revGroup })],
    ['/service-accounts.get', (ids) => ({ id: ids.serviceAccount })],
    ['/service-accounts.update', (ids) => ({ id: ids.serviceAccount, display_name: 'pwned' })],
    ['/rev-orgs.get', (ids) => ({ id: ids.revOrg })],
    ['/rev-orgs.update', (ids) => ({ id: ids.revOrg, display_name: 'pwned' })],
    ['/rev-orgs.delete', (ids) => ({ id: ids.revOrg })],
    ['/rev-users.create', (ids) => ({ display_name: 'x', rev_org: ids.revOrg })],
    ['/rev-users.get', (ids) => ({ id: ids.revUser })],
    ['/rev-users.update', (ids) => ({ id: ids.revUser, display_name: 'pwned' })],
    ['/rev-users.delete', (ids) => ({ id: ids.revUser })],
    ['/artifacts.get', (ids) => ({ id: ids.artifact })],
    ['/artifacts.locate', (ids) => ({ id: ids.artifact })],
    ['/artifacts.list', (ids) => ({ parent_id: ids.devUser })],
    ['/dev-users.self.update', (ids) => ({ display_picture: ids.artifact })],
  ];

  it.each(calls)('%s answers 404 for their DON, as admin', async (path, body) => {
    const response = await t.as(a).post(path, body(their));
    expect(response.status).toBe(404);
    expect(response.body.type).toBe('not_found');
  });

  it.each(calls)('%s answers 404 for a display id that names nothing here', async (path, body) => {
    // Display ids are read in the caller's org; numbers far past anything A has name nothing.
    const displayIds = Object.fromEntries(
      Object.entries(their).map(([key, don]) => {
        const [, kind] = /:(\w+)\/\d+$/.exec(don)!;
        const prefix = { devu: 'DEVU', group: 'GRP', svcacc: 'SVCACC', revo: 'REV', revu: 'REVU', token: 'TKN', artifact: 'ARTIFACT' }[kind!]!;
        return [key, `${prefix}-987654`];
      }),
    );
    const response = await t.as(a).post(path, body(displayIds));
    expect(response.status).toBe(404);
  });

  it('never appear in lists or filters, and their cursors are refused', async () => {
    expect((await t.as(a).post('/dev-users.list', { email: [(await t.as(b).get('/dev-users.self')).body.dev_user.email] })).body.dev_users).toEqual([]);
    expect((await t.as(a).post('/groups.list', { name: ['B team'] })).body.groups).toEqual([]);
    expect((await t.as(a).post('/rev-orgs.list', { external_ref: ['b-ref'] })).body.rev_orgs).toEqual([]);
    expect((await t.as(a).post('/rev-users.list', { external_ref: ['b-rev'], rev_org: [their.revOrg] })).body.rev_users).toEqual([]);
    for (const [path, field] of [['/dev-users.list', 'dev_users'], ['/groups.list', 'groups'], ['/rev-orgs.list', 'rev_orgs']] as const) {
      await t.as(b).post(path, {});
      const page = await t.as(b).post(path, { limit: 1 });
      if (page.body.next_cursor === undefined) continue;
      const response = await t.as(a).post(path, { cursor: page.body.next_cursor });
      expect(response.status, field).toBe(400);
      expect(response.body).toMatchObject({ type: 'invalid_field', field_name: 'cursor' });
    }
  });

  it('are untouched after the sweep', async () => {
    expect((await t.as(b).get('/dev-users.get', { id: their.devUser })).body.dev_user.state).toBe('active');
    expect((await t.as(b).get('/groups.get', { id: their.group })).body.group.name).toBe('B team');
    expect((await t.as(b).get('/groups.members.list', { group: their.group })).body.members).toHaveLength(1);
    expect((await t.as(b).get('/service-accounts.get', { id: their.serviceAccount })).body.service_account.display_name).toBe('B bot');
    expect((await t.as(b).get('/rev-orgs.get', { id: their.revOrg })).body.rev_org.display_name).toBe('B customer');
    expect((await t.as(b).get('/rev-users.get', { id: their.revUser })).body.rev_user.display_name).toBe('B rev');
    expect((await t.as(b).get('/auth-tokens.get', { token_id: their.token })).body.token.status).toBe('active');
    expect((await t.as(b).get('/dev-users.self')).status).toBe(200);
  });
});
